using System.Globalization;
using Microsoft.Extensions.Logging;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Extract.Pull;

/// <summary>
/// Fills a drop folder from the insurer's SFTP server (<c>Sources:&lt;name&gt;:Pull:Sftp</c>,
/// docs/loading.md "Pull"). The host key must match the pinned fingerprint or nothing is read. Of
/// the remote folder's names that match the source's pattern, a regular file is fetched once it is
/// complete (its marker exists, or it did not change between two listings) and unless the store
/// says this size and modification time were pulled before. Each file goes to a temporary name the
/// loader never matches, its size is checked and its SHA-256 computed while it streams, then it is
/// moved into place in one rename and its local marker written last: a pull cut off mid-file
/// leaves nothing the loader would pick up. A failure of one file does not stop the others.
/// </summary>
public sealed partial class SftpPuller(IReportingStore store, ReportingPaths paths, TimeProvider time, ILogger<SftpPuller> logger)
{
    /// <summary>Tests: wraps the stream each download writes to (a fault mid-file).</summary>
    internal Func<string, Stream, Stream>? WrapDownloadForTests { get; set; }

    private TimeProvider Time => time;

    private string Home => paths.Home;

    /// <summary>Pulls the source's new and changed complete files into <paramref name="folder"/>. Never throws but for cancellation.</summary>
    public async Task<PullResult> PullAsync(SourceOptions source, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sftp = source.Pull?.Sftp ?? throw new ArgumentException($"source {source.Name} has no Pull:Sftp", nameof(source));
        var fetched = new List<PullFetched>();
        var waiting = new List<PullNote>();
        var refused = new List<PullNote>();
        var failed = new List<PullNote>();
        var already = 0;
        string? error = null;
        await using var session = new Session(this, source, sftp);
        try
        {
            Directory.CreateDirectory(folder);
            var listing = await session.RunAsync(session.ListAsync, cancellationToken);
            var candidates = new List<RemoteFile>();
            foreach (var file in Select(source, sftp, listing, waiting, refused))
            {
                var last = await store.FindLatestPullAsync(source.Name, file.Path, cancellationToken);
                if (last is not null && last.Size == file.Size && last.ModifiedAt == file.ModifiedAt)
                {
                    already++;
                }
                else
                {
                    candidates.Add(file);
                }
            }

            if (sftp.Completeness == PullCompleteness.Stable && candidates.Count > 0)
            {
                // A file still being written changes size or time between the two listings.
                await Task.Delay(sftp.StableWait, time, cancellationToken);
                var again = (await session.RunAsync(session.ListAsync, cancellationToken)).ToDictionary(f => f.Name, StringComparer.Ordinal);
                foreach (var file in candidates.ToList())
                {
                    if (!again.TryGetValue(file.Name, out var now) || now.Attributes.Size != file.Size || Seconds(now.Attributes.LastWriteTimeUtc) != file.ModifiedAt)
                    {
                        candidates.Remove(file);
                        waiting.Add(new PullNote(file.Name, Invariant($"still changing: its size or time changed within {sftp.StableWait:c}")));
                    }
                }
            }

            foreach (var file in candidates)
            {
                try
                {
                    fetched.Add(await session.RunAsync(token => DownloadAsync(session, source, file, folder, token), cancellationToken));
                }
                catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    logger.LogDebug(ex, "{Source}: the pull of {File} failed", source.Name, Shown(file.Name));
                    var reason = session.Describe(ex);
                    failed.Add(new PullNote(file.Name, reason));
                    logger.LogWarning("{Source}: pull of {File} from {Endpoint} failed: {Error}", source.Name, Shown(file.Name), sftp.Endpoint, reason);
                }
            }
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.LogDebug(ex, "{Source}: the pull failed", source.Name);
            error = $"{source.Name}: pull from SFTP {sftp.Endpoint} failed: {session.Describe(ex)}";
            logger.LogWarning("{Error}", error);
        }

        foreach (var note in refused)
        {
            logger.LogWarning("{Source}: remote {File} refused: {Reason}", source.Name, Shown(note.Name), note.Reason);
        }

