using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Chat;
using Reporting.Testing.Logging;
using Reporting.Worker.Hosting;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// The morning job end to end with chat robots (issue 18): a demo book in SQLite, the real host and
/// executor, the emails to the <c>.eml</c> outbox, and every branch's and the group's summary to
/// <see cref="RobotTestServer"/> (a local stand-in: no real WeCom or DingTalk endpoint is reachable
/// here). One sequence, checked step by step: a dry run, the run, a rerun, a <c>--resend</c>.
/// </summary>
public sealed class MorningChatEndToEndTests
{
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private static readonly string[] Scopes = ["B01", "B02", "B03", "B04", "B05", "B06", "group"];
    private const string DingTalkSecret = "SEC0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
    private readonly CapturedLogs _logs = new();
    private readonly List<string> _folders = [];
    private string _book = null!;
    private RobotTestServer _server = null!;
    private JobRun _dryRun = null!, _first = null!, _rerun = null!, _resend = null!;
    private IReadOnlyList<ReceivedChat> _afterDryRun = null!, _afterFirst = null!, _afterRerun = null!, _afterResend = null!;

    private static string WeComKey(string scope) => $"wecom-key-{scope}-5b1d0c7e-93a2-4f6e";

    private static string DingTalkToken(string scope) => $"dingtalk-token-{scope}-8c2e1f4a6b9d";

    [OneTimeSetUp]
    public async Task RunTheMorningJobFourWays()
    {
        _book = Folder("reporting-chat-book-");
        DemoDataGenerator.Generate(_book, new DemoDataOptions { BusinessDate = BusinessDate, PoliciesPerYear = 1200 });
        _server = RobotTestServer.Start();
        using (var host = Host(_book))
        {
            await host.Services.GetRequiredService<IReportingStore>().MigrateAsync();
            var loader = host.Services.GetRequiredService<ExtractLoader>();
            var paths = host.Services.GetRequiredService<ReportingPaths>();
            foreach (var source in host.Services.GetRequiredService<SourcesOptions>().Sources.Values.Where(s => s.Enabled))
            {
                await loader.ScanAsync(source, paths.Resolve(source.Folder));
            }

            _dryRun = await Execute(host, dryRun: true);
            _afterDryRun = _server.Requests;
            _first = await Execute(host);
            _afterFirst = _server.Accepted;
            _rerun = await Execute(host);
            _afterRerun = _server.Accepted;
            _resend = await Execute(host, resend: true);
            _afterResend = _server.Accepted;
        }

        SqliteConnection.ClearAllPools();
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Folder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        _folders.Add(folder);
        return folder;
    }

    /// <summary>A WeCom robot for every branch and the group; DingTalk robots (signed) for B01 and the group.</summary>
    private Dictionary<string, string?> Robots(Func<string, string>? weComKey = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var scope in Scopes)
        {
            settings["Delivery:Chat:WeCom:" + scope] = (weComKey ?? WeComKey)(scope) is var key && key.Length > 0 ? _server.WeComUrl(key) : null;
            _server.AddWeComRobot(WeComKey(scope));
        }

        foreach (var scope in new[] { "B01", "group" })
        {
            settings["Delivery:Chat:DingTalk:" + scope] = _server.AddDingTalkRobot(DingTalkToken(scope), DingTalkSecret);
            settings["Delivery:Chat:DingTalk:" + scope + ":Secret"] = DingTalkSecret;
        }

