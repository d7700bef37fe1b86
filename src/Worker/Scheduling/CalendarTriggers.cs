using System.Globalization;
using Quartz;
using Quartz.Impl.Calendar;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// A job's trigger with China's working calendar applied, as Quartz runs it: the job's cron, and
/// for a job that keeps only some days (<see cref="JobDays"/>) a Quartz exclusion calendar
/// (<see cref="HolidayCalendar"/>, stored with the triggers, so every worker of a cluster applies
/// the same one) that excludes the other days in the job's zone.
/// </summary>
/// <remarks>
/// <para><c>Workdays</c> excludes weekends that are not adjusted workdays, and holidays.</para>
/// <para><c>FirstWorkday</c> is for a job of the 1st (day-of-month <c>1</c>): its trigger fires at the
/// cron's time on each of days 1–15 and the calendar excludes all but the month's first workday
/// (no first workday is later than the 15th), so 1 October 2026 becomes 8 October.</para>
/// <para>The calendar lists dates from the year before <c>from</c> to ten years after it; a year
/// without a calendar file is Saturday/Sunday weekends in it. The scheduler's calendars are written
/// again at every start, so the horizon moves with the worker.</para>
/// </remarks>
public static class CalendarTriggers
{
    /// <summary>Years after the current one the stored exclusion calendar covers.</summary>
    public const int HorizonYears = 10;

    /// <summary>The Quartz calendar's name for a day rule in a zone; null for <see cref="JobDays.All"/>.</summary>
    public static string? CalendarName(JobDays days, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return days == JobDays.All ? null : string.Create(CultureInfo.InvariantCulture, $"cn-{days}-{zone.Id}");
    }

    /// <summary>The cron the trigger runs: the configured one, or for <see cref="JobDays.FirstWorkday"/> its time on days 1–15.</summary>
    public static string EffectiveCron(ScheduledJobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Days != JobDays.FirstWorkday)
        {
            return job.Cron;
        }

        var fields = job.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        fields[3] = "1-15";
        return string.Join(' ', fields);
    }

    /// <summary>
    /// Why a job's day rule does not fit its cron, or null: <c>FirstWorkday</c> replaces the fire of
    /// the 1st, so its cron names day-of-month <c>1</c> and no day of the week.
    /// </summary>
    public static string? Problem(ScheduledJobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Days != JobDays.FirstWorkday)
        {
            return null;
        }

        var fields = job.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 6 && fields[3] == "1" && fields[5] == "?"
            ? null
            : "FirstWorkday moves the fire of the 1st: the cron's day-of-month must be 1 and its day-of-week ?";
    }

    /// <summary>The exclusion calendar of a day rule in a zone, covering the year before <paramref name="from"/> to <see cref="HorizonYears"/> after it.</summary>
    public static HolidayCalendar Build(WorkingCalendar calendar, JobDays days, TimeZoneInfo zone, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(zone);
        var exclusions = new HolidayCalendar { TimeZone = zone, Description = $"China working calendar: {days}" };
        var year = TimeZoneInfo.ConvertTime(from, zone).Year;
        for (var day = new DateOnly(year - 1, 1, 1); day.Year <= year + HorizonYears; day = day.AddDays(1))
        {
            if (!calendar.Allows(days, day))
            {
                exclusions.AddExcludedDay(day);
            }
        }

        return exclusions;
    }

    /// <summary>The job's trigger: its effective cron in its zone, misfires fired once, modified by its calendar when it has one.</summary>
    public static ITrigger Trigger(ScheduledJobOptions job, TimeZoneInfo zone, DateTimeOffset? startAt = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        var builder = TriggerBuilder.Create()
            .ForJob(job.Name, SchedulingExtensions.JobGroup)
            .WithIdentity(job.Name, SchedulingExtensions.JobGroup)
            .WithSchedule(CronScheduleBuilder.Create(EffectiveCron(job))
                .InTimeZone(zone)
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed));
        if (startAt is { } start)
        {
            builder = builder.StartAt(start);
        }

        if (CalendarName(job.Days, zone) is { } name)
        {
            builder = builder.WithCalendarName(name);
        }

        return builder.Build();
    }

    /// <summary>The next <paramref name="count"/> fires of the job after <paramref name="after"/>, as Quartz computes them with the calendar.</summary>
    public static IReadOnlyList<DateTimeOffset> NextFireTimes(ScheduledJobOptions job, TimeZoneInfo zone, WorkingCalendar calendar, DateTimeOffset after, int count)
    {
        ArgumentNullException.ThrowIfNull(job);
        // The trigger's own fire times, skipping those its calendar excludes, as the scheduler
        // does (Quartz's TriggerFireTimes helpers start from the clock, not from a given instant).
        var trigger = Trigger(job, zone, after);
        var exclusions = job.Days == JobDays.All ? null : Build(calendar, job.Days, zone, after);
        var fires = new List<DateTimeOffset>(count);
        var cursor = after;
        while (fires.Count < count && trigger.GetFireTimeAfter(cursor) is { } next)
        {
            if (exclusions is null || exclusions.IsTimeIncluded(next))
            {
                fires.Add(next);
            }

            cursor = next;
        }

        return fires;
    }

    /// <summary>
    /// The job's last fire at or before <paramref name="before"/>, looking back at most
    /// <paramref name="lookBack"/>, with the calendar applied; null when it has none in that span.
    /// </summary>
    public static DateTimeOffset? LastFireAtOrBefore(ScheduledJobOptions job, TimeZoneInfo zone, WorkingCalendar calendar, DateTimeOffset before, TimeSpan lookBack)
    {
        ArgumentNullException.ThrowIfNull(job);
        var from = before - lookBack;
        var trigger = Trigger(job, zone, from);
        var exclusions = job.Days == JobDays.All ? null : Build(calendar, job.Days, zone, from);
        DateTimeOffset? last = null;
        for (var next = trigger.GetFireTimeAfter(from); next is { } fire && fire <= before; next = trigger.GetFireTimeAfter(fire))
        {
            if (exclusions is null || exclusions.IsTimeIncluded(fire))
            {
                last = fire;
            }
        }

        return last;
    }
}
