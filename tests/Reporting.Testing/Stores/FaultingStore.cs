using Reporting.Jobs.Domain;
using Reporting.Jobs.Store;

namespace Reporting.Testing.Stores;

/// <summary>
/// A real store whose loads fault where a test says: at the n-th row written, or at commit. Every
/// other call goes to the real store, so what the fault leaves behind is what the real store holds.
/// </summary>
public sealed class FaultingStore(IReportingStore inner) : DelegatingStore(inner)
{
    /// <summary>The 1-based row whose <c>Add</c> throws, or null.</summary>
    public int? FailAtRow { get; init; }

    public bool FailAtCommit { get; init; }

    public override async Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default) =>
        await Inner.BeginLoadAsync(header, cancellationToken) is { } load ? new FaultingLoad(load, FailAtRow, FailAtCommit) : null;

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
