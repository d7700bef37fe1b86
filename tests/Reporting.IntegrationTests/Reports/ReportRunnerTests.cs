using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Mail;
using Reporting.Worker.Hosting;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// Render → deliver end to end, through the real host: a demo book in SQLite, the report runner,
/// the .eml outbox or a real SMTP server (SPEC §4, §5 reruns, §6).
/// </summary>
[Category("Services")]
public sealed class ReportRunnerTests
{
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private static readonly DateOnly MonthEnd = new(2026, 10, 31);
    private readonly List<string> _copies = [];
    private string _book = null!;

    [OneTimeSetUp]
    public async Task LoadDemoBook()
    {
        _book = Directory.CreateTempSubdirectory("reporting-runner-book-").FullName;
        DemoDataGenerator.Generate(_book, new DemoDataOptions { BusinessDate = BusinessDate, PoliciesPerYear = 1500 });
        using var host = Host(_book);
        await host.Services.GetRequiredService<IReportingStore>().MigrateAsync();
        var loader = host.Services.GetRequiredService<ExtractLoader>();
        var paths = host.Services.GetRequiredService<ReportingPaths>();
        foreach (var source in host.Services.GetRequiredService<SourcesOptions>().Sources.Values.Where(s => s.Enabled))
        {
            var results = await loader.ScanAsync(source, paths.Resolve(source.Folder));
            Assert.That(results.All(r => r.Outcome == LoadOutcome.Loaded), source.Name);
        }

        SqliteConnection.ClearAllPools();
    }

