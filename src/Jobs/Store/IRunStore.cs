namespace Reporting.Jobs.Store;

/// <summary>What started a run; recorded in the run history.</summary>
public enum RunTrigger
{
    /// <summary>Quartz fired it on schedule (or as a misfire, late, when the worker came back).</summary>
    Scheduled,

    /// <summary>Ops ran it from the command line.</summary>
    Manual,

    /// <summary>Part of a <c>backfill</c> over a date range.</summary>
    Backfill,
}

/// <summary>How a run ended (or that it is still running).</summary>
public enum RunStatus
{
    Running,
    Succeeded,

    /// <summary>Sent, but with the "data incomplete" banner: an extract was missing at the deadline.</summary>
    Incomplete,
    Failed,

    /// <summary>Another worker already ran this scheduled (job, date): nothing done.</summary>
    Skipped,
}

/// <summary>One line of the run history.</summary>
public sealed record JobRun(
    long RunId,
    string Job,
    DateOnly BusinessDate,
    RunTrigger Trigger,
    string Instance,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    RunStatus Status,
    long Rows,
    string? Outputs,
    string? Error);

/// <summary>What happened to one message to one recipient.</summary>
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
