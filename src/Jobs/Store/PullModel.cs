namespace Reporting.Jobs.Store;

/// <summary>
/// One remote file version a source's pull downloaded into its drop folder (<c>sftp_pulls</c>):
/// which server and path, the size and modification time it had when listed, the SHA-256 of the
/// bytes written, the local name, and when it was moved to the archive folder, if it was.
/// <c>PullId</c> is the store's number (0 for a pull not recorded yet), <c>Host</c> the server as
/// <c>host:port</c>.
/// </summary>
public sealed record PulledFile(
    long PullId,
    string Source,
    string Host,
    string RemotePath,
    long Size,
    DateTimeOffset ModifiedAt,
    string Sha256,
    string LocalFileName,
    DateTimeOffset PulledAt,
    DateTimeOffset? ArchivedAt = null,
    string? ArchivePath = null);
