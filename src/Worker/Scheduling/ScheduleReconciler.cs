using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Reporting.Jobs.Scheduling;
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
public sealed class ScheduleReconciler(ISchedulerFactory schedulers, SchedulingOptions schedule, ILogger<ScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
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
            else if (!string.Equals(stored.CronExpressionString, CronExpression.Parse(job.Cron).CronExpressionString, StringComparison.Ordinal)
                || stored.TimeZone.Id != schedule.ZoneOf(job).Id)
            {
                await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken);
                logger.LogInformation("Rescheduled {Job}: {OldCron} ({OldZone}) is now {Cron} ({Zone})",
                    job.Name, stored.CronExpressionString, stored.TimeZone.Id, job.Cron, schedule.ZoneOf(job).Id);
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
    /// The job's cron trigger. A fire missed by more than <see cref="SchedulingOptions.MisfireThreshold"/>
    /// (the worker was down) fires once as soon as the worker is back, then the cron resumes.
    /// </summary>
    public ITrigger Trigger(ScheduledJobOptions job) => TriggerBuilder.Create()
        .ForJob(job.Name, SchedulingExtensions.JobGroup)
        .WithIdentity(job.Name, SchedulingExtensions.JobGroup)
        .WithSchedule(CronScheduleBuilder.Create(job.Cron)
            .InTimeZone(schedule.ZoneOf(job))
            .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
        .Build();
}
