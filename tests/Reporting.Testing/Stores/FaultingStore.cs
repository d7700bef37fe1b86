using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;

namespace Reporting.Testing.Stores;

/// <summary>
/// A real store whose loads fault where a test says: at the n-th row written, or at commit. Every
/// other call goes to the real store, so what the fault leaves behind is what the real store holds.
/// </summary>
public sealed class FaultingStore(IReportingStore inner) : IReportingStore
{
    /// <summary>The 1-based row whose <c>Add</c> throws, or null.</summary>
    public int? FailAtRow { get; init; }

    public bool FailAtCommit { get; init; }

    public string Provider => inner.Provider;

    public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

    public async Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default) =>
        await inner.BeginLoadAsync(header, cancellationToken) is { } load ? new FaultingLoad(load, FailAtRow, FailAtCommit) : null;

    public Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default) =>
        inner.RecordFailureAsync(header, counts, failure, issues, cancellationToken);

    public Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default) => inner.FindLoadedAsync(header, cancellationToken);

    public Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) => inner.GetLedgerAsync(source, cancellationToken);

    public Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default) => inner.GetIssuesAsync(ingestId, cancellationToken);

    public Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken = default) => inner.RecordPullAsync(pull, cancellationToken);

    public Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken = default) =>
        inner.FindLatestPullAsync(source, remotePath, cancellationToken);

    public Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source = null, string? localFileName = null, int limit = 100, CancellationToken cancellationToken = default) =>
        inner.GetPullsAsync(source, localFileName, limit, cancellationToken);

    public Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken = default) =>
        inner.RecordArchiveAsync(pullId, archivePath, archivedAt, cancellationToken);

    public Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        inner.GetPoliciesAsync(asOf, selection, cancellationToken);

    public Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        inner.GetPolicyVersionsAsync(asOf, selection, cancellationToken);

    public Task<IReadOnlyList<BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default) =>
        inner.GetBranchMonthTotalsAsync(asOf, period, cancellationToken);

    public Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default) =>
        inner.GetClaimsAsync(asOf, reported, cancellationToken);

    public Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default) =>
        inner.GetFollowUpsAsync(asOf, policyExpiry, policyCoverage, cancellationToken);

    public Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default) =>
        inner.GetCohortFinalsAsync(firstMonth, lastMonth, cancellationToken);

    public Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default) =>
        inner.SaveCohortFinalsAsync(finals, cancellationToken);

    private sealed class FaultingLoad(IExtractLoad inner, int? failAtRow, bool failAtCommit) : IExtractLoad
    {
        private int _rows;

        public long IngestId => inner.IngestId;

        public void Add(Policy policy, int line)
        {
            Count();
            inner.Add(policy, line);
        }

        public void Add(Claim claim, int line)
        {
            Count();
            inner.Add(claim, line);
        }

        public void Add(FollowUp followUp, int line)
        {
            Count();
            inner.Add(followUp, line);
        }

        public Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default) =>
            failAtCommit ? throw new IOException("disk I/O error (injected at commit)") : inner.CommitAsync(counts, issues, finishedAt, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private void Count()
        {
            if (++_rows == failAtRow)
            {
                throw new InvalidOperationException($"the store refused row {_rows} (injected)");
            }
        }
    }
}
