namespace Reporting.Jobs.Extract.Pull;

/// <summary>
/// One remote file a pull downloaded into the drop folder. <c>Replaced</c>: the drop folder had a
/// file of that name (an earlier version); the new content replaced it and loads as a new version.
/// </summary>
public sealed record PullFetched(string RemotePath, string LocalFileName, long Size, DateTimeOffset ModifiedAt, string Sha256, bool Replaced);

/// <summary>A remote name and what the pull made of it (why it waits, was refused or failed; where it was archived).</summary>
public sealed record PullNote(string Name, string Reason);

/// <summary>
/// What one pull of one source did: the files it fetched, how many it already had, the ones not
/// complete yet, the ones refused (unsafe names, not regular files), the ones that failed, and the
/// archive moves after the load. <see cref="Error"/> is a failure of the pull as a whole (the
/// server unreachable, a host key that does not match, a login refused): then nothing was read.
/// </summary>
public sealed record PullResult(
    string Source,
    string Endpoint,
    IReadOnlyList<PullFetched> Fetched,
    int AlreadyPulled,
    IReadOnlyList<PullNote> Waiting,
    IReadOnlyList<PullNote> Refused,
    IReadOnlyList<PullNote> Failed,
    IReadOnlyList<PullNote> Archived,
    string? Error)
{
    /// <summary>Nothing failed: no error of the whole pull, no file that failed to download or archive.</summary>
    public bool Succeeded => Error is null && Failed.Count == 0;

    /// <summary>Every failure in one sentence per item, for a run's error.</summary>
    public IEnumerable<string> Failures =>
        Error is not null ? [Error] : Failed.Select(f => $"{Source}: pull of {f.Name} from {Endpoint} failed: {f.Reason}");
}
