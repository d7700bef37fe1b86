using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.Health;

/// <summary>
/// The store answers: the run log reads (<see cref="IRunStore.GetRunsAsync"/>, one row). A SQLite
/// file that is gone fails even while pooled connections still hold it open, so the file is looked
/// for first. The answer names the store as messages do (<see cref="StoreTarget.Description"/>:
/// the file, or PostgreSQL's host and port, never a connection string).
/// </summary>
public sealed class StoreCheck(IRunStore runs, IConfiguration configuration, IHostEnvironment environment) : IHealthCheck
{
    private readonly StoreTarget? target = StoreTarget.TryFrom(configuration, environment.ContentRootPath);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = target?.Description ?? "the store";
        if (target?.SqliteFile is { } file && !File.Exists(file))
        {
            return HealthCheckResult.Unhealthy($"{store}: the file is gone");
        }

        try
        {
            await runs.GetRunsAsync(limit: 1, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy($"{store} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{store} does not answer: {Reporting.Jobs.Domain.TextSafety.Printable(ex.Message, 200)}");
        }
    }
}
