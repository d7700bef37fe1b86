using System.Data.Common;
using Dapper;

namespace Reporting.Jobs.Store;

/// <summary>
/// Run history, claims and the delivery log: plain SQL that both providers run, on the
/// connections <paramref name="open"/> gives (the store's own, one per call).
/// </summary>
internal sealed class SqlRunLog(Func<CancellationToken, Task<DbConnection>> open) : IRunStore
{
    private const string RunColumns =
        "run_id AS RunId, job AS Job, business_date AS BusinessDate, run_trigger AS RunTrigger, instance AS Instance, started_at AS StartedAt, " +
        "finished_at AS FinishedAt, status AS Status, row_count AS RowCount, outputs AS Outputs, error AS Error";

    private const string DeliveryColumns =
        "message_key AS MessageKey, recipient AS Recipient, job AS Job, business_date AS BusinessDate, subject AS Subject, status AS Status, " +
        "attempts AS Attempts, last_attempt_at AS LastAttemptAt, sent_at AS SentAt, run_id AS RunId, error AS Error";

    public async Task<long> StartRunAsync(string job, DateOnly businessDate, RunTrigger trigger, string instance, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO job_runs (job, business_date, run_trigger, instance, started_at, status) VALUES (@job, @businessDate, @Trigger, @instance, @startedAt, @Status) RETURNING run_id",
            new { job, businessDate, Trigger = trigger.ToString(), instance, startedAt, Status = RunStatus.Running.ToString() },
            cancellationToken: cancellationToken));
    }

    public async Task FinishRunAsync(long runId, RunStatus status, long rows, string? outputs, string? failure, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_runs SET status = @Status, row_count = @rows, outputs = @outputs, error = @error, finished_at = @finishedAt WHERE run_id = @runId",
            new { Status = status.ToString(), rows, outputs, error = failure, finishedAt, runId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> TryClaimAsync(string job, DateOnly businessDate, long runId, DateTimeOffset claimedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_claims (job, business_date, run_id, claimed_at) VALUES (@job, @businessDate, @runId, @claimedAt) ON CONFLICT (job, business_date) DO NOTHING",
            new { job, businessDate, runId, claimedAt },
            cancellationToken: cancellationToken));
        if (inserted == 1)
        {
            return true;
        }

        // Take over a claim whose run failed or whose worker died mid-run; one UPDATE, so two
        // workers taking over at once still leave one winner.
        var takenOver = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_claims SET run_id = @runId, claimed_at = @claimedAt WHERE job = @job AND business_date = @businessDate AND run_id IN " +
            "(SELECT run_id FROM job_runs WHERE status = @Failed OR (status = @Running AND started_at < @staleBefore))",
            new { runId, claimedAt, job, businessDate, Failed = RunStatus.Failed.ToString(), Running = RunStatus.Running.ToString(), staleBefore },
            cancellationToken: cancellationToken));
        return takenOver == 1;
    }

    public async Task<long?> GetClaimAsync(string job, DateOnly businessDate, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT run_id FROM job_claims WHERE job = @job AND business_date = @businessDate", new { job, businessDate }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<JobRun>> GetRunsAsync(string? job = null, DateOnly? businessDate = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            $"SELECT {RunColumns} FROM job_runs WHERE (@job IS NULL OR job = @job) AND (@HasDate = 0 OR business_date = @Date) ORDER BY run_id DESC LIMIT @limit",
            new { job, HasDate = businessDate is null ? 0 : 1, Date = businessDate ?? DateOnly.MinValue, limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRun()).ToList();
    }

    public async Task<DeliveryRecord?> GetDeliveryAsync(string messageKey, string recipient, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM deliveries WHERE message_key = @messageKey AND recipient = @recipient",
            new { messageKey, recipient },
            cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task RecordDeliveryAsync(DeliveryRecord delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO deliveries (message_key, recipient, job, business_date, subject, status, attempts, last_attempt_at, sent_at, run_id, error) " +
            "VALUES (@MessageKey, @Recipient, @Job, @BusinessDate, @Subject, @Status, @Attempts, @LastAttemptAt, @SentAt, @RunId, @Error) " +
            "ON CONFLICT (message_key, recipient) DO UPDATE SET job = excluded.job, business_date = excluded.business_date, subject = excluded.subject, " +
            "status = excluded.status, attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at, sent_at = excluded.sent_at, " +
            "run_id = excluded.run_id, error = excluded.error",
            new
            {
                delivery.MessageKey,
                delivery.Recipient,
                delivery.Job,
                delivery.BusinessDate,
                delivery.Subject,
                Status = delivery.Status.ToString(),
                delivery.Attempts,
                delivery.LastAttemptAt,
                delivery.SentAt,
                delivery.RunId,
                delivery.Error,
            },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync(string? job = null, DateOnly? businessDate = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM deliveries WHERE (@job IS NULL OR job = @job) AND (@HasDate = 0 OR business_date = @Date) ORDER BY message_key, recipient",
            new { job, HasDate = businessDate is null ? 0 : 1, Date = businessDate ?? DateOnly.MinValue },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private sealed class RunRow
    {
        public long RunId { get; set; }

        public string Job { get; set; } = "";

        public DateOnly BusinessDate { get; set; }

        public string RunTrigger { get; set; } = "";

        public string Instance { get; set; } = "";

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string Status { get; set; } = "";

        public long RowCount { get; set; }

        public string? Outputs { get; set; }

        public string? Error { get; set; }

        public JobRun ToRun() => new(
            RunId, Job, BusinessDate, Enum.Parse<RunTrigger>(RunTrigger), Instance, StartedAt, FinishedAt, Enum.Parse<RunStatus>(Status), RowCount, Outputs, Error);
    }

    private sealed class DeliveryRow
    {
        public string MessageKey { get; set; } = "";

        public string Recipient { get; set; } = "";

        public string Job { get; set; } = "";

        public DateOnly BusinessDate { get; set; }

        public string Subject { get; set; } = "";

        public string Status { get; set; } = "";

        public long Attempts { get; set; }

        public DateTimeOffset LastAttemptAt { get; set; }

        public DateTimeOffset? SentAt { get; set; }

        public long? RunId { get; set; }

        public string? Error { get; set; }

        public DeliveryRecord ToRecord() => new(
            MessageKey, Recipient, Job, BusinessDate, Subject, Enum.Parse<DeliveryStatus>(Status), checked((int)Attempts), LastAttemptAt, SentAt, RunId, Error);
    }
}
