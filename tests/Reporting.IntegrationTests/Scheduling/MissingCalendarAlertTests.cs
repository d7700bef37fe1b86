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

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// Issue 18, part 3: from 1 December, when next year's working calendar file is absent and a job's
/// day rule reads the calendar, ops get one alert email, once, not daily; through the real host, a
/// demo book in SQLite, the .eml outbox and a clock set by the test. The calendar folder holds 2026
/// only, whatever config/calendar ships later.
/// </summary>
public sealed class MissingCalendarAlertTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateOnly BookDate = new(2026, 12, 3);
    private string _folder = null!;
    private string _calendar = null!;

    [OneTimeSetUp]
    public async Task LoadDemoBook()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-calendar-alert-").FullName;
        _calendar = Directory.CreateDirectory(Path.Combine(_folder, "calendar")).FullName;
        File.Copy(Path.Combine(RepositoryLayout.Root, "config", "calendar", "cn-2026.json"), Path.Combine(_calendar, "cn-2026.json"));
        DemoDataGenerator.Generate(_folder, new DemoDataOptions { BusinessDate = BookDate, PoliciesPerYear = 300 });
        using var host = Host(new SetClock(At(2026, 11, 1)));
        await host.Services.GetRequiredService<IReportingStore>().MigrateAsync();
        var loader = host.Services.GetRequiredService<ExtractLoader>();
        var paths = host.Services.GetRequiredService<ReportingPaths>();
        foreach (var source in host.Services.GetRequiredService<SourcesOptions>().Sources.Values.Where(s => s.Enabled))
        {
            await loader.ScanAsync(source, paths.Resolve(source.Folder));
        }

        SqliteConnection.ClearAllPools();
    }

    [OneTimeTearDown]
    public void DeleteDemoBook()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [TearDown]
    public void ForgetDeliveries()
    {
        // Each test starts from no calendar alert sent: the outbox emptied, the delivery log too.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path.Combine(_folder, "outbox")))
        {
            Directory.Delete(Path.Combine(_folder, "outbox"), recursive: true);
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "reporting.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM deliveries; DELETE FROM job_claims;";
        command.ExecuteNonQuery();
        SqliteConnection.ClearAllPools();
    }

    [Test]
    public async Task Scheduled_mornings_in_December_alert_ops_once_that_next_years_calendar_is_missing()
    {
        var clock = new SetClock(At(2026, 12, 1));
        using var host = Host(clock);
        foreach (var day in new[] { 1, 2, 3 })
        {
            clock.Now = At(2026, 12, day + 1);
            var run = await Morning(host, new DateOnly(2026, 12, day), RunTrigger.Scheduled);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Succeeded), run.Error);
        }

        var alert = CalendarAlerts().Single();
        Assert.That(alert.To, Is.EqualTo(new[] { "ops@dealer.example" }));
        Assert.That(alert.Subject, Does.Contain("2027"));
        Assert.That(alert.Html, Does.Contain("cn-2027.json"));
        Assert.That(alert.Html, Does.Contain("Saturday/Sunday"));
    }

    [Test]
    public async Task November_sends_no_calendar_alert()
    {
        using var host = Host(new SetClock(At(2026, 11, 30)));

        await Morning(host, new DateOnly(2026, 11, 29), RunTrigger.Scheduled);

        Assert.That(CalendarAlerts(), Is.Empty);
    }

    [Test]
    public async Task December_begins_at_midnight_in_the_jobs_time_zone_not_in_UTC()
    {
        // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Shanghai.
        using var host = Host(new SetClock(new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.Zero)));

        await Morning(host, new DateOnly(2026, 11, 30), RunTrigger.Scheduled);

        Assert.That(CalendarAlerts(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_calendar_alert_whose_send_failed_is_sent_by_the_next_morning()
    {
        var clock = new SetClock(At(2026, 12, 2));
        var notAFolder = Path.Combine(_folder, "outbox-is-a-file");
        File.WriteAllText(notAFolder, "");
        using (var broken = Host(clock, new() { ["Delivery:OutboxFolder"] = notAFolder, ["Delivery:Retry:Attempts"] = "1" }))
        {
            await Morning(broken, new DateOnly(2026, 12, 1), RunTrigger.Scheduled);
        }

        Assert.That(CalendarAlerts(), Is.Empty, "nothing reached the outbox");
        clock.Now = At(2026, 12, 3);
        using var host = Host(clock);
        await Morning(host, new DateOnly(2026, 12, 2), RunTrigger.Scheduled);

        Assert.That(CalendarAlerts(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Next_years_file_present_sends_no_alert()
    {
        var calendar = Directory.CreateTempSubdirectory("reporting-calendar-2027-").FullName;
        try
        {
            File.Copy(Path.Combine(_calendar, "cn-2026.json"), Path.Combine(calendar, "cn-2026.json"));
            // A made-up 2027 (the notice is not published): only that the file exists matters here.
            File.WriteAllText(
                Path.Combine(calendar, "cn-2027.json"),
                """{ "Year": 2027, "Notice": "test data, not the State Council's notice", "Holidays": [ { "Name": "元旦", "From": "2027-01-01", "To": "2027-01-01" } ], "Workdays": [] }""");
            using var host = Host(new SetClock(At(2026, 12, 2)), new() { ["Scheduling:CalendarFolder"] = calendar });

            await Morning(host, new DateOnly(2026, 12, 1), RunTrigger.Scheduled);

            Assert.That(CalendarAlerts(), Is.Empty);
        }
        finally
        {
            Directory.Delete(calendar, recursive: true);
        }
    }

    [Test]
    public async Task A_schedule_whose_jobs_all_run_every_day_sends_no_calendar_alert()
    {
        using var host = Host(new SetClock(At(2026, 12, 2)), new() { ["Scheduling:Jobs:2:Days"] = "All", ["Scheduling:Jobs:3:Days"] = "All" });

        await Morning(host, new DateOnly(2026, 12, 1), RunTrigger.Scheduled);

        Assert.That(CalendarAlerts(), Is.Empty);
    }

    [Test]
    public async Task A_rerun_by_hand_sends_no_calendar_alert()
    {
        using var host = Host(new SetClock(At(2026, 12, 2)));

        await Morning(host, new DateOnly(2026, 12, 1), RunTrigger.Manual);

        Assert.That(CalendarAlerts(), Is.Empty);
    }

    /// <summary>07:30 in Shanghai on the day: the morning job's fire time.</summary>
    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 7, 30, 0, Shanghai.BaseUtcOffset);

    private static Task<JobRun> Morning(IHost host, DateOnly date, RunTrigger trigger) =>
        host.Services.GetRequiredService<IJobExecutor>().ExecuteAsync(new JobRequest("morning", date, trigger, new RunOptions()));

    private List<ReceivedMail> CalendarAlerts()
    {
        var outbox = Path.Combine(_folder, "outbox");
        return Directory.Exists(outbox)
            ? MailFiles.Read(Directory.GetFiles(outbox)).Where(m => m.Subject.Contains("Working calendar", StringComparison.Ordinal)).ToList()
            : [];
    }

    private IHost Host(TimeProvider clock, Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Data:Folder"] = _folder,
            ["Store:Provider"] = "sqlite",
            ["Store:ConnectionString"] = "",
            ["Scheduling:CalendarFolder"] = _calendar,

            // The clock stands still: a report waits for no extract (a missing one would only add
            // the data-incomplete alert, which these tests do not count).
            ["Scheduling:Freshness:Wait"] = "00:00:00",
        };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return ReportingHost.Build(overrides, RepositoryLayout.Root, configure: builder => builder.Services.AddSingleton(clock));
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
