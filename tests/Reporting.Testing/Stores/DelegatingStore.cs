using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;

namespace Reporting.Testing.Stores;

/// <summary>
/// A store that hands every call to a real one: the base of the test stores that change one or two
/// answers (a fault, a tampered row). Each member is virtual, so a store overrides only what it
/// changes, and a member the interface gains is forwarded here once.
/// </summary>
public abstract class DelegatingStore(IReportingStore inner) : IReportingStore
{
    /// <summary>The real store.</summary>
    protected IReportingStore Inner => inner;

    public virtual string Provider => Inner.Provider;

    public virtual Task MigrateAsync(CancellationToken cancellationToken = default) => Inner.MigrateAsync(cancellationToken);

    public virtual Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default) => Inner.BeginLoadAsync(header, cancellationToken);

    public virtual Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default) =>
        Inner.RecordFailureAsync(header, counts, failure, issues, cancellationToken);

    public virtual Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default) => Inner.FindLoadedAsync(header, cancellationToken);

    public virtual Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) => Inner.GetLedgerAsync(source, cancellationToken);

    public virtual Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default) => Inner.GetIssuesAsync(ingestId, cancellationToken);

    public virtual Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken = default) => Inner.RecordPullAsync(pull, cancellationToken);

    public virtual Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken = default) =>
        Inner.FindLatestPullAsync(source, remotePath, cancellationToken);

    public virtual Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source = null, string? localFileName = null, int limit = 100, CancellationToken cancellationToken = default) =>
        Inner.GetPullsAsync(source, localFileName, limit, cancellationToken);

    public virtual Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken = default) =>
        Inner.RecordArchiveAsync(pullId, archivePath, archivedAt, cancellationToken);

    public virtual Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        Inner.GetPoliciesAsync(asOf, selection, cancellationToken);

    public virtual Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        Inner.GetPolicyVersionsAsync(asOf, selection, cancellationToken);

    public virtual Task<IReadOnlyList<BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default) =>
        Inner.GetBranchMonthTotalsAsync(asOf, period, cancellationToken);

    public virtual Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default) =>
        Inner.GetClaimsAsync(asOf, reported, cancellationToken);

    public virtual Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default) =>
        Inner.GetFollowUpsAsync(asOf, policyExpiry, policyCoverage, cancellationToken);

    public virtual Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default) =>
        Inner.GetCohortFinalsAsync(firstMonth, lastMonth, cancellationToken);

    public virtual Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default) =>
        Inner.SaveCohortFinalsAsync(finals, cancellationToken);
}
