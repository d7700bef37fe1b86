using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Scheduling;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Health;

/// <summary>
/// The last scheduled morning run succeeded within its expected window. The fire is Quartz's own
/// record (the morning trigger's previous fire time, shared by a cluster); the run is the run log's
/// scheduled run for the business date that fire reports (<see cref="BusinessDates.Of"/>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>No fire since the trigger was stored (a new install, or a new cron): healthy, nothing is due yet.</item>
/// <item>Succeeded: healthy. Incomplete (sent with the data-incomplete banner): degraded, still 200.</item>
/// <item>Running, or not started yet, within the freshness wait plus <see cref="HealthOptions.MorningGrace"/>
/// of the fire: healthy (it waits for the extracts). Past that window, or Failed: unhealthy.</item>
/// <item>The trigger paused (<c>jobs pause morning</c>): degraded, saying so.</item>
/// <item>The last fire more than a day and that window ago while the trigger is not paused: unhealthy,
/// the scheduler has stopped firing it.</item>
/// </list>
/// </remarks>
public sealed class MorningRunCheck(
    ISchedulerFactory schedulers, IRunStore runs, JobRegistry jobs, SchedulingOptions schedule, HealthOptions options, TimeProvider time) : IHealthCheck
{
    public const string Job = "morning";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (schedule.Find(Job) is not { } configured || jobs.Find(Job) is not { } definition)
        {
            return HealthCheckResult.Healthy("the morning job is not scheduled");
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = new TriggerKey(Job, SchedulingExtensions.JobGroup);
        var trigger = await scheduler.GetTrigger(key, cancellationToken);
        if (trigger is null)
        {
            return HealthCheckResult.Unhealthy("the morning job has no trigger in the scheduler's store");
        }

        if (await scheduler.GetTriggerState(key, cancellationToken) == TriggerState.Paused)
        {
            return HealthCheckResult.Degraded("the morning job is paused (jobs resume morning)");
        }

        if (trigger.PreviousFireTimeUtc is not { } fire)
        {
            return HealthCheckResult.Healthy(Invariant($"no scheduled morning fire yet; the next is {Local(trigger.NextFireTimeUtc, configured)}"));
        }

        var zone = schedule.ZoneOf(configured);
        var date = BusinessDates.Of(definition, configured, fire, zone);
        var now = time.GetUtcNow();
        var window = schedule.Freshness.Wait + options.MorningGrace;
        var scheduled = (await runs.GetRunsAsync(Job, date, cancellationToken: cancellationToken)).Where(r => r.Trigger == RunTrigger.Scheduled).ToList();
        var what = Invariant($"the morning run for {date:yyyy-MM-dd} (fired {Local(fire, configured)})");
        if (scheduled.Any(r => r.Status == RunStatus.Succeeded))
        {
            return now - fire > TimeSpan.FromDays(1) + window && trigger.NextFireTimeUtc is { } next && next < now - window
                ? HealthCheckResult.Unhealthy(Invariant($"{what} succeeded, but the scheduler has not fired the morning job since; it was due {Local(next, configured)}"))
                : HealthCheckResult.Healthy($"{what} succeeded");
        }

        if (scheduled.Any(r => r.Status == RunStatus.Incomplete))
        {
            return HealthCheckResult.Degraded($"{what} went out with the data-incomplete banner");
        }

        if (scheduled.Any(r => r.Status == RunStatus.Failed))
        {
            return HealthCheckResult.Unhealthy($"{what} failed (history --job morning)");
        }

        return now - fire <= window
            ? HealthCheckResult.Healthy($"{what} is in progress")
            : HealthCheckResult.Unhealthy(Invariant($"{what} has not succeeded within {window.TotalMinutes:0} minutes of its fire"));
    }

    private string Local(DateTimeOffset? instant, ScheduledJobOptions job) => instant is { } at
        ? TimeZoneInfo.ConvertTime(at, schedule.ZoneOf(job)).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
        : "never";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
