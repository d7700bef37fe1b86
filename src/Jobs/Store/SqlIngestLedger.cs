using System.Data.Common;
using Dapper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The ingest ledger and the issues of each file (<c>ingest_ledger</c>, <c>ingest_issues</c>): the
/// reads, a failed file's record on a connection of its own (<paramref name="open"/>), and the
/// writes a load makes inside its transaction (the static members), for both providers.
/// </summary>
internal sealed class SqlIngestLedger(Func<CancellationToken, Task<DbConnection>> open, TimeProvider time)
{
    private const string LedgerColumns =
        "ingest_id AS IngestId, source AS Source, dataset AS Dataset, file_name AS FileName, extract_date AS ExtractDate, " +
        "sha256 AS Sha256, status AS Status, rows_read AS RowsRead, rows_loaded AS RowsLoaded, rows_rejected AS RowsRejected, " +
        "rows_duplicate AS RowsDuplicate, rows_skipped AS RowsSkipped, warnings AS Warnings, premium_fen AS PremiumFen, " +
        "started_at AS StartedAt, finished_at AS FinishedAt, error AS Error";

    public async Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await InsertLedgerAsync(connection, transaction, header, IngestStatus.FAILED, cancellationToken);
        await CompleteLedgerAsync(connection, transaction, id, counts, time.GetUtcNow(), failure, cancellationToken);
        await InsertIssuesAsync(connection, transaction, id, issues, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    public async Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        return await FindLoadedAsync(connection, null, header, cancellationToken);
    }

    public async Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var rows = await connection.QueryAsync<LedgerRow>(new CommandDefinition(
            $"SELECT {LedgerColumns} FROM ingest_ledger WHERE @Source IS NULL OR source = @Source ORDER BY ingest_id",
            new { Source = source },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToEntry()).ToList();
    }

    public async Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default)
    {
        await using var connection = await open(cancellationToken);
        var rows = await connection.QueryAsync<IssueRow>(new CommandDefinition(
            "SELECT line_no AS Line, column_name AS ColumnName, severity AS Severity, reason AS Reason, value AS Value " +
            "FROM ingest_issues WHERE ingest_id = @ingestId ORDER BY line_no, column_name",
            new { ingestId },
            cancellationToken: cancellationToken));
        return rows.Select(r => new RowIssue(
            checked((int)r.Line), r.ColumnName, r.Reason, r.Value, r.Severity == "WARNING" ? IssueSeverity.Warning : IssueSeverity.Reject)).ToList();
    }

    public static async Task<IngestEntry?> FindLoadedAsync(DbConnection connection, DbTransaction? transaction, LoadHeader header, CancellationToken cancellationToken)
    {
        var row = await connection.QueryFirstOrDefaultAsync<LedgerRow>(new CommandDefinition(
            $"SELECT {LedgerColumns} FROM ingest_ledger WHERE source = @Source AND sha256 = @Sha256 AND file_name = @FileName " +
            "AND extract_date = @ExtractDate AND status = 'LOADED' ORDER BY ingest_id LIMIT 1",
            new { header.Source, header.Sha256, header.FileName, header.ExtractDate },
            transaction,
            cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    public static async Task<long> InsertLedgerAsync(DbConnection connection, DbTransaction transaction, LoadHeader header, IngestStatus status, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO ingest_ledger (source, dataset, file_name, extract_date, sha256, status, started_at) " +
            "VALUES (@Source, @Dataset, @FileName, @ExtractDate, @Sha256, @Status, @StartedAt) RETURNING ingest_id",
            new { header.Source, Dataset = header.Dataset.ToString(), header.FileName, header.ExtractDate, header.Sha256, Status = status.ToString(), header.StartedAt },
            transaction,
            cancellationToken: cancellationToken));

    public static async Task CompleteLedgerAsync(DbConnection connection, DbTransaction transaction, long ingestId, LoadCounts counts, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest_ledger SET rows_read = @RowsRead, rows_loaded = @RowsLoaded, rows_rejected = @RowsRejected, rows_duplicate = @RowsDuplicate, " +
            "rows_skipped = @RowsSkipped, warnings = @Warnings, premium_fen = @PremiumFen, finished_at = @FinishedAt, error = @Error WHERE ingest_id = @IngestId",
            new
            {
                counts.RowsRead,
                counts.RowsLoaded,
                counts.RowsRejected,
                counts.RowsDuplicate,
                counts.RowsSkipped,
                counts.Warnings,
                PremiumFen = SqlReportingStore.Fen(counts.Premium),
                FinishedAt = finishedAt,
                Error = error,
                IngestId = ingestId,
            },
            transaction,
            cancellationToken: cancellationToken));

    public static async Task InsertIssuesAsync(DbConnection connection, DbTransaction transaction, long ingestId, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken)
    {
        if (issues.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest_issues (ingest_id, line_no, column_name, severity, reason, value) VALUES (@IngestId, @Line, @Column, @Severity, @Reason, @Value)",
            issues.Take(SqlReportingStore.MaxStoredIssues).Select(i => new
            {
                IngestId = ingestId,
                i.Line,
                i.Column,
                Severity = i.Severity == IssueSeverity.Warning ? "WARNING" : "REJECT",
                i.Reason,
                i.Value,
            }),
            transaction,
            cancellationToken: cancellationToken));
    }

    private sealed class LedgerRow
    {
        public long IngestId { get; set; }

        public string Source { get; set; } = "";

        public string Dataset { get; set; } = "";

        public string FileName { get; set; } = "";

        public DateOnly ExtractDate { get; set; }

        public string Sha256 { get; set; } = "";

        public string Status { get; set; } = "";

        public long RowsRead { get; set; }

        public long RowsLoaded { get; set; }

        public long RowsRejected { get; set; }

        public long RowsDuplicate { get; set; }

        public long RowsSkipped { get; set; }

        public long Warnings { get; set; }

        public long PremiumFen { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public string? Error { get; set; }

        public IngestEntry ToEntry() => new(
            IngestId, Source, Dataset, FileName, ExtractDate, Sha256, Enum.Parse<IngestStatus>(Status), RowsRead, RowsLoaded, RowsRejected,
            RowsDuplicate, RowsSkipped, Warnings, SqlReportingStore.Yuan(PremiumFen), StartedAt, FinishedAt, Error);
    }

    private sealed class IssueRow
    {
        public long Line { get; set; }

        public string ColumnName { get; set; } = "";

        public string Severity { get; set; } = "";

        public string Reason { get; set; } = "";

        public string? Value { get; set; }
    }
}
