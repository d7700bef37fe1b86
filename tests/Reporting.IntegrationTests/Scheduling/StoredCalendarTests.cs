using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Reporting.Testing;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// Issue 18: the working calendar as the scheduler of <c>serve</c> keeps it: the real host's Quartz
/// scheduler on its persistent SQLite store (the STJ serialiser), reconciled by
/// <see cref="ScheduleReconciler"/>; the scheduler is left in standby, so nothing fires. The
/// calendar and the triggers are read back from the store by a second host.
/// </summary>
/// <remarks>
/// Quartz's job store computes a stored trigger's next fire from the real clock, so the expected
/// fires are worked out here from now, over a calendar folder the test writes: this year and next,
/// each month's 1st to 3rd a holiday, so a month's first workday is the first Monday–Friday from the
/// 4th, and 10 October a working Saturday when it is one.
/// </remarks>
public sealed class StoredCalendarTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private string _folder = null!;
    private string _calendar = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-stored-calendar-").FullName;
        _calendar = Directory.CreateDirectory(Path.Combine(_folder, "calendar")).FullName;
        var thisYear = Today().Year;
        foreach (var year in new[] { thisYear, thisYear + 1 })
        {
            var holidays = string.Join(", ", Enumerable.Range(1, 12).Select(m => $$"""{ "Name": "month {{m}}", "From": "{{year}}-{{m:00}}-01", "To": "{{year}}-{{m:00}}-03" }"""));
            var workdays = new DateOnly(year, 10, 10).DayOfWeek == DayOfWeek.Saturday ? $"\"{year}-10-10\"" : "";
            File.WriteAllText(
                Path.Combine(_calendar, $"cn-{year}.json"),
                $$"""{ "Year": {{year}}, "Notice": "test data", "Holidays": [ {{holidays}} ], "Workdays": [ {{workdays}} ] }""");
        }
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_stored_first_workday_trigger_next_fires_on_the_first_workday_of_its_month()
    {
        await ReconcileAsync();

        using var host = Build();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(new TriggerKey("commission", SchedulingExtensions.JobGroup));

        Assert.That(trigger!.CalendarName, Is.EqualTo("cn-FirstWorkday-Asia/Shanghai"));
        Assert.That(trigger.NextFireTimeUtc, Is.EqualTo(NextSixOClock(day => day.Day == FirstWeekdayFromTheFourth(day.Year, day.Month))));
        await scheduler.Shutdown();
    }

    [Test]
    public async Task The_stored_calendar_read_back_from_the_store_excludes_holidays_and_weekends()
    {
        await ReconcileAsync();

        using var host = Build();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var workdays = await scheduler.GetCalendar("cn-Workdays-Asia/Shanghai");
        var year = Today().Year + 1;

        Assert.That(workdays, Is.Not.Null, "the morning job's Days: Workdays stored its calendar");
        Assert.That(Included(workdays!, new DateOnly(year, 3, 2)), Is.False, "a holiday");
        var weekday = Enumerable.Range(4, 7).Select(d => new DateOnly(year, 3, d)).First(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.That(Included(workdays!, weekday), Is.True, "an ordinary weekday");
        var sunday = Enumerable.Range(4, 7).Select(d => new DateOnly(year, 3, d)).First(d => d.DayOfWeek == DayOfWeek.Sunday);
        Assert.That(Included(workdays!, sunday), Is.False, "an ordinary Sunday");
        await scheduler.Shutdown();
    }

    [Test]
    public async Task Changing_a_jobs_days_to_all_reschedules_its_stored_trigger_to_the_plain_cron()
    {
        await ReconcileAsync();

        await ReconcileAsync(new() { ["Scheduling:Jobs:2:Days"] = "All" });

        using var host = Build(new() { ["Scheduling:Jobs:2:Days"] = "All" });
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(new TriggerKey("commission", SchedulingExtensions.JobGroup));
        Assert.That(trigger!.CalendarName, Is.Null);
        Assert.That(trigger.NextFireTimeUtc, Is.EqualTo(NextSixOClock(day => day.Day == 1)));
        await scheduler.Shutdown();
    }

    private static DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), Shanghai).DateTime);

    private static int FirstWeekdayFromTheFourth(int year, int month) =>
        Enumerable.Range(4, 7).First(d => new DateOnly(year, month, d).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>The first 06:00 in Shanghai after now on a day that passes <paramref name="keep"/>.</summary>
    private static DateTimeOffset NextSixOClock(Func<DateOnly, bool> keep)
    {
        var now = TimeProvider.System.GetUtcNow();
        for (var day = Today(); ; day = day.AddDays(1))
        {
            var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(6, 0)), Shanghai.GetUtcOffset(day.ToDateTime(new TimeOnly(6, 0))));
            if (at > now && keep(day))
            {
                return at;
            }
        }
    }

    private static bool Included(ICalendar calendar, DateOnly day) =>
        calendar.IsTimeIncluded(new DateTimeOffset(day.ToDateTime(new TimeOnly(7, 30)), TimeSpan.FromHours(8)));

    /// <summary>What <c>serve</c> does at start, up to starting the scheduler: the reconciler writes calendars and triggers into the store.</summary>
    private async Task ReconcileAsync(Dictionary<string, string?>? extra = null)
    {
        using var host = Build(extra);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await host.Services.GetServices<IHostedService>().OfType<ScheduleReconciler>().Single().StartAsync(CancellationToken.None);
        await scheduler.Shutdown();
    }

    private IHost Build(Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Data:Folder"] = _folder,
            ["Store:Provider"] = "sqlite",
            ["Store:ConnectionString"] = "",
            ["Scheduling:CalendarFolder"] = _calendar,
            ["Scheduling:Jobs:1:Days"] = "Workdays",
        };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return ReportingHost.Build(overrides, RepositoryLayout.Root, interactive: false, configure: builder => builder.AddReportingScheduler());
    }
}
