using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The store: every version of every extract row with the extract it came from, the ingest ledger
/// and the rejects. Reads are always "as of" a business date: for each key, the latest version among
/// extracts dated on or before it (SPEC §2.5).
/// </summary>
public interface IReportingStore
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>Creates or upgrades the schema; safe to call from several processes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts loading one file in one transaction, or returns null when the same source already
    /// loaded the same content (same SHA-256) under the same name and extract date: loading is
    /// idempotent. The same bytes under another name or date are another extract (two header-only
    /// files on quiet days; a resend that restores yesterday's values) and load as a new version.
    /// </summary>
    Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default);

    /// <summary>Records a file that failed as a whole; nothing of its rows is stored.</summary>
    Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default);

    Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default);

    /// <summary>Records a remote file a pull has put into its drop folder (with its marker); returns its number.</summary>
    Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken = default);

    /// <summary>The latest pull of a source's remote path, or null when it was never pulled.</summary>
    Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken = default);

    /// <summary>Pulls, newest first, optionally of one source and of one local file name.</summary>
    Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source = null, string? localFileName = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Notes that a pulled file was moved to the remote archive folder.</summary>
    Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="GetPoliciesAsync"/>, with the ingest each version came from (reconciliation).</summary>
    Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The monthly sums of <see cref="Metrics.BranchMonthTotals"/> as of <paramref name="asOf"/> for
    /// the months of <paramref name="period"/> (whole months), computed in the store: the same sums
    /// as <see cref="Metrics.BranchMonthTotals.From"/> over every policy and claim the run sees.
    /// </summary>
    Task<IReadOnlyList<Metrics.BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default);

    /// <summary>Claims as of <paramref name="asOf"/>, optionally only those reported in a range.</summary>
    Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Follow-ups as of <paramref name="asOf"/>, optionally only those on policies expiring in a
    /// range, and of these optionally only those on policies of one coverage.
    /// </summary>
    Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default);

    /// <summary>The kept final figures of the closed cohorts from <paramref name="firstMonth"/> to <paramref name="lastMonth"/> (<c>YYYY-MM</c>), in month then branch order.</summary>
    Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default);

    /// <summary>Keeps closed cohorts' final figures; a month and branch already kept stays as it was (the first figures win).</summary>
    Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default);
}

/// <summary>
/// One file being loaded, inside one transaction. Disposing without <see cref="CommitAsync"/> rolls
/// everything back; so does a crash.
/// </summary>
public interface IExtractLoad : IAsyncDisposable
{
    long IngestId { get; }

    void Add(Policy policy, int line);

    void Add(Claim claim, int line);

    void Add(FollowUp followUp, int line);

    /// <summary>Completes the ledger line, stores the issues and commits.</summary>
    Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default);
}