    [OneTimeTearDown]
    public void DeleteDemoBook()
    {
        SqliteConnection.ClearAllPools();
        foreach (var folder in _copies.Append(_book))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Every_report_rerun_gives_byte_identical_workbooks_and_identical_email_bodies()
    {
        var folder = CopyOfBook();
        var first = await RenderAllAsync(folder);
        var firstWorkbooks = Workbooks(folder);

        var second = await RenderAllAsync(folder);

        Assert.That(first.All(o => o.Succeeded));
        Assert.That(firstWorkbooks.Keys, Is.EquivalentTo(new[] { "commission_2026-10.xlsx", "renewal_review_2026-09.xlsx" }));
        Assert.That(Workbooks(folder), Is.EqualTo(firstWorkbooks), "workbook SHA-256 per file");
        Assert.That(Bodies(second), Is.EqualTo(Bodies(first)));
        Assert.That(Bodies(first), Has.Count.EqualTo(7 + 1 + 7), "7 morning, 1 commission, 7 review messages");
    }

    [Test]
    public async Task A_commission_workbook_that_does_not_reconcile_is_not_sent_and_ops_are_alerted()
    {
        var folder = CopyOfBook();
        await using (var connection = new SqliteConnection("Data Source=" + Path.Combine(folder, "reporting.db")))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            // A ledger line whose rows no longer add up: read ≠ loaded + rejected + duplicate + skipped.
            tamper.CommandText = "UPDATE ingest_ledger SET rows_read = rows_read + 1 WHERE source = 'policies'";
            await tamper.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        using var host = Host(folder);
        var run = await Execute(host, ReportJobs.Commission, MonthEnd);
        var sent = MailFiles.Read(Directory.GetFiles(Path.Combine(folder, "outbox")));

        Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(run.Error, Does.Contain("does not reconcile"));
        Assert.That(sent.Select(m => (m.To.Single(), m.Subject)), Is.EqualTo(new[] { ("ops@dealer.example", "【告警】手续费月报 2026-10 对账不平，未发送") }));
        Assert.That(File.Exists(Path.Combine(folder, "output", "commission_2026-10.xlsx")), "the workbook is kept for ops to inspect");
    }

    [Test]
    public async Task The_reports_reach_a_real_SMTP_server_with_recipients_subjects_and_attachments()
    {
        var folder = CopyOfBook();
        await using var server = await SmtpTestServer.StartNewAsync();
        using var host = Host(folder, new Dictionary<string, string?>
        {
            ["Delivery:Mode"] = "Smtp",
            ["Delivery:Smtp:Host"] = "127.0.0.1",
            ["Delivery:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:Smtp:Security"] = "None",
        });

        await Execute(host, ReportJobs.Morning, BusinessDate);
        await Execute(host, ReportJobs.Commission, MonthEnd);
        var received = server.Messages();
        var workbook = await File.ReadAllBytesAsync(Path.Combine(folder, "output", "commission_2026-10.xlsx"));

        Assert.That(received, Has.Count.EqualTo(9), "one message per recipient: B01 has two managers");
        var b01 = received.Where(m => m.Subject.Contains("深圳福田丰田4S店", StringComparison.Ordinal)).ToList();
        Assert.That(b01.SelectMany(m => m.To), Is.EquivalentTo(new[] { "manager.b01@dealer.example", "deputy.b01@dealer.example" }));
        Assert.That(b01.Select(m => m.Html).Distinct().Count(), Is.EqualTo(1), "both managers get the same email");
        b01 = [b01[0]];
        Assert.That(b01[0].Subject, Does.StartWith("【续保日报】").And.Contain("2026-11-21").And.Contain("续保率"));
        Assert.That(b01[0].Html, Does.Contain("待跟进名单").And.Contain("数据更新情况"));
        var group = received.Single(m => m.To.SequenceEqual(new[] { "gm@dealer.example" }));
        Assert.That(group.Subject, Does.Contain("集团"));
        var commission = received.Single(m => m.To.SequenceEqual(new[] { "finance@dealer.example" }));
        Assert.That(commission.Attachments.Single().Name, Is.EqualTo("commission_2026-10.xlsx"));
        Assert.That(commission.Attachments.Single().Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(workbook))), "the attachment is the workbook in the output folder");
    }

    [Test]
    public async Task A_dry_run_renders_everything_and_writes_or_sends_nothing()
    {
        var folder = CopyOfBook();
        using var host = Host(folder);

        var outcome = await host.Services.GetRequiredService<ReportRunner>().RunCommissionAsync(MonthEnd, new RunOptions(DryRun: true), CancellationToken.None);

        Assert.That(outcome.Messages.Single().To, Is.EqualTo(new[] { "finance@dealer.example" }));
        Assert.That(outcome.Files.Single(), Does.EndWith("commission_2026-10.xlsx"));
        Assert.That(Directory.Exists(Path.Combine(folder, "output")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(folder, "outbox")), Is.False);
    }

    [Test]
    public async Task Running_a_report_twice_sends_nothing_the_second_time_and_resend_sends_again()
    {
        var folder = CopyOfBook();
        using var host = Host(folder);

        var first = await Execute(host, ReportJobs.Morning, BusinessDate);
        var second = await Execute(host, ReportJobs.Morning, BusinessDate);
        var third = await Execute(host, ReportJobs.Morning, BusinessDate, resend: true);
        var deliveries = await host.Services.GetRequiredService<IRunStore>().GetDeliveriesAsync(ReportJobs.Morning, BusinessDate);

        Assert.That((first.Rows, second.Rows, third.Rows), Is.EqualTo((8L, 0L, 8L)));
        Assert.That(deliveries.Select(d => (d.Status, d.Attempts)).Distinct(), Is.EqualTo(new[] { (DeliveryStatus.SENT, 2) }));
    }

    [Test]
    public async Task Messages_that_failed_while_the_SMTP_server_was_down_are_delivered_exactly_once_when_it_is_back()
    {
        var folder = CopyOfBook();
        await using var server = await SmtpTestServer.StartNewAsync();
        using var host = Host(folder, new Dictionary<string, string?>
        {
            ["Delivery:Mode"] = "Smtp",
            ["Delivery:Smtp:Host"] = "127.0.0.1",
            ["Delivery:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:Smtp:Security"] = "None",
            ["Delivery:Smtp:Timeout"] = "00:00:05",
            ["Delivery:Retry:Attempts"] = "2",
            ["Delivery:Retry:FirstDelay"] = "00:00:00.200",
        });
        await server.StopAsync();

        var whileDown = await Execute(host, ReportJobs.Morning, BusinessDate);
        await server.StartAsync();
        var whenBack = await Execute(host, ReportJobs.Morning, BusinessDate);
        var again = await Execute(host, ReportJobs.Morning, BusinessDate);
        var received = server.Messages();

        Assert.That(whileDown.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(whenBack.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That((whenBack.Rows, again.Rows), Is.EqualTo((8L, 0L)));
        Assert.That(received.Select(m => m.To.Single()), Is.EquivalentTo(new[]
        {
            "manager.b01@dealer.example", "deputy.b01@dealer.example", "manager.b02@dealer.example", "manager.b03@dealer.example",
            "manager.b04@dealer.example", "manager.b05@dealer.example", "manager.b06@dealer.example", "gm@dealer.example",
        }), "each recipient exactly once");
    }

    [Test]
    public async Task A_scheduled_report_with_a_missing_extract_waits_then_sends_with_the_banner_and_alerts_ops()
    {
        var folder = CopyOfBook();
        using var host = Host(folder, new Dictionary<string, string?>
        {
            ["Scheduling:Freshness:Wait"] = "00:00:02",
            ["Scheduling:Freshness:PollInterval"] = "00:00:00.500",
        });
        var nextDay = BusinessDate.AddDays(1); // no extract dated 2026-11-22 was ever loaded
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = await Execute(host, ReportJobs.Morning, nextDay, RunTrigger.Scheduled);
        var sent = MailFiles.Read(Directory.GetFiles(Path.Combine(folder, "outbox")));

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)), "it waited for the deadline");
        Assert.That(run.Status, Is.EqualTo(RunStatus.Incomplete));
        var b02 = sent.Single(m => m.To.Single() == "manager.b02@dealer.example");
        Assert.That(b02.Subject, Does.StartWith("【数据不完整】"));
        Assert.That(b02.Html, Does.Contain("数据不完整"));
        var alert = sent.Single(m => m.To.Single() == "ops@dealer.example");
        Assert.That(alert.Subject, Does.Contain("数据不完整"));
        Assert.That(alert.Html, Does.Contain("policies"));
    }

    [Test]
    public async Task A_scheduled_report_runs_once_per_business_date_however_many_times_it_fires()
    {
        var folder = CopyOfBook();
        using var host = Host(folder);
        var executor = host.Services.GetRequiredService<IJobExecutor>();

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            executor.ExecuteAsync(new JobRequest(ReportJobs.Commission, MonthEnd, RunTrigger.Scheduled, new RunOptions()))));

        Assert.That(runs.Select(r => r.Status).Order(), Is.EqualTo(new[] { RunStatus.Succeeded, RunStatus.Skipped, RunStatus.Skipped }));
        Assert.That(MailFiles.Read(Directory.GetFiles(Path.Combine(folder, "outbox"))), Has.Count.EqualTo(1));
    }

    private static IHost Host(string folder, Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Store:Provider"] = "sqlite",
            ["Store:ConnectionString"] = "",

            // The clock here is the real one: in a December without next year's calendar file, a
            // scheduled run would add the missing-calendar alert (tested in MissingCalendarAlertTests)
            // to the messages these tests count. No job reads the calendar here.
            ["Scheduling:Jobs:2:Days"] = "All",
            ["Scheduling:Jobs:3:Days"] = "All",
        };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return ReportingHost.Build(overrides, RepositoryLayout.Root);
    }

    private static Task<JobRun> Execute(IHost host, string job, DateOnly date, RunTrigger trigger = RunTrigger.Manual, bool resend = false) =>
        host.Services.GetRequiredService<IJobExecutor>().ExecuteAsync(new JobRequest(job, date, trigger, new RunOptions(), resend));

    private static async Task<IReadOnlyList<ReportOutcome>> RenderAllAsync(string folder)
    {
        using var host = Host(folder);
        var runner = host.Services.GetRequiredService<ReportRunner>();
        return
        [
            await runner.RunMorningAsync(BusinessDate, new RunOptions(), CancellationToken.None),
            await runner.RunCommissionAsync(MonthEnd, new RunOptions(), CancellationToken.None),
            await runner.RunRenewalReviewAsync(MonthEnd, new RunOptions(), CancellationToken.None),
        ];
    }

    private static Dictionary<string, string> Workbooks(string folder) => Directory.GetFiles(Path.Combine(folder, "output"))
        .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    private static Dictionary<string, string> Bodies(IEnumerable<ReportOutcome> outcomes) => outcomes
        .SelectMany(o => o.Messages)
        .ToDictionary(m => m.Key, m => m.Subject + "\n" + m.HtmlBody);

    private string CopyOfBook()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-runner-").FullName;
        _copies.Add(folder);
        File.Copy(Path.Combine(_book, "reporting.db"), Path.Combine(folder, "reporting.db"));
        return folder;
    }
}
