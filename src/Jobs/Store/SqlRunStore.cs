
namespace Reporting.Jobs.Store;

/// <summary>The store answers for the run history, claims and delivery log; <see cref="SqlRunLog"/> keeps them.</summary>
public abstract partial class SqlReportingStore : IRunStore
{
    public Task<long> StartRunAsync(string job, DateOnly businessDate, RunTrigger trigger, string instance, DateTimeOffset startedAt, CancellationToken cancellationToken = default) =>
        _runs.StartRunAsync(job, businessDate, trigger, instance, startedAt, cancellationToken);

    public Task FinishRunAsync(long runId, RunStatus status, long rows, string? outputs, string? failure, DateTimeOffset finishedAt, CancellationToken cancellationToken = default) =>
        _runs.FinishRunAsync(runId, status, rows, outputs, failure, finishedAt, cancellationToken);

    public Task<bool> TryClaimAsync(string job, DateOnly businessDate, long runId, DateTimeOffset claimedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken = default) =>
        _runs.TryClaimAsync(job, businessDate, runId, claimedAt, staleBefore, cancellationToken);

    public Task<long?> GetClaimAsync(string job, DateOnly businessDate, CancellationToken cancellationToken = default) =>
        _runs.GetClaimAsync(job, businessDate, cancellationToken);

    public Task<IReadOnlyList<JobRun>> GetRunsAsync(string? job = null, DateOnly? businessDate = null, int limit = 100, CancellationToken cancellationToken = default) =>
        _runs.GetRunsAsync(job, businessDate, limit, cancellationToken);

    public Task<DeliveryRecord?> GetDeliveryAsync(string messageKey, string recipient, CancellationToken cancellationToken = default) =>
        _runs.GetDeliveryAsync(messageKey, recipient, cancellationToken);

    public Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken = default) =>
        _runs.RecordDeliveryAsync(delivery, cancellationToken);

    public Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(string? job = null, DateOnly? businessDate = null, CancellationToken cancellationToken = default) =>
        _runs.GetDeliveriesAsync(job, businessDate, cancellationToken);
}
