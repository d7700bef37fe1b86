using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Mail;
using Reporting.Worker.Hosting;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// Render → deliver end to end, through the real host: a demo book in SQLite, the report runner,
/// the .eml outbox or a real SMTP server (SPEC §4, §5 reruns, §6).
/// </summary>
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
        var first = await RunAllAsync(folder);
        var firstWorkbooks = Workbooks(folder);
        var firstBodies = Bodies(folder);

        await RunAllAsync(folder);

        Assert.That(first.All(o => o.Succeeded));
        Assert.That(firstWorkbooks.Keys, Is.EquivalentTo(new[] { "commission_2026-10.xlsx", "renewal_review_2026-09.xlsx" }));
        Assert.That(Workbooks(folder), Is.EqualTo(firstWorkbooks), "workbook SHA-256 per file");
        Assert.That(Bodies(folder), Is.EqualTo(firstBodies));
        Assert.That(firstBodies, Has.Count.EqualTo(7 + 1 + 7), "7 morning, 1 commission, 7 review emails");
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
        var outcome = await host.Services.GetRequiredService<ReportRunner>().RunAsync(ReportJobs.Commission, MonthEnd);
        var sent = MailFiles.Read(Directory.GetFiles(Path.Combine(folder, "outbox")));

        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Problem, Does.Contain("does not reconcile"));
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
            ["Delivery:Smtp:StartTls"] = "false",
        });
        var runner = host.Services.GetRequiredService<ReportRunner>();

        await runner.RunAsync(ReportJobs.Morning, BusinessDate);
        await runner.RunAsync(ReportJobs.Commission, MonthEnd);
        var received = server.Messages();
        var workbook = await File.ReadAllBytesAsync(Path.Combine(folder, "output", "commission_2026-10.xlsx"));

        Assert.That(received, Has.Count.EqualTo(8));
        var b01 = received.Single(m => m.Subject.Contains("深圳福田丰田4S店", StringComparison.Ordinal));
        Assert.That(b01.To, Is.EqualTo(new[] { "manager.b01@dealer.example", "deputy.b01@dealer.example" }));
        Assert.That(b01.Subject, Does.StartWith("【续保日报】").And.Contain("2026-11-21").And.Contain("续保率"));
        Assert.That(b01.Html, Does.Contain("待跟进名单").And.Contain("数据更新情况"));
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

        var outcome = await host.Services.GetRequiredService<ReportRunner>().RunAsync(ReportJobs.Commission, MonthEnd, new RunOptions(DryRun: true));

        Assert.That(outcome.Messages.Single().To, Is.EqualTo(new[] { "finance@dealer.example" }));
        Assert.That(outcome.Files.Single(), Does.EndWith("commission_2026-10.xlsx"));
        Assert.That(Directory.Exists(Path.Combine(folder, "output")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(folder, "outbox")), Is.False);
    }

    private static IHost Host(string folder, Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?> { ["Data:Folder"] = folder, ["Store:Provider"] = "sqlite", ["Store:ConnectionString"] = "" };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return ReportingHost.Build(overrides, RepositoryLayout.Root);
    }

    private static async Task<IReadOnlyList<ReportOutcome>> RunAllAsync(string folder)
    {
        using var host = Host(folder);
        var runner = host.Services.GetRequiredService<ReportRunner>();
        return
        [
            await runner.RunAsync(ReportJobs.Morning, BusinessDate),
            await runner.RunAsync(ReportJobs.Commission, MonthEnd),
            await runner.RunAsync(ReportJobs.RenewalReview, MonthEnd),
        ];
    }

    private static Dictionary<string, string> Workbooks(string folder) => Directory.GetFiles(Path.Combine(folder, "output"))
        .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    private static Dictionary<string, string> Bodies(string folder) => MailFiles.Read(Directory.GetFiles(Path.Combine(folder, "outbox")))
        .ToDictionary(m => Path.GetFileName(m.FileName), m => m.Html);

    private string CopyOfBook()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-runner-").FullName;
        _copies.Add(folder);
        File.Copy(Path.Combine(_book, "reporting.db"), Path.Combine(folder, "reporting.db"));
        return folder;
    }
}