        return new PullResult(source.Name, sftp.Endpoint, fetched, already, waiting, refused, failed, [], error);
    }

    /// <summary>
    /// Moves the remote files of the loads that succeeded (Loaded or AlreadyLoaded, of exactly the
    /// bytes the pull fetched) to the archive folder, when the source has one; a file that failed
    /// to load stays where it is. A file changed on the server since it was pulled stays too: the
    /// next pull fetches it.
    /// </summary>
    public async Task<PullResult> ArchiveAsync(SourceOptions source, PullResult pull, IReadOnlyList<LoadResult> loads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pull);
        ArgumentNullException.ThrowIfNull(loads);
        var sftp = source.Pull?.Sftp;
        if (sftp?.ArchiveFolder is not { Length: > 0 } archiveFolder || pull.Error is not null)
        {
            return pull;
        }

        var due = new List<PulledFile>();
        Dictionary<long, string>? loaded = null;
        foreach (var load in loads.Where(l => l.Outcome is LoadOutcome.Loaded or LoadOutcome.AlreadyLoaded && l.IngestId is not null))
        {
            var pulls = await store.GetPullsAsync(source.Name, load.FileName, 1, cancellationToken);
            if (pulls is not [{ ArchivedAt: null } last])
            {
                continue;
            }

            loaded ??= (await store.GetLedgerAsync(source.Name, cancellationToken)).ToDictionary(e => e.IngestId, e => e.Sha256);
            if (loaded.TryGetValue(load.IngestId!.Value, out var sha) && string.Equals(sha, last.Sha256, StringComparison.Ordinal))
            {
                due.Add(last);
            }
        }

        if (due.Count == 0)
        {
            return pull;
        }

        var archived = new List<PullNote>();
        var failed = new List<PullNote>(pull.Failed);
        await using var session = new Session(this, source, sftp);
        foreach (var file in due)
        {
            try
            {
                var target = await session.RunAsync(token => MoveToArchiveAsync(session, source, file, archiveFolder, token), cancellationToken);
                if (target is not null)
                {
                    await store.RecordArchiveAsync(file.PullId, target, time.GetUtcNow(), cancellationToken);
                    archived.Add(new PullNote(file.LocalFileName, target));
                    logger.LogInformation("{Source}: {File} loaded, moved to {Archive} on {Endpoint}", source.Name, Shown(file.RemotePath), Shown(target), sftp.Endpoint);
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                logger.LogDebug(ex, "{Source}: archiving {File} failed", source.Name, Shown(file.RemotePath));
                var reason = "moving it to the archive folder failed: " + session.Describe(ex);
                failed.Add(new PullNote(Path.GetFileName(file.RemotePath), reason));
                logger.LogWarning("{Source}: {File} on {Endpoint}: {Error}", source.Name, Shown(file.RemotePath), sftp.Endpoint, reason);
            }
        }

        return pull with { Archived = archived, Failed = failed };
    }

    /// <summary>
    /// The listing's files that are the source's, complete and safe; the rest of the source's names are
    /// noted as waiting or refused (unsafe names, not regular files).
    /// </summary>
    internal static IReadOnlyList<RemoteFile> Select(SourceOptions source, SftpPullOptions sftp, IReadOnlyList<ISftpFile> listing, List<PullNote> waiting, List<PullNote> refused)
    {
        var pattern = new ExtractFileName(source.EffectiveFilePattern);
        var names = listing.Where(f => f.IsRegularFile).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var selected = new List<RemoteFile>();
        foreach (var file in listing.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (file.Name is "." or "..")
            {
                continue;
            }

            // Whether the name is the source's is read from its last segment, so that a name
            // that is a path (../policies_20261015.csv, ..\policies_20261015.csv) is refused,
            // not passed over; other names are none of the source's business.
            var leaf = file.Name[(file.Name.LastIndexOfAny(['/', '\\']) + 1)..];
            if (!pattern.Read(leaf).Matches)
            {
                continue;
            }

            if (RemoteName.Problem(file.Name) is { } problem)
            {
                refused.Add(new PullNote(file.Name, problem));
                continue;
            }

            if (!file.IsRegularFile)
            {
                refused.Add(new PullNote(file.Name, Kind(file) + ", not a regular file"));
                continue;
            }

            if (sftp.Completeness == PullCompleteness.Marker)
            {
                var marker = source.DoneMarker.Replace("{file}", file.Name, StringComparison.Ordinal);
                if (!names.Contains(marker))
                {
                    waiting.Add(new PullNote(file.Name, $"no completeness marker {marker} beside it on the server yet"));
                    continue;
                }
            }

            selected.Add(new RemoteFile(file.Name, RemotePath(sftp.RemoteFolder, file.Name), file.Attributes.Size, Seconds(file.Attributes.LastWriteTimeUtc)));
        }

        return selected;
    }

    private static string Kind(ISftpFile file) => file switch
    {
        { IsSymbolicLink: true } => "a symbolic link",
        { IsDirectory: true } => "a directory",
        { IsBlockDevice: true } or { IsCharacterDevice: true } => "a device",
        { IsSocket: true } => "a socket",
        { IsNamedPipe: true } => "a named pipe",
        _ => "of an unknown type",
    };

    private async Task<PullFetched> DownloadAsync(Session session, SourceOptions source, RemoteFile file, string folder, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(folder, "." + file.Name + ".part");
        if (new ExtractFileName(source.EffectiveFilePattern).Read(Path.GetFileName(temp)).Matches)
        {
            throw new PullException($"its temporary name {Shown(Path.GetFileName(temp))} would match the pattern {source.EffectiveFilePattern}; use a pattern that ends in the extension");
        }

        var final = Path.Combine(folder, file.Name);
        if (Directory.Exists(final))
        {
            throw new PullException($"the drop folder has a directory named {Shown(file.Name)}");
        }

        var client = await session.ClientAsync(cancellationToken);
        string sha;
        long written;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var hashing = new HashingStream(WrapDownloadForTests?.Invoke(file.Name, stream) ?? stream);
                await client.DownloadFileAsync(file.Path, hashing, cancellationToken);
                await hashing.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
                sha = hashing.Sha256();
                written = hashing.Length;
            }

            if (written != file.Size)
            {
                throw new PullException(Invariant($"{written} bytes read where the listing said {file.Size}: the file changed while it was read; it is pulled again next time"));
            }

            // The content moves into place in one rename; the marker comes last. A changed file
            // replaces the earlier version (whose marker goes first): the loader loads it as a new
            // version, for the same name and extract date with another SHA-256 is another load.
            var marker = source.MarkerPathFor(final);
            var replaced = File.Exists(final);
            if (replaced)
            {
                File.Delete(marker);
                File.Move(temp, final, overwrite: true);
            }
            else
            {
                File.Move(temp, final, overwrite: false);
            }

            await File.WriteAllBytesAsync(marker, [], cancellationToken);
            var pulled = new PulledFile(0, source.Name, session.Endpoint, file.Path, file.Size, file.ModifiedAt, sha, file.Name, time.GetUtcNow());
            await store.RecordPullAsync(pulled, cancellationToken);
            logger.LogInformation(
                "{Source}: pulled {File} from {Endpoint} ({Bytes} bytes, SHA-256 {Sha}){Replaced}",
                source.Name, Shown(file.Name), session.Endpoint, written, sha, replaced ? ", replacing the earlier version" : "");
            return new PullFetched(file.Path, file.Name, file.Size, file.ModifiedAt, sha, replaced);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static async Task<string?> MoveToArchiveAsync(Session session, SourceOptions source, PulledFile file, string archiveFolder, CancellationToken cancellationToken)
    {
        var client = await session.ClientAsync(cancellationToken);
        SftpFileAttributes attributes;
        try
        {
            attributes = await client.GetAttributesAsync(file.RemotePath, cancellationToken);
        }
        catch (SftpPathNotFoundException)
        {
            return null; // gone already (moved by hand): nothing to archive
        }

        if (attributes.Size != file.Size || Seconds(attributes.LastWriteTimeUtc) != file.ModifiedAt)
        {
            return null; // changed since it was pulled: the next pull fetches it, its load archives it
        }

        var name = file.RemotePath[(file.RemotePath.LastIndexOf('/') + 1)..];
        var target = RemotePath(archiveFolder, name);
        if (await client.ExistsAsync(target, cancellationToken))
        {
            // An earlier version archived under the same name stays; this one gets the time.
            target = RemotePath(archiveFolder, name + "." + session.Now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        }

        await client.RenameFileAsync(file.RemotePath, target, cancellationToken);

        // The marker goes with it: left behind, it would mark the next upload of the same name
        // complete while it is still being written.
        var marker = RemotePath(file.RemotePath[..file.RemotePath.LastIndexOf('/')], source.DoneMarker.Replace("{file}", name, StringComparison.Ordinal));
        if (await client.ExistsAsync(marker, cancellationToken))
        {
            await client.RenameFileAsync(marker, RemotePath(archiveFolder, source.DoneMarker.Replace("{file}", target[(target.LastIndexOf('/') + 1)..], StringComparison.Ordinal)), cancellationToken);
        }

        return target;
    }

    private static string RemotePath(string folder, string name) => folder.TrimEnd('/') + "/" + name;

    /// <summary>SFTP times are whole seconds; kept so, in UTC, they compare equal after the store's round trip.</summary>
    private static DateTimeOffset Seconds(DateTime utc) =>
        new(DateTime.SpecifyKind(utc, DateTimeKind.Utc).AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary name the loader never matches; the next pull of the file overwrites it.
        }
    }

    private static string Shown(string text) => TextSafety.Printable(text, 255);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One remote file as listed: name, full path, size, modification time (UTC, whole seconds).</summary>
    internal sealed record RemoteFile(string Name, string Path, long Size, DateTimeOffset ModifiedAt);
}

/// <summary>A pull's own failure with a message fit to show (no secret in it); never retried.</summary>
public sealed class PullException(string message) : Exception(message);
