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
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await ReconcileAsync(await schedulers.GetScheduler(cancellationToken), cancellationToken);

    /// <summary>
    /// Writes the calendars and brings every trigger in line with the configuration (see the type's
    /// remarks), keeping a paused job paused (<c>jobs pause</c>): Quartz keeps a paused trigger's
    /// state when it rewrites a calendar, but stores a replaced trigger (<c>RescheduleJob</c>, a
    /// changed cron, zone or day rule) as waiting, so a job whose trigger was paused before is paused
    /// again as soon as its trigger is replaced, and checked once more at the end.
    /// </summary>
    public async Task ReconcileAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var paused = new List<ScheduledJobOptions>();
        foreach (var job in schedule.Jobs)
        {
            if (JobPauses.IsPaused(await scheduler.GetTriggerState(new TriggerKey(job.Name, SchedulingExtensions.JobGroup), cancellationToken)))
            {
                paused.Add(job);
            }
        }

        await WriteAsync(scheduler, paused.Select(j => j.Name).ToHashSet(StringComparer.Ordinal), cancellationToken);
        foreach (var job in paused)
        {
            var key = new TriggerKey(job.Name, SchedulingExtensions.JobGroup);
            if (!JobPauses.IsPaused(await scheduler.GetTriggerState(key, cancellationToken)))
            {
                await scheduler.PauseJob(new JobKey(job.Name, SchedulingExtensions.JobGroup), cancellationToken);
                logger.LogInformation("Paused {Job} again: its trigger was stored as waiting when it was written", job.Name);
            }

            logger.LogWarning("{Job} is paused: its fires are skipped on every worker until 'jobs resume {Job}'", job.Name, job.Name);
        }
    }

    /// <summary>
    /// Makes sure <paramref name="job"/>'s trigger is stored (<c>jobs pause</c> on a worker that
    /// never ran <c>serve</c>): when it is missing, its calendar (when missing too) and the trigger
    /// are written as <see cref="ReconcileAsync"/> writes them; a stored trigger is left as it is.
    /// </summary>
    public async Task EnsureTriggerAsync(IScheduler scheduler, ScheduledJobOptions job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(job);
        var trigger = Trigger(job);
        if (await scheduler.GetTrigger(trigger.Key, cancellationToken) is not null)
        {
            return;
        }

        var zone = schedule.ZoneOf(job);
        if (CalendarTriggers.CalendarName(job.Days, zone) is { } name && !(await scheduler.GetCalendarNames(cancellationToken)).Contains(name))
        {
            try
            {
                await scheduler.AddCalendar(name, CalendarTriggers.Build(calendar, job.Days, zone, time.GetUtcNow()), default(AddCalendarOptions), cancellationToken);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another worker wrote it first, from the same calendar files.
            }
        }

        try
        {
            await scheduler.ScheduleJob(trigger, cancellationToken: cancellationToken);
            logger.LogInformation("Scheduled {Job}: {Cron} ({Zone})", job.Name, job.Cron, zone.Id);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another worker of the cluster stored it first.
        }
    }

    private async Task WriteAsync(IScheduler scheduler, HashSet<string> paused, CancellationToken cancellationToken)
    {
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
                if (paused.Contains(job.Name))
                {
                    // Stored as waiting: paused again at once, before its next fire time.
                    await scheduler.PauseJob(new JobKey(job.Name, SchedulingExtensions.JobGroup), cancellationToken);
                    logger.LogInformation("Paused {Job} again: its replaced trigger was stored as waiting", job.Name);
                }

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
