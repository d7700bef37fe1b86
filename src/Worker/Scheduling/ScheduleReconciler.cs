using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// Brings the stored triggers in line with <c>config/schedule.json</c> once the scheduler has started:
/// a trigger whose cron and time zone are unchanged is left as stored, a changed one is replaced, one
/// no longer configured is removed.
/// </summary>
/// <remarks>
/// Declaring the triggers in <c>AddQuartz</c> would replace them at every start, and a replaced
/// trigger starts from now: the 07:30 fire missed while the worker was down would be forgotten
/// instead of run as a misfire. Leaving an unchanged trigger alone keeps its stored next fire time,
/// which is what the misfire handling needs.
/// </remarks>
public sealed class ScheduleReconciler(ISchedulerFactory schedulers, SchedulingOptions schedule, WorkingCalendar calendar, TimeProvider time, ILogger<ScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var (name, days, zone) in schedule.Jobs
            .Where(j => j.Days != JobDays.All)
            .Select(j => (Name: CalendarTriggers.CalendarName(j.Days, schedule.ZoneOf(j))!, j.Days, Zone: schedule.ZoneOf(j)))
            .DistinctBy(c => c.Name))
        {
            // Written at every start (the horizon moves with the worker); the triggers that use it
            // are brought up to date with it.
            await scheduler.AddCalendar(name, CalendarTriggers.Build(calendar, days, zone, now), AddCalendarOptions.ReplacingAndUpdatingTriggers, cancellationToken);
        }

        if (calendar.MissingYear(schedule, now) is { } missing)
        {
            logger.LogWarning("{Missing}", WorkingCalendar.MissingYearText(missing));
        }

        foreach (var job in schedule.Jobs)
        {
            var trigger = Trigger(job);
            var stored = await scheduler.GetTrigger(trigger.Key, cancellationToken) as ICronTrigger;
            if (stored is null)
            {
                try
                {
                    await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
                    logger.LogInformation("Scheduled {Job}: {Cron} ({Zone})", job.Name, job.Cron, schedule.ZoneOf(job).Id);
                }
                catch (ObjectAlreadyExistsException)
                {
                    // Another worker of the cluster stored it first: the same configuration, nothing to do.
                }
            }
            else if (!string.Equals(stored.CronExpressionString, CronExpression.Parse(CalendarTriggers.EffectiveCron(job)).CronExpressionString, StringComparison.Ordinal)
                || stored.TimeZone.Id != schedule.ZoneOf(job).Id
                || !string.Equals(stored.CalendarName, CalendarTriggers.CalendarName(job.Days, schedule.ZoneOf(job)), StringComparison.Ordinal))
            {
                await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken);
                logger.LogInformation("Rescheduled {Job}: {OldCron} ({OldZone}, {OldDays}) is now {Cron} ({Zone}, {Days})",
                    job.Name, stored.CronExpressionString, stored.TimeZone.Id, stored.CalendarName ?? "All", job.Cron, schedule.ZoneOf(job).Id, job.Days);
            }
        }

        var configured = schedule.Jobs.Select(j => new TriggerKey(j.Name, SchedulingExtensions.JobGroup)).ToHashSet();
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(SchedulingExtensions.JobGroup), cancellationToken))
        {
            if (!configured.Contains(key))
            {
                await scheduler.UnscheduleJob(key, cancellationToken);
                logger.LogInformation("Unscheduled {Job}: no longer in {Section}:Jobs", key.Name, SchedulingOptions.SectionName);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The job's trigger (<see cref="CalendarTriggers.Trigger"/>). A fire missed by more than
    /// <see cref="SchedulingOptions.MisfireThreshold"/> (the worker was down) fires once as soon as
    /// the worker is back, then the cron resumes. It starts at the container's clock, the "now" the
    /// calendar's horizon is computed from (Quartz's job store still moves a stored next fire that
    /// is already past by the real clock, as a misfire).
    /// </summary>
    public ITrigger Trigger(ScheduledJobOptions job) => CalendarTriggers.Trigger(job, schedule.ZoneOf(job), time.GetUtcNow());
}
