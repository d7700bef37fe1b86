using System.Data.Common;
using System.Globalization;
using Dapper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The store of both providers, one type per role as Hangfire splits its storage: the ingest
/// ledger (<see cref="SqlIngestLedger"/>), the as-of reads (<see cref="SqlAsOfReader"/>), the
/// monthly sums and what a load keeps for them (<see cref="SqlMonthlySums"/>), and the run history,
/// claims and delivery log (<see cref="SqlRunLog"/>). This class opens their connections, begins a
/// file's load and answers for each of them; a provider (<see cref="SqliteReportingStore"/>,
/// <see cref="PostgresReportingStore"/>) adds only connections, locking, bulk loading and the few
/// words of SQL that differ (<see cref="IStoreQueries"/>).
/// </summary>
public abstract partial class SqlReportingStore : IReportingStore, IStoreQueries
{
    /// <summary>Rejects and warnings stored per file; the ledger always has the full counts.</summary>
    public const int MaxStoredIssues = 10_000;

    private readonly SqlIngestLedger _ledger;
    private readonly SqlAsOfReader _reads;
    private readonly SqlRunLog _runs;

    protected SqlReportingStore(TimeProvider time)
    {
        Time = time;
        DapperTypeHandlers.Register();
        _runs = new SqlRunLog(OpenAsync);
        _ledger = new SqlIngestLedger(OpenAsync, time);
        _reads = new SqlAsOfReader(this);
        MonthlySums = new SqlMonthlySums(this);
    }

    public abstract string Provider { get; }

    protected TimeProvider Time { get; }

    /// <summary>The monthly sums: read by the metrics, kept by each provider's load in its transaction.</summary>
    private protected SqlMonthlySums MonthlySums { get; }

    string IStoreQueries.FileNameOrder => FileNameOrder;

    /// <summary>How this provider orders file names and keys: byte order, the same on both providers.</summary>
    protected abstract string FileNameOrder { get; }

    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    public async Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await BeginWriteAsync(connection, header.Source, cancellationToken);
            if (await SqlIngestLedger.FindLoadedAsync(connection, transaction, header, cancellationToken) is not null)
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }

            var id = await SqlIngestLedger.InsertLedgerAsync(connection, transaction, header, IngestStatus.LOADED, cancellationToken);
            return CreateLoad(connection, transaction, id, header.ExtractDate);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default) =>
        _ledger.RecordFailureAsync(header, counts, failure, issues, cancellationToken);

    public Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default) =>
        _ledger.FindLoadedAsync(header, cancellationToken);

    public Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) =>
        _ledger.GetLedgerAsync(source, cancellationToken);

    public async Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CohortFinalRow>(new CommandDefinition(
            "SELECT month AS Month, branch_code AS Branch, due AS Due, renewed AS Renewed, as_of AS AsOf FROM cohort_finals " +
            "WHERE month >= @firstMonth AND month <= @lastMonth ORDER BY month, branch_code",
            new { firstMonth, lastMonth },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CohortFinal(r.Month, r.Branch, r.Due, r.Renewed, r.AsOf))];
    }

    public async Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finals);
        if (finals.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cohort_finals (month, branch_code, due, renewed, as_of) VALUES (@Month, @Branch, @Due, @Renewed, @AsOf) " +
            "ON CONFLICT (month, branch_code) DO NOTHING",
            finals,
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default) =>
        _ledger.GetIssuesAsync(ingestId, cancellationToken);

    public Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        _reads.GetPoliciesAsync(asOf, selection, cancellationToken);

    public Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        _reads.GetPolicyVersionsAsync(asOf, selection, cancellationToken);

    public Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default) =>
        _reads.GetClaimsAsync(asOf, reported, cancellationToken);

    public Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default) =>
        _reads.GetFollowUpsAsync(asOf, policyExpiry, policyCoverage, cancellationToken);

    public Task<IReadOnlyList<Metrics.BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default) =>
        MonthlySums.GetBranchMonthTotalsAsync(asOf, period, cancellationToken);

    string IStoreQueries.MonthOf(string dateColumn) => MonthOf(dateColumn);

    Task<List<T>> IStoreQueries.QueryAsync<T>(string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken) =>
        QueryAsync(sql, asOf, ranges, read, cancellationToken);

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the transaction a file loads in, holding whatever lock keeps two loads of a source apart.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, string source, CancellationToken cancellationToken);

    /// <summary>The provider's bulk writer for one file, inside <paramref name="transaction"/>.</summary>
    protected abstract IExtractLoad CreateLoad(DbConnection connection, DbTransaction transaction, long ingestId, DateOnly extractDate);

    protected internal static long Fen(decimal yuan) => checked((long)(yuan * 100m));

    protected internal static decimal Yuan(long fen) => fen / 100m;

    protected static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected abstract void AddDate(DbCommand command, string name, DateOnly value);

    /// <summary>Runs an as-of read: <c>@asOf</c>, then <c>@fromN</c>/<c>@toN</c> for each range, one record per row.</summary>
    /// <remarks>
    /// Runs on the thread pool, on its own connection: the reads a report starts run side by side.
    /// </remarks>
    protected virtual Task<List<T>> QueryAsync<T>(string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                AddDate(command, "asOf", asOf);
                for (var n = 0; n < ranges.Count; n++)
                {
                    AddDate(command, "from" + n.ToString(CultureInfo.InvariantCulture), ranges[n].From);
                    AddDate(command, "to" + n.ToString(CultureInfo.InvariantCulture), ranges[n].To);
                }

                var result = new List<T>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var row = new DataReaderRow(reader);
                while (await reader.ReadAsync(cancellationToken))
                {
                    result.Add(read(row));
                }

                return result;
            },
            cancellationToken);

    /// <summary>A <c>cohort_finals</c> row as Dapper reads it (SQLite's integers are 64-bit, PostgreSQL's columns BIGINT).</summary>
    private sealed class CohortFinalRow
    {
        public string Month { get; set; } = "";

        public string Branch { get; set; } = "";

        public long Due { get; set; }

        public long Renewed { get; set; }

        public DateOnly AsOf { get; set; }
    }

    /// <summary>The <c>YYYY-MM</c> text of a date column.</summary>
    protected abstract string MonthOf(string dateColumn);
}

/// <summary>What the store's roles ask of a provider to run their SQL.</summary>
internal interface IStoreQueries
{
    /// <summary>How this provider orders file names and keys: byte order, the same on both providers.</summary>
    string FileNameOrder { get; }

    /// <summary>The <c>YYYY-MM</c> text of a date column.</summary>
    string MonthOf(string dateColumn);

    /// <summary>Runs an as-of read: <c>@asOf</c>, then <c>@fromN</c>/<c>@toN</c> for each range, one record per row, on a connection of its own.</summary>
    Task<List<T>> QueryAsync<T>(string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken);
}
