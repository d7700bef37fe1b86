namespace Reporting.Jobs.Scheduling;

/// <summary>Which business date a scheduled fire reports on.</summary>
public static class BusinessDates
{
    /// <summary>
    /// The day before the fire date, both in the job's time zone: a run reports the last complete
    /// day, whose extracts arrive early the next morning.
    /// </summary>
    /// <remarks>
    /// The 07:30 email on 16 October reports 15 October; the 06:00 workbooks on 1 March report
    /// 28 February (29 in a leap year). The date is taken from the <em>scheduled</em> fire time, so a
    /// misfire run at 09:10 still reports the day it was meant for, and in the job's zone, so 07:30
    /// Shanghai (23:30 UTC the day before) is still the 16th.
    /// </remarks>
    public static DateOnly ForFire(DateTimeOffset scheduledFire, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduledFire, zone).DateTime).AddDays(-1);

    /// <summary>
    /// The business date of a job that runs on the first workday of a month (<see cref="Calendar.JobDays.FirstWorkday"/>):
    /// the last day of the month before the fire's, as for the fire of the 1st it replaces. The
    /// commission workbook that goes out on 8 October 2026, after the National Day holiday, is
    /// September's.
    /// </summary>
    public static DateOnly ForFirstWorkdayFire(DateTimeOffset scheduledFire, TimeZoneInfo zone)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduledFire, zone).DateTime);
        return new DateOnly(day.Year, day.Month, 1).AddDays(-1);
    }

    /// <summary>The business date a scheduled fire of <paramref name="job"/> reports, by its day rule and then its definition.</summary>
    public static DateOnly Of(JobDefinition definition, ScheduledJobOptions job, DateTimeOffset scheduledFire, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(job);
        return job.Days == Calendar.JobDays.FirstWorkday
            ? ForFirstWorkdayFire(scheduledFire, zone)
            : definition.BusinessDateOf(scheduledFire, zone);
    }
}
