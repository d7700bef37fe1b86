using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Store;
using Reporting.Testing.Mail;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Delivery;

/// <summary>
/// SPEC §6 through MailKit against a real SMTP server (aiosmtpd: plain, STARTTLS and implicit TLS
/// with a throw-away certificate, a login) and the .eml outbox, read back by Python's <c>email</c>
/// package, an independent MIME parser.
/// </summary>
[Category("Services")]
public sealed class MailDeliveryTests
{
    private const string From = "reports@dealer.example";
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private static readonly byte[] Workbook = [.. Enumerable.Range(0, 5000).Select(i => unchecked((byte)(i * 7)))];
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly List<IAsyncDisposable> _disposables = [];
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-mail-test-").FullName;

    [TearDown]
    public async Task DeleteFolder()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    private static OutgoingMessage Message(string key = "morning/2026-11-21/B01", string attachment = "commission_2026-10.xlsx", string[]? to = null) => new(
        key,
        to ?? ["manager.b01@dealer.example", "deputy.b01@dealer.example"],
        "【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）",
        "<html lang=\"zh-CN\"><body><table><tr><td>应续 229</td><td>张*</td></tr></table></body></html>",
        [new MessageAttachment(attachment, OutgoingMessage.WorkbookContentType, Workbook)]);

