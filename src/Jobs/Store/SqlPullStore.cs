namespace Reporting.Jobs.Store;

/// <summary>The store answers for what the pulls fetched; <see cref="SqlPullLedger"/> keeps it.</summary>
public abstract partial class SqlReportingStore
{
    private SqlPullLedger? _pulls;

    private SqlPullLedger Pulls => _pulls ??= new SqlPullLedger(OpenAsync);

    public Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken = default) =>
        Pulls.RecordPullAsync(pull, cancellationToken);

    public Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken = default) =>
        Pulls.FindLatestPullAsync(source, remotePath, cancellationToken);

    public Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source = null, string? localFileName = null, int limit = 100, CancellationToken cancellationToken = default) =>
        Pulls.GetPullsAsync(source, localFileName, limit, cancellationToken);

    public Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken = default) =>
        Pulls.RecordArchiveAsync(pullId, archivePath, archivedAt, cancellationToken);
}
