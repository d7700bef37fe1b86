using System.Text;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Store;
using Reporting.Testing.Chat;
using Reporting.Testing.Logging;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Delivery;

/// <summary>
/// Chat delivery (issue 18) against <see cref="RobotTestServer"/>, the local stand-in for the WeCom
/// and DingTalk webhooks (no real endpoint is reachable here), over a real SQLite delivery log:
/// exactly once per (message, robot), throttling waited out, transient failures retried, permanent
/// ones failed at once, long summaries fitted, and no key or secret in a log line or an error.
/// In-process and on loopback only: no service is needed.
/// </summary>
public sealed class ChatDeliveryTests
{
    private const string WeComKey = "7f3b9c2e-1d4a-4e8b-9a6f-0c5d2e8b1a47";
    private const string DingTalkToken = "3c1f0e9d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d";
    private const string DingTalkSecret = "SEC4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d";
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private readonly List<IAsyncDisposable> _disposables = [];
    private CapturedLogs _logs = null!;

    [SetUp]
    public void SetUp() => _logs = new CapturedLogs();

    [TearDown]
    public async Task TearDown()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _disposables.Clear();
    }

    private RobotTestServer Server(RobotTestServerOptions? options = null)
    {
        var server = RobotTestServer.Start(options);
        _disposables.Add(server);
        return server;
    }

    private async Task<(ChatDeliverer Deliverer, IRunStore Runs)> DelivererAsync(ChatOptions chat, int attempts = 3)
    {
        var store = await TestStore.CreateAsync("sqlite");
        _disposables.Add(store);
        await store.Store.MigrateAsync();
        var options = new DeliveryOptions { Chat = chat, Retry = new DeliveryRetryOptions { Attempts = attempts, FirstDelay = TimeSpan.FromMilliseconds(50) } };
        var deliverer = new ChatDeliverer(options, (IRunStore)store.Store, TimeProvider.System, _logs.For<ChatDeliverer>());
        _disposables.Add(new Disposing(deliverer));
        return (deliverer, (IRunStore)store.Store);
    }

    private static ChatOptions Robots(RobotTestServer server, params string[] scopes) => new()
    {
        WeCom = scopes.ToDictionary(s => s, _ => new ChatRobotOptions { Url = server.AddWeComRobot(WeComKey) }, StringComparer.Ordinal),
        DingTalk = scopes.ToDictionary(s => s, _ => new ChatRobotOptions { Url = server.AddDingTalkRobot(DingTalkToken, DingTalkSecret), Secret = DingTalkSecret }, StringComparer.Ordinal),
        ThrottleWait = TimeSpan.FromMilliseconds(500),
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static OutgoingChatMessage Summary(string scope, int lines = 3, string key = "") => new(
        key.Length > 0 ? key : "morning/2026-11-21/" + scope,
        scope,
        "【续保日报】" + scope + " 2026-11-21 续保率 66.4%（目标 70%）",
        [$"### {scope} 续保日报 2026-11-21", .. Enumerable.Range(1, lines).Select(i => $"- 第 {i} 行 应续 229 · 已续 152 · 待续 60 · 脱保 17")],
        "完整日报见邮件。The full report is in the email.",
        "……其余见邮件。The rest is in the email.");

    [Test]
    public async Task Each_summary_reaches_each_robot_of_its_scope_once_and_DingTalk_accepts_the_signature()
    {
        var server = Server();
        var (deliverer, _) = await DelivererAsync(Robots(server, "B01", "group"));

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01"), Summary("B02"), Summary("group")], resend: false);

        Assert.That((summary.Sent, summary.Failed), Is.EqualTo((4, 0)), string.Join("; ", summary.Errors));
        Assert.That(server.Requests.Select(r => r.ErrorCode).Distinct(), Is.EqualTo(new int?[] { 0 }), "every request accepted, signature included");
        Assert.That(server.Accepted.Select(r => (r.Platform, r.Text!.Split('\n')[0])), Is.EquivalentTo(new[]
        {
            (ChatPlatform.WeCom, "### B01 续保日报 2026-11-21"), (ChatPlatform.WeCom, "### group 续保日报 2026-11-21"),
            (ChatPlatform.DingTalk, "### B01 续保日报 2026-11-21"), (ChatPlatform.DingTalk, "### group 续保日报 2026-11-21"),
        }));
    }

    [Test]
    public async Task The_delivery_log_records_each_robot_by_platform_scope_and_key_hash()
    {
        var server = Server();
        var (deliverer, runs) = await DelivererAsync(Robots(server, "B01"));

        await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01")], resend: false);
        var log = await runs.GetDeliveriesAsync("morning", BusinessDate);

        Assert.That(log.Select(d => (d.MessageKey, d.Recipient, d.Status)), Is.EquivalentTo(new[]
        {
            ("morning/2026-11-21/B01", "wecom:B01:" + ChatRobot.HashOf(WeComKey), DeliveryStatus.SENT),
            ("morning/2026-11-21/B01", "dingtalk:B01:" + ChatRobot.HashOf(DingTalkToken), DeliveryStatus.SENT),
        }));
    }

    [Test]
    public async Task A_rerun_sends_nothing_and_a_resend_sends_again()
    {
        var server = Server();
        var (deliverer, _) = await DelivererAsync(Robots(server, "B01"));
        await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01")], resend: false);

        var rerun = await deliverer.DeliverAsync("morning", BusinessDate, 2, [Summary("B01")], resend: false);
        Assert.That((rerun.Sent, rerun.AlreadySent, server.Accepted.Count), Is.EqualTo((0, 2, 2)));

        var resend = await deliverer.DeliverAsync("morning", BusinessDate, 3, [Summary("B01")], resend: true);
        Assert.That((resend.Sent, server.Accepted.Count), Is.EqualTo((2, 4)));
    }

    [Test]
    public async Task Throttling_is_waited_out_and_every_message_arrives()
    {
        // The server throttles the 21st message of a key within 2 s; the worker does not pace (100 per window), so it meets 45009.
        var server = Server(new RobotTestServerOptions { ThrottleWindow = TimeSpan.FromSeconds(2) });
        var chat = Robots(server, "group");
        chat.DingTalk.Clear();
        chat.MessagesPerWindow = 100;
        var (deliverer, _) = await DelivererAsync(chat);
        var messages = Enumerable.Range(1, 25).Select(i => Summary("group", key: $"morning/2026-11-{i:00}/group")).ToList();

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, messages, resend: false);

        Assert.That((summary.Sent, summary.Failed), Is.EqualTo((25, 0)), string.Join("; ", summary.Errors));
        Assert.That(server.Requests.Count(r => r.ErrorCode == 45009), Is.GreaterThan(0), "the server did throttle");
        Assert.That(server.Accepted.Select(r => r.Text).Distinct().Count(), Is.EqualTo(1), "the same text, 25 times");
        Assert.That(server.Accepted, Has.Count.EqualTo(25));
    }

    [Test]
    public async Task Pacing_keeps_a_robot_under_its_rate_so_it_is_never_throttled()
    {
        var server = Server(new RobotTestServerOptions { ThrottleWindow = TimeSpan.FromSeconds(1.8) });
        var chat = Robots(server, "group");
        chat.WeCom.Clear();
        chat.Window = TimeSpan.FromSeconds(2);
        var (deliverer, _) = await DelivererAsync(chat);
        var messages = Enumerable.Range(1, 25).Select(i => Summary("group", key: $"morning/2026-11-{i:00}/group")).ToList();

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, messages, resend: false);

        Assert.That(summary.Sent, Is.EqualTo(25), string.Join("; ", summary.Errors));
        Assert.That(server.Requests.Where(r => r.ErrorCode != 0), Is.Empty, "no throttling answer");
    }

    [Test]
    public async Task A_transient_failure_is_retried_and_delivered()
    {
        var server = Server(new RobotTestServerOptions { FailFirst = 2 });
        var chat = Robots(server, "B01");
        chat.DingTalk.Clear();
        var (deliverer, runs) = await DelivererAsync(chat, attempts: 3);

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01")], resend: false);
        var record = (await runs.GetDeliveriesAsync("morning", BusinessDate)).Single();

        Assert.That((summary.Sent, record.Status, record.Attempts), Is.EqualTo((1, DeliveryStatus.SENT, 3)));
        Assert.That(server.Requests.Select(r => r.HttpStatus), Is.EqualTo(new[] { 502, 502, 200 }));
    }

    [Test]
    public async Task A_bad_key_fails_at_once_naming_channel_host_key_hash_and_errcode_and_the_other_robots_still_receive()
    {
        var server = Server();
        var chat = Robots(server, "B01", "group");
        chat.WeCom["B01"] = new ChatRobotOptions { Url = server.WeComUrl("wrong-key-0000-1111") };
        var (deliverer, runs) = await DelivererAsync(chat);

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01"), Summary("group")], resend: false);
        var failed = (await runs.GetDeliveriesAsync("morning", BusinessDate)).Single(d => d.Status == DeliveryStatus.FAILED);

        Assert.That((summary.Sent, summary.Failed), Is.EqualTo((3, 1)));
        Assert.That(failed.Attempts, Is.EqualTo(1), "not retried");
        Assert.That(failed.Error, Does.StartWith($"WeCom robot 127.0.0.1:{server.Port} key#{ChatRobot.HashOf("wrong-key-0000-1111")} (B01): errcode 93000 invalid webhook url"));
        Assert.That(summary.Errors.Single(), Does.Contain("errcode 93000").And.Not.Contain("wrong-key-0000-1111"));
    }

    [Test]
    public async Task A_wrong_DingTalk_secret_fails_with_the_platform_answer_and_neither_key_nor_secret_is_shown()
    {
        var server = Server();
        var chat = Robots(server, "B01");
        chat.WeCom.Clear();
        chat.DingTalk["B01"].Secret = "SECwrongwrongwrongwrongwrongwrongwrongwrongwrong";
        var (deliverer, runs) = await DelivererAsync(chat);

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01")], resend: false);
        var record = (await runs.GetDeliveriesAsync("morning", BusinessDate)).Single();
        var shown = string.Join("\n", summary.Errors.Append(record.Error!).Append(record.Recipient).Append(_logs.Text));

        Assert.That(record.Error, Does.Contain("errcode 310000 sign not match"));
        Assert.That(shown, Does.Not.Contain(DingTalkToken).And.Not.Contain("SECwrongwrong").And.Not.Contain(DingTalkSecret));
    }

    [Test]
    public async Task No_log_line_holds_a_webhook_key_or_secret()
    {
        var server = Server(new RobotTestServerOptions { FailFirst = 1 });
        var (deliverer, _) = await DelivererAsync(Robots(server, "B01", "group"));

        await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("B01"), Summary("group")], resend: false);

        Assert.That(_logs.Lines, Is.Not.Empty);
        Assert.That(_logs.Text, Does.Not.Contain(WeComKey).And.Not.Contain(DingTalkToken).And.Not.Contain(DingTalkSecret));
        Assert.That(_logs.Text, Does.Contain("key#" + ChatRobot.HashOf(WeComKey)));
    }

    [Test]
    public async Task A_summary_longer_than_the_limit_is_cut_and_accepted_never_rejected()
    {
        var server = Server();
        var (deliverer, _) = await DelivererAsync(Robots(server, "group"));

        var summary = await deliverer.DeliverAsync("morning", BusinessDate, 1, [Summary("group", lines: 2000)], resend: false);

        Assert.That((summary.Sent, summary.Failed), Is.EqualTo((2, 0)), string.Join("; ", summary.Errors));
        var weCom = server.Accepted.Single(r => r.Platform == ChatPlatform.WeCom);
        var dingTalk = server.Accepted.Single(r => r.Platform == ChatPlatform.DingTalk);
        Assert.That(Encoding.UTF8.GetByteCount(weCom.Text!), Is.LessThanOrEqualTo(4096));
        Assert.That(dingTalk.BodyBytes, Is.LessThanOrEqualTo(20_000));
        Assert.That(weCom.Text, Does.EndWith("The rest is in the email.\n完整日报见邮件。The full report is in the email."));
        Assert.That(dingTalk.Text, Does.EndWith("The rest is in the email.\n\n完整日报见邮件。The full report is in the email."));
    }

    [Test]
    public async Task The_test_server_rejects_an_over_limit_body_with_the_platform_error()
    {
        // The server's own check, so that the test above proves something: a WeCom content of 5 000 bytes is refused with 40058.
        var server = Server();
        server.AddWeComRobot(WeComKey);
        using var http = new HttpClient();
        var content = new string('续', 1700);
        using var response = await http.PostAsync(server.WeComUrl(WeComKey), new StringContent("{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"" + content + "\"}}", Encoding.UTF8, "application/json"));

        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"errcode\":40058"));
    }

    /// <summary>Disposes a <see cref="ChatDeliverer"/> with the test's other resources.</summary>
    private sealed class Disposing(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
