using System.Text.Json;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Extract.Pull;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// <c>ingest</c>: loads every enabled source, drop folders (pulled first when they have a pull) and queries, in name order. Idempotent
/// (a file already loaded is skipped), so it runs many times a morning and claims nothing; it does
/// not wait for extracts, it is what loads them.
/// </summary>
/// <remarks>Logs as <see cref="JobExecutor"/>, whose lines these were before jobs were types.</remarks>
public sealed class IngestJob(SourcesOptions sources, ExtractLoader loader, DropFolderIngest dropFolders, ReportingPaths paths, ILogger<JobExecutor> logger) : IReportingJob
{
    public const string JobName = "ingest";

    public static JobDefinition Definition { get; } = new(JobName, ClaimsScheduledRun: false, WaitsForExtracts: false);

    public async Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new List<LoadResult>();
        foreach (var source in sources.Sources.Values.Where(s => s.Enabled).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            try
            {
                if (source.Kind == SourceKind.Database)
                {
                    results.Add(await loader.LoadQueryAsync(source, request.BusinessDate, request.BusinessDate, cancellationToken));
                }
                else
                {
                    // A drop folder nobody has written to yet is an empty drop, not a failure; the
                    // freshness gate reports the missing extract.
                    var folder = paths.Resolve(source.Folder);
                    Directory.CreateDirectory(folder);
                    // A source with a pull fills its folder first; a failed pull fails the run
                    // like a failed load, and the scan still loads what the folder holds.
                    var ingest = await dropFolders.RunAsync(source, folder, null, cancellationToken);
                    results.AddRange(ingest.Loads);
                    if (ingest.Pull is { Succeeded: false } pull)
                    {
                        results.Add(new LoadResult(source.Name, pull.Endpoint, LoadOutcome.Failed, null, null, null, string.Join("; ", pull.Failures), []));
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One source that cannot be read (a folder it may not list, a store that refused to
                // record a failure) fails the run, never the sources after it.
                logger.LogDebug(ex, "{Source}: the scan failed", source.Name);
                var message = $"source {source.Name}: {TextSafety.Printable(ex.Message, 300)}";
                logger.LogWarning("{Error}", message);
                results.Add(new LoadResult(source.Name, source.Folder, LoadOutcome.Failed, null, null, null, message, []));
            }
        }

        var failed = results.Where(r => r.Outcome == LoadOutcome.Failed).ToList();
        var outputs = JsonSerializer.Serialize(results.Where(r => r.Outcome == LoadOutcome.Loaded).Select(r => $"{r.Source}/{r.FileName}#{r.IngestId}"));
        return new JobResult(
            failed.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed,
            results.Sum(r => r.Outcome == LoadOutcome.Loaded ? r.Counts!.RowsLoaded : 0), outputs,
            failed.Count == 0 ? null : string.Join("; ", failed.Select(f => f.Error)));
    }
}
