namespace Reporting.Jobs.Extract.Pull;

/// <summary>What one drop-folder source's ingest did: its pull (null without one) and its scan's loads.</summary>
public sealed record DropFolderIngestResult(PullResult? Pull, IReadOnlyList<LoadResult> Loads);

/// <summary>
/// One drop-folder source's ingest: the pull that fills the folder (when the source has one), the
/// scan that loads it, then the archive moves of the pulled files that loaded. A failed pull does
/// not stop the scan: files pulled before still load. Both <c>ingest --source</c> and the
/// scheduled ingest job go through here.
/// </summary>
public sealed class DropFolderIngest(ExtractLoader loader, SftpPuller puller)
{
    public async Task<DropFolderIngestResult> RunAsync(SourceOptions source, string folder, IProgress<(string File, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        PullResult? pull = null;
        if (source.Pull?.Sftp is not null)
        {
            pull = await puller.PullAsync(source, folder, cancellationToken);
        }

        var loads = await loader.ScanAsync(source, folder, progress, cancellationToken);
        if (pull is not null)
        {
            pull = await puller.ArchiveAsync(source, pull, loads, cancellationToken);
        }

        return new DropFolderIngestResult(pull, loads);
    }
}
