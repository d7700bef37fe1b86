using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Chat;
using Reporting.Worker.Hosting;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// Issue 19, part 2: the metrics and activities of an ingest and a morning run, through the real
/// host with OpenTelemetry's in-memory exporters registered by the test: a small demo book in
/// SQLite, the emails to the <c>.eml</c> outbox, a WeCom robot for B01 and a signed DingTalk robot
/// for the group on <see cref="RobotTestServer"/>, and a clock at 07:30 the morning after the
/// business date. One sequence (ingest, then morning), checked instrument by instrument.
/// </summary>
public sealed partial class TelemetryTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private const string WeComKey = "wecom-key-B01-77c1a0e2-5d4b";
    private const string DingTalkToken = "dingtalk-token-group-4e8a2b";
    private const string DingTalkSecret = "SEC9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private readonly List<Activity> _activities = [];
    private readonly List<MetricSnapshot> _exported = [];
    private string _folder = null!;
    private RobotTestServer _server = null!;
    private JobRun _ingest = null!, _morning = null!;
    private IReadOnlyList<IngestEntry> _ledger = null!;
    private Dictionary<string, MetricSnapshot> _metrics = null!;

    [OneTimeSetUp]
    public async Task IngestAndRunTheMorningJob()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-telemetry-").FullName;
        DemoDataGenerator.Generate(_folder, new DemoDataOptions { BusinessDate = BusinessDate, PoliciesPerYear = 300 });

        // The clock is the test's: DingTalk's signature timestamp then lies outside the server's real-time window.
        _server = RobotTestServer.Start(new RobotTestServerOptions { TimestampTolerance = TimeSpan.FromDays(36500) });
        _server.AddWeComRobot(WeComKey);
        var overrides = new Dictionary<string, string?>
        {
            ["Data:Folder"] = _folder,
            ["Store:Provider"] = "sqlite",
            ["Store:ConnectionString"] = "",
            ["Scheduling:Freshness:Wait"] = "00:00:00",
            ["Delivery:Chat:WeCom:B01"] = _server.WeComUrl(WeComKey),
            ["Delivery:Chat:DingTalk:group"] = _server.AddDingTalkRobot(DingTalkToken, DingTalkSecret),
            ["Delivery:Chat:DingTalk:group:Secret"] = DingTalkSecret,
        };
        var clock = new SetClock(new DateTimeOffset(2026, 11, 22, 7, 30, 0, Shanghai.BaseUtcOffset));
        using (var host = ReportingHost.Build(overrides, RepositoryLayout.Root, interactive: false, configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddOpenTelemetry()
                .WithTracing(t => t.AddSource(ReportingTelemetry.Name).AddInMemoryExporter(_activities))
                .WithMetrics(m => m.AddMeter(ReportingTelemetry.Name).AddInMemoryExporter(_exported));
        }))
        {
            var executor = host.Services.GetRequiredService<IJobExecutor>();
            _ingest = await executor.ExecuteAsync(new JobRequest(IngestJob.JobName, BusinessDate, RunTrigger.Manual, new RunOptions()));
            _morning = await executor.ExecuteAsync(new JobRequest(MorningJob.JobName, BusinessDate, RunTrigger.Manual, new RunOptions()));
            _ledger = await host.Services.GetRequiredService<IReportingStore>().GetLedgerAsync();
            host.Services.GetRequiredService<MeterProvider>().ForceFlush();
            host.Services.GetRequiredService<TracerProvider>().ForceFlush();

            // Cumulative: a metric's last export holds everything recorded since the provider started.
            _metrics = _exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
        }

        SqliteConnection.ClearAllPools();
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void Each_run_is_counted_once_by_job_and_status()
    {
        Assert.That((_ingest.Status, _morning.Status), Is.EqualTo((RunStatus.Succeeded, RunStatus.Succeeded)), _morning.Error);
        Assert.That(Sums("reporting.job.runs", "job", "status"), Is.EquivalentTo(new Dictionary<string, long>
        {
            ["ingest|Succeeded"] = 1,
            ["morning|Succeeded"] = 1,
        }));
    }

    [Test]
    public void Each_run_records_one_duration_in_seconds_by_job()
    {
        var durations = Points("reporting.job.duration").ToDictionary(p => Tag(p, "job")!, p => p.GetHistogramCount());

        Assert.That(_metrics["reporting.job.duration"].Unit, Is.EqualTo("s"));
        Assert.That(durations, Is.EquivalentTo(new Dictionary<string, long> { ["ingest"] = 1, ["morning"] = 1 }));
    }

    [Test]
    public void Rows_loaded_and_rejected_per_source_are_what_the_loader_recorded_in_the_ledger()
    {
        var loaded = _ledger.GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Sum(e => e.RowsLoaded));
        var rejected = _ledger.GroupBy(e => e.Source).ToDictionary(g => g.Key, g => g.Sum(e => e.RowsRejected));

        Assert.That(loaded.Values.Sum(), Is.EqualTo(_ingest.Rows).And.GreaterThan(0));
        Assert.That(Sums("reporting.extract.rows_loaded", "source"), Is.EquivalentTo(loaded));
        Assert.That(Sums("reporting.extract.rows_rejected", "source"), Is.EquivalentTo(rejected));
    }

    [Test]
    public void The_extract_lag_is_recorded_once_per_loaded_extract_from_the_end_of_its_date()
    {
        var lags = Points("reporting.extract.lag").ToDictionary(p => Tag(p, "source")!);
        var loaded = _ledger.Where(e => e.Status == IngestStatus.LOADED).GroupBy(e => e.Source).ToList();

        Assert.That(lags.Keys, Is.EquivalentTo(loaded.Select(g => g.Key)));
        foreach (var source in loaded)
        {
            Assert.That(lags[source.Key].GetHistogramCount(), Is.EqualTo(source.Count()), source.Key);
        }

        // policies_20261121.csv, loaded at 07:30 on the 22nd in Shanghai: 7.5 hours after the 21st ended.
        Assert.That(_ledger.Any(e => e.Source == "policies" && e.ExtractDate == BusinessDate), Is.True);
        Assert.That(lags["policies"].TryGetHistogramMinMaxValues(out var least, out _), Is.True);
        Assert.That(least, Is.EqualTo(7.5 * 3600));
    }

    [Test]
    public void Messages_sent_are_counted_per_channel_and_none_failed()
    {
        var emails = Directory.GetFiles(Path.Combine(_folder, "outbox"), "*.eml").Length;

        Assert.That(Sums("reporting.delivery.messages_sent", "channel"), Is.EquivalentTo(new Dictionary<string, long>
        {
            ["email"] = emails,
            ["wecom"] = 1,
            ["dingtalk"] = 1,
        }));
        Assert.That(Sums("reporting.delivery.messages_failed", "channel"), Is.Empty);
    }

    [Test]
    public void A_morning_run_has_one_activity_per_stage_under_its_run()
    {
        var run = Runs(MorningJob.JobName).Single();

        Assert.That(Tags(run), Is.SupersetOf(new Dictionary<string, string>
        {
            ["job"] = "morning",
            ["business_date"] = "2026-11-21",
            ["run_id"] = _morning.RunId.ToString(CultureInfo.InvariantCulture),
            ["status"] = "Succeeded",
        }));
        var stages = _activities.Where(a => a.ParentSpanId == run.SpanId).ToList();
        Assert.That(stages.Select(a => a.OperationName), Is.EqualTo(new[] { "report.wait_for_extracts", "report.render", "report.deliver" }));
        Assert.That(stages.Select(a => Tags(a)["run_id"]), Is.All.EqualTo(_morning.RunId.ToString(CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Every_file_load_has_an_activity_under_the_ingest_run_with_its_source_file_and_status()
    {
        var run = Runs(IngestJob.JobName).Single();
        var loads = _activities.Where(a => a.OperationName == "extract.load").ToList();

        Assert.That(loads.Select(a => a.ParentSpanId), Is.All.EqualTo(run.SpanId));
        Assert.That(loads.Select(a => (Tags(a)["source"], Tags(a)["file_name"], Tags(a)["status"])),
            Is.EquivalentTo(_ledger.Select(e => (e.Source, e.FileName, e.Status == IngestStatus.LOADED ? "Loaded" : "Failed"))));
    }

    [Test]
    public void No_tag_of_any_activity_or_metric_holds_personal_data_or_a_secret()
    {
        var values = _activities.SelectMany(a => Tags(a).Values.Append(a.DisplayName))
            .Concat(_metrics.Values.SelectMany(m => m.MetricPoints).SelectMany(p => PointTags(p).Select(t => t.Value)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var personal = CustomerValues().ToHashSet(StringComparer.Ordinal);
        string[] secrets = [WeComKey, DingTalkToken, DingTalkSecret, "http", "key=", "access_token", "Password", "Data Source"];

        Assert.That(values, Has.Count.GreaterThan(20), "the tags of the runs, stages, loads and instruments");
        Assert.That(personal, Has.Count.GreaterThan(500), "the demo book's customer values");
        Assert.That(values.Where(v => personal.Any(p => v.Contains(p, StringComparison.Ordinal))), Is.Empty, "a customer's name, phone, ID number, plate or VIN");
        Assert.That(values.Where(v => v.Contains('@', StringComparison.Ordinal) || Mobile().IsMatch(v) || IdNumber().IsMatch(v)), Is.Empty, "an address, a mobile or an ID number");
        Assert.That(values.Where(v => secrets.Any(s => v.Contains(s, StringComparison.OrdinalIgnoreCase))), Is.Empty, "a robot's address, key or secret, a connection string");
    }

    private IEnumerable<Activity> Runs(string job) =>
        _activities.Where(a => a.OperationName == "job.run" && Tags(a)["job"] == job);

    private static Dictionary<string, string> Tags(Activity activity) =>
        activity.TagObjects.ToDictionary(t => t.Key, t => Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);

    private IEnumerable<MetricPoint> Points(string name) =>
        _metrics.TryGetValue(name, out var metric) ? metric.MetricPoints : [];

    /// <summary>A counter's sums by its tags' values, joined with <c>|</c> in the order asked.</summary>
    private Dictionary<string, long> Sums(string name, params string[] tags) =>
        Points(name).ToDictionary(p => string.Join("|", tags.Select(t => Tag(p, t))), p => p.GetSumLong());

    private static string? Tag(MetricPoint point, string key) => PointTags(point).FirstOrDefault(t => t.Key == key).Value;

    private static List<KeyValuePair<string, string>> PointTags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        }

        return tags;
    }

    /// <summary>The demo book's customer values, from its canonical CSV files (UTF-8, canonical headers).</summary>
    private IEnumerable<string> CustomerValues()
    {
        string[] columns = ["customer_name", "customer_phone", "customer_id_no", "plate_no", "vin"];
        foreach (var file in Directory.GetFiles(Path.Combine(_folder, "inbox"), "*.csv", SearchOption.AllDirectories))
        {
            using var csv = new Microsoft.VisualBasic.FileIO.TextFieldParser(file, Encoding.UTF8) { HasFieldsEnclosedInQuotes = true };
            csv.SetDelimiters(",");
            var header = csv.ReadFields() ?? [];
            var wanted = columns.Select(c => Array.IndexOf(header, c)).Where(i => i >= 0).ToList();
            while (csv.ReadFields() is { } fields)
            {
                foreach (var value in wanted.Where(i => i < fields.Length).Select(i => fields[i]).Where(v => v.Length >= 2))
                {
                    yield return value;
                }
            }
        }
    }

    [GeneratedRegex(@"(?<!\d)1[3-9]\d{9}(?!\d)")]
    private static partial Regex Mobile();

    [GeneratedRegex(@"(?<![0-9A-Za-z])\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")]
    private static partial Regex IdNumber();

    /// <summary>A clock that stands at the morning after the business date.</summary>
    private sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