    private static DeliveryOptions Smtp(SmtpTestServer server, SmtpSecurity security = SmtpSecurity.None, string trusted = "", string? user = null, string? password = null) => new()
    {
        Mode = DeliveryMode.Smtp,
        From = From,
        Smtp = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Security = security,
            TrustedCertificate = trusted,
            UserName = user,
            Password = password,
            Timeout = TimeSpan.FromSeconds(10),
        },
    };

    private static MailComposer Composer(DeliveryOptions options) => new(options, Shanghai);

    /// <summary>The deliverer as a run uses it, over a real SQLite run store; one attempt unless told.</summary>
    private async Task<Deliverer> DelivererAsync(IMailTransport transport, DeliveryOptions options, int attempts = 1)
    {
        var store = await TestStore.CreateAsync("sqlite");
        _disposables.Add(store);
        await store.Store.MigrateAsync();
        options.Retry = new DeliveryRetryOptions { Attempts = attempts, FirstDelay = TimeSpan.FromMilliseconds(100) };
        return new Deliverer(transport, Composer(options), (IRunStore)store.Store, options, TimeProvider.System, NullLogger<Deliverer>.Instance);
    }

    private async Task<SmtpTestServer> ServerAsync(SmtpTestServerOptions? options = null)
    {
        var server = await SmtpTestServer.StartNewAsync(options);
        _disposables.Add(server);
        return server;
    }

    private static async Task SendOneAsync(IMailTransport transport, DeliveryOptions options, OutgoingMessage? message = null)
    {
        message ??= Message(to: ["manager.b01@dealer.example"]);
        using var mime = Composer(options).Compose(message, new MailIdentity("morning", BusinessDate, message.Key, message.To[0]));
        await using var batch = transport.OpenBatch();
        await batch.SendAsync(message.Key, mime);
    }

    [Test]
    public async Task Each_recipient_receives_their_own_message_with_subject_html_attachment_and_message_id()
    {
        var server = await ServerAsync();
        var options = Smtp(server);
        var deliverer = await DelivererAsync(new SmtpMailTransport(options), options);

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, null, [Message()], resend: false);
        var received = server.Messages().OrderBy(m => m.To.Single(), StringComparer.Ordinal).ToList();

        Assert.That(summary.Sent, Is.EqualTo(2), string.Join("; ", summary.Errors));
        Assert.That(received.Select(m => m.To.Single()), Is.EqualTo(new[] { "deputy.b01@dealer.example", "manager.b01@dealer.example" }));
        Assert.That(server.Deliveries().Select(d => d.Recipients.Single()).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "deputy.b01@dealer.example", "manager.b01@dealer.example" }), "envelope recipients");
        Assert.That(received.Select(m => m.From).Distinct(), Is.EqualTo(new[] { From }));
        Assert.That(received.Select(m => m.Subject).Distinct(), Is.EqualTo(new[] { "【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）" }));
        Assert.That(received.Select(m => m.Html).Distinct().Single(), Does.Contain("应续 229").And.Contain("张*"));
        Assert.That(received.SelectMany(m => m.Attachments).Distinct(), Is.EqualTo(new[]
        {
            new ReceivedAttachment("commission_2026-10.xlsx", OutgoingMessage.WorkbookContentType, Workbook.Length, Convert.ToHexStringLower(SHA256.HashData(Workbook))),
        }));
        var expectedIds = received.Select(m => "<" + Composer(options).Compose(Message(), new MailIdentity("morning", BusinessDate, "morning/2026-11-21/B01", m.To.Single())).MessageId + ">");
        Assert.That(received.Select(m => m.MessageId), Is.EqualTo(expectedIds));
        Assert.That(received.Select(m => m.MessageId).Distinct().Count(), Is.EqualTo(2), "one Message-ID per recipient");
    }

    [Test]
    public async Task A_run_sends_all_its_messages_over_one_connection()
    {
        var server = await ServerAsync();
        var options = Smtp(server);
        var deliverer = await DelivererAsync(new SmtpMailTransport(options), options);
        var messages = Enumerable.Range(1, 4).Select(i => Message($"morning/2026-11-21/B0{i}")).ToList();

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, null, messages, resend: false);

        Assert.That(summary.Sent, Is.EqualTo(8));
        Assert.That(server.Deliveries(), Has.Count.EqualTo(8));
        Assert.That(server.Connections, Is.EqualTo(1));
    }

    [Test]
    public async Task A_connection_the_server_closed_while_idle_is_reopened_for_the_next_message()
    {
        var server = await ServerAsync(new SmtpTestServerOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        var options = Smtp(server);
        var composer = Composer(options);
        await using var batch = new SmtpMailTransport(options).OpenBatch();

        using var first = composer.Compose(Message(to: ["manager.b01@dealer.example"]), new MailIdentity("morning", BusinessDate, "morning/2026-11-21/B01", "manager.b01@dealer.example"));
        await batch.SendAsync("first", first);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var second = composer.Compose(Message(to: ["manager.b02@dealer.example"]), new MailIdentity("morning", BusinessDate, "morning/2026-11-21/B02", "manager.b02@dealer.example"));
        await batch.SendAsync("second", second);

        Assert.That(server.Deliveries().Select(d => (d.Connection, d.Recipients.Single())), Is.EqualTo(new[] { (1, "manager.b01@dealer.example"), (2, "manager.b02@dealer.example") }));
    }

    [Test]
    public async Task Over_STARTTLS_with_a_trusted_throwaway_certificate_the_message_arrives_encrypted()
    {
        var certificate = TestCertificate.Create(_folder);
        var server = await ServerAsync(new SmtpTestServerOptions { StartTls = certificate });
        var options = Smtp(server, SmtpSecurity.StartTls, trusted: certificate.Sha256);

        await SendOneAsync(new SmtpMailTransport(options), options);

        Assert.That(server.Deliveries().Select(d => d.Tls), Is.EqualTo(new[] { true }));
        Assert.That(server.Messages().Single().Subject, Does.StartWith("【续保日报】"));
    }

    [Test]
    public async Task With_TLS_on_connect_a_certificate_trusted_by_file_is_accepted()
    {
        var certificate = TestCertificate.Create(_folder);
        var server = await ServerAsync(new SmtpTestServerOptions { ImplicitTls = certificate });
        var options = Smtp(server, SmtpSecurity.SslOnConnect, trusted: Path.GetFileName(certificate.CertificateFile));

        await SendOneAsync(new SmtpMailTransport(options, home: _folder), options);

        Assert.That(server.Deliveries().Select(d => d.Tls), Is.EqualTo(new[] { true }));
    }

    [Test]
    public async Task A_certificate_the_system_does_not_trust_fails_the_send_naming_the_server_and_the_certificate()
    {
        var certificate = TestCertificate.Create(_folder);
        var server = await ServerAsync(new SmtpTestServerOptions { StartTls = certificate });
        var options = Smtp(server, SmtpSecurity.StartTls);

        var failure = Assert.ThrowsAsync<MailDeliveryException>(() => SendOneAsync(new SmtpMailTransport(options), options))!;

        Assert.That(failure.Message, Does.StartWith($"SMTP 127.0.0.1:{server.Port}: TLS handshake failed: the server's certificate is not trusted"));
        Assert.That(failure.Transient, Is.False, "an untrusted certificate does not heal by retrying");
        Assert.That(server.Deliveries(), Is.Empty);
    }

    [Test]
    public async Task With_a_user_name_the_client_logs_in_over_STARTTLS()
    {
        var certificate = TestCertificate.Create(_folder);
        var server = await ServerAsync(new SmtpTestServerOptions { StartTls = certificate, UserName = "reports", Password = "s3cret-密码" });
        var options = Smtp(server, SmtpSecurity.StartTls, certificate.Sha256, "reports", "s3cret-密码");

        await SendOneAsync(new SmtpMailTransport(options), options);

        Assert.That(server.Deliveries().Select(d => (d.Tls, d.Login)), Is.EqualTo(new[] { (true, (string?)"reports") }));
    }

    [Test]
    public async Task A_rejected_login_fails_at_once_without_the_password_in_the_error()
    {
        var certificate = TestCertificate.Create(_folder);
        var server = await ServerAsync(new SmtpTestServerOptions { StartTls = certificate, UserName = "reports", Password = "right" });
        var options = Smtp(server, SmtpSecurity.StartTls, certificate.Sha256, "reports", "wrong-password");
        var deliverer = await DelivererAsync(new SmtpMailTransport(options), options, attempts: 3);

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, null, [Message(to: ["manager.b01@dealer.example"])], resend: false);

        Assert.That(summary.Failed, Is.EqualTo(1));
        Assert.That(summary.Errors.Single(), Does.Contain($"SMTP 127.0.0.1:{server.Port}: authentication failed").And.Not.Contain("wrong-password"));
        Assert.That(server.Connections, Is.EqualTo(1), "a rejected login is not retried");
    }

    [Test]
    public async Task A_server_that_is_down_fails_the_send_naming_host_port_and_cause()
    {
        var server = await ServerAsync();
        await server.StopAsync();
        var options = Smtp(server);

        var failure = Assert.ThrowsAsync<MailDeliveryException>(() => SendOneAsync(new SmtpMailTransport(options), options))!;

        Assert.That(failure.Message, Is.EqualTo($"SMTP 127.0.0.1:{server.Port}: connection refused"));
        Assert.That(failure.Transient, Is.True);
    }

    [Test]
    public void A_server_that_never_answers_fails_the_send_after_the_configured_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var options = new DeliveryOptions
        {
            Mode = DeliveryMode.Smtp,
            From = From,
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, Timeout = TimeSpan.FromSeconds(1) },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = Assert.ThrowsAsync<MailDeliveryException>(() => SendOneAsync(new SmtpMailTransport(options), options))!;

        Assert.That(failure.Message, Is.EqualTo($"SMTP 127.0.0.1:{port}: timed out (Delivery:Smtp:Timeout)"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task The_server_receives_exactly_the_bytes_the_outbox_writes()
    {
        var server = await ServerAsync();
        var options = Smtp(server);
        var outbox = Path.Combine(_folder, "outbox");

        await SendOneAsync(new SmtpMailTransport(options), options);
        await SendOneAsync(new OutboxMailTransport(outbox), options);

        Assert.That(File.ReadAllBytes(server.Deliveries().Single().File), Is.EqualTo(File.ReadAllBytes(Directory.GetFiles(outbox).Single())));
    }

    [Test]
    public async Task The_outbox_writes_one_eml_file_per_message_and_recipient_and_a_rerun_rewrites_the_same_bytes()
    {
        var outbox = Path.Combine(_folder, "outbox");
        var options = new DeliveryOptions { From = From };
        var deliverer = await DelivererAsync(new OutboxMailTransport(outbox), options);

        await deliverer.DeliverAsync("morning", BusinessDate, null, [Message()], resend: false);
        var first = Directory.GetFiles(outbox).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        await deliverer.DeliverAsync("morning", BusinessDate, null, [Message()], resend: true);
        var second = Directory.GetFiles(outbox).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        Assert.That(first.Keys, Is.EquivalentTo(new[] { "morning_2026-11-21_B01_manager.b01@dealer.example.eml", "morning_2026-11-21_B01_deputy.b01@dealer.example.eml" }));
        Assert.That(second, Is.EqualTo(first));
        var received = MailFiles.Read(Directory.GetFiles(outbox));
        Assert.That(received.Select(m => m.MessageId), Has.All.Match(@"^<[0-9a-f]{32}@dealer\.example>$"));
        Assert.That(received.Select(m => m.Date).Distinct(), Is.EqualTo(new[] { "Sun, 22 Nov 2026 00:00:00 +0800" }), "midnight ending the business date, in Shanghai");
    }

    [Test]
    public async Task Pythons_email_parser_reads_back_a_Chinese_subject_and_attachment_name_encoded_as_RFC_2047()
    {
        var outbox = Path.Combine(_folder, "outbox");
        var options = new DeliveryOptions { From = From };
        var message = Message("renewal-review/2026-09/B01", "续保复盘_2026-09.xlsx", ["manager.b01@dealer.example"]) with { Subject = "【续保复盘】2026年9月 深圳福田丰田4S店：续保率 66.4%，目标 70%" };

        await SendOneAsync(new OutboxMailTransport(outbox), options, message);
        var file = Directory.GetFiles(outbox).Single();
        var received = MailFiles.Read([file]).Single();
        var headers = Encoding.ASCII.GetString(File.ReadAllBytes(file));

        Assert.That(received.Subject, Is.EqualTo("【续保复盘】2026年9月 深圳福田丰田4S店：续保率 66.4%，目标 70%"));
        Assert.That(received.Attachments.Single().Name, Is.EqualTo("续保复盘_2026-09.xlsx"));
        Assert.That(headers, Does.Match(@"filename=""(=\?utf-8\?[bq]\?[^?\s]+\?=\s*)+""").IgnoreCase, "Content-Disposition filename as RFC 2047 encoded words");
        Assert.That(headers, Does.Match(@"\sname=""(=\?utf-8\?[bq]\?[^?\s]+\?=\s*)+""").IgnoreCase, "Content-Type name as RFC 2047 encoded words");
        Assert.That(headers, Does.Not.Contain("filename*").And.Not.Contain("name*"), "no RFC 2231 parameters that older clients show as garbage");
        Assert.That(File.ReadAllBytes(file).All(b => b < 0x80), "7-bit: every non-ASCII character is encoded");
    }
}
