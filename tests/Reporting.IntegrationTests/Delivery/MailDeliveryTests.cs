using System.Security.Cryptography;
using Reporting.Jobs.Delivery;
using Reporting.Testing.Mail;

namespace Reporting.IntegrationTests.Delivery;

/// <summary>SPEC §6 against a real SMTP server (aiosmtpd) and the .eml outbox, read back by an independent MIME parser.</summary>
public sealed class MailDeliveryTests
{
    private static readonly byte[] Workbook = [.. Enumerable.Range(0, 5000).Select(i => unchecked((byte)(i * 7)))];

    private static OutgoingMessage Message(string key = "morning/2026-11-21/B01") => new(
        key,
        ["manager.b01@dealer.example", "deputy.b01@dealer.example"],
        "【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）",
        "<html lang=\"zh-CN\"><body><table><tr><td>应续 229</td><td>张*</td></tr></table></body></html>",
        [new MessageAttachment("commission_2026-10.xlsx", OutgoingMessage.WorkbookContentType, Workbook)]);

    [Test]
    public async Task An_SMTP_server_receives_recipients_subject_html_and_attachment()
    {
        await using var server = await SmtpTestServer.StartNewAsync();
        var transport = new SmtpMailTransport(new DeliveryOptions { Mode = DeliveryMode.Smtp, From = "reports@dealer.example", Smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, StartTls = false } });

        await transport.SendAsync(Message());
        var received = server.Messages().Single();

        Assert.That(received.From, Is.EqualTo("reports@dealer.example"));
        Assert.That(received.To, Is.EqualTo(new[] { "manager.b01@dealer.example", "deputy.b01@dealer.example" }));
        Assert.That(received.Subject, Is.EqualTo("【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）"));
        Assert.That(received.Html, Does.Contain("应续 229").And.Contain("张*"));
        Assert.That(received.Attachments, Is.EqualTo(new[]
        {
            new ReceivedAttachment("commission_2026-10.xlsx", OutgoingMessage.WorkbookContentType, Workbook.Length, Convert.ToHexStringLower(SHA256.HashData(Workbook))),
        }));
    }

    [Test]
    public async Task The_outbox_writes_one_eml_file_per_message_named_by_its_key()
    {
        var outbox = Directory.CreateTempSubdirectory("reporting-outbox-test-").FullName;
        try
        {
            var transport = new OutboxMailTransport(outbox, new DeliveryOptions { From = "reports@dealer.example" });

            await transport.SendAsync(Message());
            await transport.SendAsync(Message()); // a rerun replaces, it does not add
            var files = Directory.GetFiles(outbox);
            var received = MailFiles.Read(files).Single();

            Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[] { "morning_2026-11-21_B01.eml" }));
            Assert.That(received.Subject, Does.StartWith("【续保日报】深圳福田丰田4S店"));
            Assert.That(received.To, Has.Count.EqualTo(2));
            Assert.That(received.Attachments.Single().Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Workbook))));
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }

    [Test]
    public async Task A_server_that_is_down_makes_the_send_fail_rather_than_lose_the_message_silently()
    {
        await using var server = await SmtpTestServer.StartNewAsync();
        await server.StopAsync();
        var transport = new SmtpMailTransport(new DeliveryOptions { Mode = DeliveryMode.Smtp, Smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, StartTls = false, Timeout = TimeSpan.FromSeconds(5) } });

        Assert.That(async () => await transport.SendAsync(Message()), Throws.InstanceOf<System.Net.Mail.SmtpException>());
    }
}
