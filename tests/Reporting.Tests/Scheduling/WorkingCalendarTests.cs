using Reporting.Jobs.Hosting;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;
using Reporting.Testing;
using Reporting.Worker.Scheduling;

namespace Reporting.Tests.Scheduling;

/// <summary>
/// China's working calendar as shipped (config/calendar/cn-2025.json, cn-2026.json) and the fires
/// of real Quartz cron triggers with the exclusion calendar the scheduler stores (<see cref="CalendarTriggers"/>).
/// </summary>
public sealed class WorkingCalendarTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static WorkingCalendar Shipped()
    {
        var (calendar, problems) = WorkingCalendar.Load(Path.Combine(RepositoryLayout.Root, "config", "calendar"));
        Assert.That(problems, Is.Empty);
        return calendar;
    }

    private static SchedulingOptions Schedule(params (string Name, JobDays Days, string? Zone)[] jobs)
    {
        var options = new SchedulingOptions();
        options.UseBusinessTimeZone(new BusinessOptions());
        options.Jobs.AddRange(jobs.Select(j => new ScheduledJobOptions { Name = j.Name, Cron = "0 0 6 1 * ?", Days = j.Days, TimeZone = j.Zone }));
        return options;
    }

    private static List<string> Fires(string cron, JobDays days, string from, int count, WorkingCalendar? calendar = null)
    {
        var job = new ScheduledJobOptions { Name = "job", Cron = cron, Days = days };
        var start = new DateTimeOffset(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddTicks(-1);
        return [.. CalendarTriggers.NextFireTimes(job, Shanghai, calendar ?? Shipped(), start, count)
            .Select(f => TimeZoneInfo.ConvertTime(f, Shanghai).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Test]
    public void The_shipped_years_are_2025_and_2026()
    {
        Assert.That(Shipped().Years, Is.EqualTo(new[] { 2025, 2026 }));
    }

    [TestCase("2026-10-01", DayKind.Holiday)]
    [TestCase("2026-10-07", DayKind.Holiday)]
    [TestCase("2026-10-10", DayKind.AdjustedWorkday)]
    [TestCase("2026-01-04", DayKind.AdjustedWorkday)]
    [TestCase("2026-02-22", DayKind.Holiday)]
    [TestCase("2026-02-28", DayKind.AdjustedWorkday)]
    [TestCase("2026-03-07", DayKind.Weekend)]
    [TestCase("2026-03-09", DayKind.Workday)]
    [TestCase("2025-09-28", DayKind.AdjustedWorkday)]
    [TestCase("2025-10-08", DayKind.Holiday)]
    public void A_day_has_the_kind_the_notice_gives_it(string day, DayKind kind)
    {
        Assert.That(Shipped().KindOf(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(kind));
    }

    [Test]
    public void The_commission_workbook_of_october_2026_waits_for_the_end_of_the_national_day_holiday()
    {
        Assert.That(Fires("0 0 6 1 * ?", JobDays.FirstWorkday, "2026-09-02", 3), Is.EqualTo(new[] { "2026-10-08 06:00", "2026-11-02 06:00", "2026-12-01 06:00" }));
    }

    [Test]
    public void The_first_workday_of_january_2026_is_the_working_sunday()
    {
        Assert.That(Fires("0 0 6 1 * ?", JobDays.FirstWorkday, "2025-12-02", 2), Is.EqualTo(new[] { "2026-01-04 06:00", "2026-02-02 06:00" }));
    }

    [Test]
    public void A_first_workday_fire_reports_the_month_before()
    {
        var fire = new DateTimeOffset(2026, 10, 8, 6, 0, 0, TimeSpan.FromHours(8));
        var job = new ScheduledJobOptions { Name = "commission", Cron = "0 0 6 1 * ?", Days = JobDays.FirstWorkday };

        Assert.That(BusinessDates.Of(CommissionJob.Definition, job, fire, Shanghai), Is.EqualTo(new DateOnly(2026, 9, 30)));
    }

    [Test]
    public void Workdays_skip_the_spring_festival_and_keep_its_working_saturdays()
    {
        Assert.That(Fires("0 30 7 * * ?", JobDays.Workdays, "2026-02-13", 4), Is.EqualTo(new[] { "2026-02-13 07:30", "2026-02-14 07:30", "2026-02-24 07:30", "2026-02-25 07:30" }));
    }

    [Test]
    public void Workdays_in_october_2026_resume_after_the_holiday_and_keep_the_working_saturday()
    {
        Assert.That(Fires("0 30 7 * * ?", JobDays.Workdays, "2026-09-30", 4), Is.EqualTo(new[] { "2026-09-30 07:30", "2026-10-08 07:30", "2026-10-09 07:30", "2026-10-10 07:30" }));
    }

    [Test]
    public void Workdays_in_january_2026_skip_new_year_and_keep_the_working_sunday()
    {
        Assert.That(Fires("0 30 7 * * ?", JobDays.Workdays, "2025-12-31", 3), Is.EqualTo(new[] { "2025-12-31 07:30", "2026-01-04 07:30", "2026-01-05 07:30" }));
    }

    [Test]
    public void The_first_workday_of_february_and_march_2026_are_ordinary_mondays()
    {
        Assert.That(Fires("0 0 6 1 * ?", JobDays.FirstWorkday, "2026-01-05", 2), Is.EqualTo(new[] { "2026-02-02 06:00", "2026-03-02 06:00" }));
    }

    [Test]
    public void All_days_in_a_year_without_a_file_keep_every_day()
    {
        Assert.That(Fires("0 0 6 1 * ?", JobDays.All, "2027-09-30", 2), Is.EqualTo(new[] { "2027-10-01 06:00", "2027-11-01 06:00" }));
    }

    [Test]
    public void All_days_keep_weekends_and_holidays()
    {
        Assert.That(Fires("0 30 7 * * ?", JobDays.All, "2026-10-01", 3), Is.EqualTo(new[] { "2026-10-01 07:30", "2026-10-02 07:30", "2026-10-03 07:30" }));
    }

    [Test]
    public void A_year_without_a_file_falls_back_to_saturday_and_sunday_weekends()
    {
        Assert.That(Fires("0 0 6 1 * ?", JobDays.FirstWorkday, "2027-04-30", 3), Is.EqualTo(new[] { "2027-05-03 06:00", "2027-06-01 06:00", "2027-07-01 06:00" }));
        Assert.That(Fires("0 30 7 * * ?", JobDays.Workdays, "2027-10-01", 2), Is.EqualTo(new[] { "2027-10-01 07:30", "2027-10-04 07:30" }));
    }

    [Test]
    public void Next_years_missing_file_matters_from_the_first_of_december()
    {
        var calendar = Shipped();

        Assert.That(calendar.MissingYear(new DateOnly(2026, 11, 30)), Is.Null);
        Assert.That(calendar.MissingYear(new DateOnly(2026, 12, 1)), Is.EqualTo(2027));
        Assert.That(calendar.MissingYear(new DateOnly(2027, 3, 1)), Is.EqualTo(2027));
    }

    [Test]
    public void A_missing_year_matters_to_a_schedule_only_through_a_job_that_reads_the_calendar()
    {
        var december = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        var everyDay = Schedule(("morning", JobDays.All, null));
        var monthly = Schedule(("morning", JobDays.All, null), ("commission", JobDays.FirstWorkday, null));

        Assert.That(Shipped().MissingYear(everyDay, december), Is.Null);
        Assert.That(Shipped().MissingYear(monthly, december), Is.EqualTo(2027));
    }

    [Test]
    public void December_starts_for_a_schedule_at_midnight_in_the_time_zone_of_the_job_that_reads_the_calendar()
    {
        var shanghaiMidnight = new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.Zero); // 00:30 on 1 December in Shanghai
        var inShanghai = Schedule(("commission", JobDays.FirstWorkday, "Asia/Shanghai"));
        var inLondon = Schedule(("commission", JobDays.FirstWorkday, "Europe/London"));

        Assert.That(Shipped().MissingYear(inShanghai, shanghaiMidnight), Is.EqualTo(2027));
        Assert.That(Shipped().MissingYear(inLondon, shanghaiMidnight), Is.Null);
    }

    [Test]
    public void A_calendar_file_with_a_weekday_as_adjusted_workday_is_refused_naming_the_key()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "cn-2026.json"), """{ "Year": 2026, "Notice": "n", "Holidays": [], "Workdays": [ "2026-10-09" ] }""");

            var (_, problems) = WorkingCalendar.Load(folder);

            Assert.That(problems, Has.One.EqualTo("calendar file cn-2026.json: Workdays:0 '2026-10-09' is a Friday, not a Saturday or Sunday made a workday"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void First_workday_needs_a_cron_of_the_first()
    {
        Assert.That(CalendarTriggers.Problem(new ScheduledJobOptions { Name = "c", Cron = "0 0 6 2 * ?", Days = JobDays.FirstWorkday }), Does.Contain("day-of-month must be 1"));
        Assert.That(CalendarTriggers.Problem(new ScheduledJobOptions { Name = "c", Cron = "0 0 6 1 * ?", Days = JobDays.FirstWorkday }), Is.Null);
    }
}
