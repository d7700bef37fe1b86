using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Reporting.Worker.Health;

/// <summary>
/// The scheduler of <c>serve</c>. For <c>/healthz</c> (<see cref="Ready"/> false): started and not shut
/// down. For <c>/readyz</c>: also not in standby, since a scheduler in standby fires nothing.
/// </summary>
public sealed class SchedulerCheck(ISchedulerFactory schedulers, bool ready) : IHealthCheck
{
    public bool Ready => ready;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var name = $"scheduler {scheduler.SchedulerName} instance {scheduler.SchedulerInstanceId}";
        return await scheduler.GetStatus(cancellationToken) switch
        {
            SchedulerStatus.Running => HealthCheckResult.Healthy($"{name} is running"),
            SchedulerStatus.Standby when !ready => HealthCheckResult.Healthy($"{name} is up, in standby"),
            SchedulerStatus.Standby => HealthCheckResult.Unhealthy($"{name} is in standby: it fires nothing"),
            SchedulerStatus.Created => HealthCheckResult.Unhealthy($"{name} has not started"),
            var status => HealthCheckResult.Unhealthy($"{name} is {status}"),
        };
    }
}
