using System.Globalization;
using Reporting.Testing.Builders;
using Reporting.Jobs.Scheduling;

namespace Reporting.Tests.Scheduling;

public sealed class BusinessDatesTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [TestCase("2026-10-16T07:30:00+08:00", 2026, 10, 15, TestName = "The_0730_email_reports_the_day_before")]
    [TestCase("2026-10-16T05:00:00+08:00", 2026, 10, 15, TestName = "The_first_ingest_of_the_morning_loads_the_day_before")]
    [TestCase("2026-11-01T06:00:00+08:00", 2026, 10, 31, TestName = "The_1st_of_month_workbooks_report_the_last_day_of_the_month_before")]
    [TestCase("2026-03-01T06:00:00+08:00", 2026, 2, 28, TestName = "The_1st_of_March_reports_28_February")]
    [TestCase("2028-03-01T06:00:00+08:00", 2028, 2, 29, TestName = "The_1st_of_March_of_a_leap_year_reports_29_February")]
    [TestCase("2027-01-01T06:00:00+08:00", 2026, 12, 31, TestName = "New_Years_Day_reports_the_last_day_of_the_year_before")]
    public void Business_date_is_the_day_before_the_fire(string fire, int year, int month, int day) =>
        Assert.That(BusinessDates.ForFire(DateTimeOffset.Parse(fire, CultureInfo.InvariantCulture), Shanghai), Is.EqualTo(new DateOnly(year, month, day)));

    [Test]
    public void The_fire_date_is_read_in_the_jobs_time_zone_not_UTC()
    {
        // 07:30 in Shanghai on the 16th is 23:30 UTC on the 15th.
        var fire = new DateTimeOffset(2026, 10, 15, 23, 30, 0, TimeSpan.Zero);

        Assert.That(BusinessDates.ForFire(fire, Shanghai), Is.EqualTo(15.October(2026)));
        Assert.That(BusinessDates.ForFire(fire, TimeZoneInfo.Utc), Is.EqualTo(14.October(2026)));
    }

    [Test]
    public void A_fire_just_after_midnight_in_the_zone_reports_the_day_that_just_ended()
    {
        var fire = new DateTimeOffset(2026, 10, 16, 0, 0, 1, TimeSpan.FromHours(8));

        Assert.That(BusinessDates.ForFire(fire, Shanghai), Is.EqualTo(15.October(2026)));
    }

    [Test]
    public void A_zone_with_daylight_saving_uses_its_local_date_on_the_change_day()
    {
        // 2026-03-29 01:30 UTC is 03:30 CEST in Berlin, the morning the clocks went forward.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var fire = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero);

        Assert.That(BusinessDates.ForFire(fire, berlin), Is.EqualTo(28.March(2026)));
    }
}
