namespace Reporting.Jobs.Scheduling;

public enum DeliveryStatus
{
    SENT,
    FAILED,
}

/// <summary>One line of the delivery log: one message to one recipient.</summary>
public sealed record DeliveryRecord(
    string MessageKey,
    string Recipient,
    string Job,
    DateOnly BusinessDate,
    string Subject,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset LastAttemptAt,
    DateTimeOffset? SentAt,
    long? RunId,
    string? Error);

/// <summary>
/// Run history, claims and the delivery log, kept in the same store as the data so that every
/// worker of a cluster sees them (SPEC §5).
/// </summary>
public interface IRunStore
{
    Task<long> StartRunAsync(string job, DateOnly businessDate, RunTrigger trigger, string instance, DateTimeOffset startedAt, CancellationToken cancellationToken = default);

    Task FinishRunAsync(long runId, RunStatus status, long rows, string? outputs, string? failure, DateTimeOffset finishedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims (job, business date) for run <paramref name="runId"/>: true for the first claimant only.
    /// A claim whose run failed, or has been running since before <paramref name="staleBefore"/> (a
    /// worker that died), can be taken over.
    /// </summary>
    Task<bool> TryClaimAsync(string job, DateOnly businessDate, long runId, DateTimeOffset claimedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken = default);

    /// <summary>The run holding the claim of (job, date), if any.</summary>
    Task<long?> GetClaimAsync(string job, DateOnly businessDate, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<JobRun>> GetRunsAsync(string? job = null, DateOnly? businessDate = null, int limit = 100, CancellationToken cancellationToken = default);

    Task<DeliveryRecord?> GetDeliveryAsync(string messageKey, string recipient, CancellationToken cancellationToken = default);

    Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(string? job = null, DateOnly? businessDate = null, CancellationToken cancellationToken = default);
}