        return settings;
    }

    private IHost Host(string folder, Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>(Robots()) { ["Data:Folder"] = folder, ["Store:Provider"] = "sqlite", ["Store:ConnectionString"] = "" };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return ReportingHost.Build(overrides, RepositoryLayout.Root, interactive: false, configure: builder => builder.Logging.AddProvider(_logs.Provider).SetMinimumLevel(LogLevel.Trace));
    }

    private static Task<JobRun> Execute(IHost host, bool resend = false, bool dryRun = false) =>
        host.Services.GetRequiredService<IJobExecutor>().ExecuteAsync(new JobRequest(ReportJobs.Morning, BusinessDate, RunTrigger.Manual, new RunOptions(DryRun: dryRun), resend));

    private static string[] Expected() =>
        [.. Scopes.Select(s => "wecom:" + WeComKey(s)), "dingtalk:" + DingTalkToken("B01"), "dingtalk:" + DingTalkToken("group")];

    private static IEnumerable<string> Robots(IEnumerable<ReceivedChat> requests) =>
        requests.Select(r => (r.Platform == ChatPlatform.WeCom ? "wecom:" : "dingtalk:") + r.Key);

    [Test]
    public void Every_branch_and_the_group_summary_reaches_its_robots_exactly_once()
    {
        Assert.That((_first.Status, _first.Error), Is.EqualTo((RunStatus.Succeeded, (string?)null)));
        Assert.That(Robots(_afterFirst), Is.EquivalentTo(Expected()));
        Assert.That(_afterFirst.Where(r => r.Platform == ChatPlatform.WeCom).Select(r => r.Text!.Split('\n')[0]).Order(StringComparer.Ordinal), Is.EqualTo(new[]
        {
            "### 东莞南城日产4S店 续保日报 2026-11-21", "### 佛山禅城比亚迪4S店 续保日报 2026-11-21", "### 广州天河大众4S店 续保日报 2026-11-21",
            "### 深圳南山本田4S店 续保日报 2026-11-21", "### 深圳福田丰田4S店 续保日报 2026-11-21", "### 珠海香洲宝马4S店 续保日报 2026-11-21",
            "### 集团 续保日报 2026-11-21",
        }.Order(StringComparer.Ordinal)));
    }

    [Test]
    public void The_emails_go_out_beside_the_chat_summaries()
    {
        var outbox = Directory.GetFiles(Path.Combine(_book, "outbox"), "*.eml").Select(Path.GetFileName);

        Assert.That(outbox, Has.Some.StartsWith("morning_2026-11-21_B01_").And.Some.StartsWith("morning_2026-11-21_group_"));
        Assert.That(_first.Rows, Is.EqualTo(Directory.GetFiles(Path.Combine(_book, "outbox"), "*.eml").Length + Expected().Length), "messages sent: emails and summaries");
    }

    [Test]
    public void A_rerun_sends_the_robots_nothing() =>
        Assert.That((_rerun.Status, _rerun.Rows, _afterRerun.Count), Is.EqualTo((RunStatus.Succeeded, 0L, _afterFirst.Count)));

    [Test]
    public void A_resend_sends_every_summary_again()
    {
        Assert.That(_resend.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That(Robots(_afterResend.Skip(_afterRerun.Count)), Is.EquivalentTo(Expected()));
        Assert.That(_afterResend.Skip(_afterRerun.Count).Select(r => r.Body), Is.EquivalentTo(_afterFirst.Select(r => r.Body)), "the same text, byte for byte");
    }

    [Test]
    public void A_dry_run_lists_where_each_summary_would_go_and_sends_nothing()
    {
        Assert.That(_afterDryRun, Is.Empty);
        Assert.That(_dryRun.Outputs, Does.Contain("morning/2026-11-21/B01 \\u2192 wecom:B01:" + ChatRobot.HashOf(WeComKey("B01")) + " (127.0.0.1:" + _server.Port.ToString(CultureInfo.InvariantCulture) + ")"));
        Assert.That(_dryRun.Outputs, Does.Contain("morning/2026-11-21/group \\u2192 dingtalk:group:" + ChatRobot.HashOf(DingTalkToken("group"))));
    }

    [Test]
    public void Every_summary_says_the_full_report_is_in_the_email() =>
        Assert.That(_afterFirst.Select(r => r.Text), Has.All.EndWith("完整日报（含待跟进名单）见邮件。The full report is in the email."));

    [Test]
    public void No_customer_data_reaches_the_robots()
    {
        var bodies = string.Join("\n", _afterResend.Select(r => r.Body));
        var personal = PolicyRows()
            .SelectMany(r => new[] { r["customer_phone"], r["customer_id_no"], r["plate_no"], r["vin"], r["policy_no"], r["customer_name"] })
            .Where(v => v.Length >= 2)
            .ToHashSet(StringComparer.Ordinal);

        Assert.That(personal, Has.Count.GreaterThan(1000), "the demo book's values");
        Assert.That(personal.Where(v => bodies.Contains(v, StringComparison.Ordinal)), Is.Empty);
        Assert.That(bodies, Does.Not.Match("1[3-9][0-9]{9}"), "no mobile number");
        Assert.That(bodies, Does.Not.Contain("****"), "no masked value either");
    }

    [Test]
    public void No_log_line_holds_a_webhook_key_or_the_secret()
    {
        var logs = _logs.Text;

        Assert.That(logs, Does.Contain("chat summary sent to WeCom robot 127.0.0.1"));
        Assert.That(Scopes.SelectMany(s => new[] { WeComKey(s), DingTalkToken(s) }).Append(DingTalkSecret).Where(s => logs.Contains(s, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_failing_robot_fails_the_run_but_stops_neither_the_emails_nor_the_other_robots()
    {
        var folder = Folder("reporting-chat-failing-");
        File.Copy(Path.Combine(_book, "reporting.db"), Path.Combine(folder, "reporting.db"));
        var before = _server.Accepted.Count;
        JobRun run;
        using (var host = Host(folder, new Dictionary<string, string?> { ["Delivery:Chat:WeCom:B02"] = _server.WeComUrl("unknown-key-of-B02") }))
        {
            run = await Execute(host, resend: true); // the copied store's delivery log has them all as sent
        }

        SqliteConnection.ClearAllPools();
        Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(run.Error, Does.Contain($"morning/2026-11-21/B02 to wecom:B02:{ChatRobot.HashOf("unknown-key-of-B02")}: WeCom robot 127.0.0.1:{_server.Port} key#{ChatRobot.HashOf("unknown-key-of-B02")} (B02): errcode 93000"));
        Assert.That(run.Error, Does.Not.Contain("unknown-key-of-B02"));
        Assert.That(_server.Accepted.Count - before, Is.EqualTo(Expected().Length - 1), "every other robot");
        Assert.That(Directory.GetFiles(Path.Combine(folder, "outbox"), "*.eml"), Has.Length.EqualTo(Directory.GetFiles(Path.Combine(_book, "outbox"), "*.eml").Length), "every email");
    }

    [Test]
    public async Task Failing_emails_fail_the_run_but_do_not_stop_the_chat_summaries()
    {
        var folder = Folder("reporting-chat-smtp-down-");
        File.Copy(Path.Combine(_book, "reporting.db"), Path.Combine(folder, "reporting.db"));
        var before = _server.Accepted.Count;
        JobRun run;
        var smtpDown = new Dictionary<string, string?>
        {
            ["Delivery:Mode"] = "Smtp",
            ["Delivery:Smtp:Host"] = "127.0.0.1",
            ["Delivery:Smtp:Port"] = "9",
            ["Delivery:Smtp:Security"] = "None",
            ["Delivery:Smtp:Timeout"] = "00:00:02",
            ["Delivery:Retry:Attempts"] = "1",
        };
        using (var host = Host(folder, smtpDown))
        {
            run = await Execute(host, resend: true); // the copied store's delivery log has them all as sent
        }

        SqliteConnection.ClearAllPools();
        Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(run.Error, Does.Contain("SMTP 127.0.0.1:9"));
        Assert.That(_server.Accepted.Count - before, Is.EqualTo(Expected().Length));
    }

    /// <summary>The demo's policy rows, from its canonical policy files (UTF-8, canonical headers).</summary>
    private IEnumerable<IDictionary<string, string>> PolicyRows()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(_book, "inbox"), "*.csv", SearchOption.AllDirectories))
        {
            using var csv = new Microsoft.VisualBasic.FileIO.TextFieldParser(file, Encoding.UTF8) { HasFieldsEnclosedInQuotes = true };
            csv.SetDelimiters(",");
            var header = csv.ReadFields() ?? [];
            if (!header.Contains("customer_phone") || !header.Contains("policy_no") || !header.Contains("vin"))
            {
                continue;
            }

            while (csv.ReadFields() is { } fields)
            {
                yield return header.Zip(fields).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            }
        }
    }
}
