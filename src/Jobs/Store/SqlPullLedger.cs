using System.Data.Common;
using Dapper;

namespace Reporting.Jobs.Store;

/// <summary>
/// What the pulls fetched (<c>sftp_pulls</c>, migration 0009), for both providers: a pull records
/// each remote file version once it is in the drop folder with its marker, looks up the latest
/// line of a remote path to skip what it already has, and notes the archive move.
/// </summary>
internal sealed class SqlPullLedger(Func<CancellationToken, Task<DbConnection>> open)
{
    private const string Columns =
        "pull_id AS PullId, source AS Source, host AS Host, remote_path AS RemotePath, size_bytes AS Size, modified_at AS ModifiedAt, " +
        "sha256 AS Sha256, local_file_name AS LocalFileName, pulled_at AS PulledAt, archived_at AS ArchivedAt, archive_path AS ArchivePath";

    public async Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO sftp_pulls (source, host, remote_path, size_bytes, modified_at, sha256, local_file_name, pulled_at) " +
            "VALUES (@Source, @Host, @RemotePath, @Size, @ModifiedAt, @Sha256, @LocalFileName, @PulledAt) RETURNING pull_id",
            new { pull.Source, pull.Host, pull.RemotePath, pull.Size, pull.ModifiedAt, pull.Sha256, pull.LocalFileName, pull.PulledAt },
            cancellationToken: cancellationToken));
    }

    public async Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<PullRow>(new CommandDefinition(
            $"SELECT {Columns} FROM sftp_pulls WHERE source = @source AND remote_path = @remotePath ORDER BY pull_id DESC LIMIT 1",
            new { source, remotePath },
            cancellationToken: cancellationToken));
        return row?.ToPull();
    }

    public async Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source, string? localFileName, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        var rows = await connection.QueryAsync<PullRow>(new CommandDefinition(
            $"SELECT {Columns} FROM sftp_pulls WHERE (@source IS NULL OR source = @source) AND (@localFileName IS NULL OR local_file_name = @localFileName) " +
            "ORDER BY pull_id DESC LIMIT @limit",
            new { source, localFileName, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToPull())];
    }

    public async Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE sftp_pulls SET archived_at = @archivedAt, archive_path = @archivePath WHERE pull_id = @pullId",
            new { pullId, archivePath, archivedAt },
            cancellationToken: cancellationToken));
    }

    private sealed class PullRow
    {
        public long PullId { get; set; }

        public string Source { get; set; } = "";

        public string Host { get; set; } = "";

        public string RemotePath { get; set; } = "";

        public long Size { get; set; }

        public DateTimeOffset ModifiedAt { get; set; }

        public string Sha256 { get; set; } = "";

        public string LocalFileName { get; set; } = "";

        public DateTimeOffset PulledAt { get; set; }

        public DateTimeOffset? ArchivedAt { get; set; }

        public string? ArchivePath { get; set; }

        public PulledFile ToPull() => new(PullId, Source, Host, RemotePath, Size, ModifiedAt, Sha256, LocalFileName, PulledAt, ArchivedAt, ArchivePath);
    }
}
