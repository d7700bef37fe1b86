using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// The one way any job runs, scheduled or by hand (SPEC §5): records the run, claims a scheduled
/// (job, date) so that a cluster runs it once, holds a report until its extracts are loaded or the
/// deadline passes, renders, and delivers through the per-recipient log.
/// </summary>
public sealed class JobExecutor(
    IRunStore runs,
    IReportingStore store,
    SourcesOptions sources,
    ExtractLoader loader,
    ReportingPaths paths,
    ReportRunner reports,
    Deliverer deliverer,
    SchedulingOptions options,
    TimeProvider time,
    ILogger<JobExecutor> logger) : IJobExecutor
{
    public const string Ingest = "ingest";

    public static IReadOnlyList<string> Jobs => [Ingest, .. ReportJobs.All];

    private string Instance => options.Instance is { Length: > 0 } name
        ? name
        : string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}");

    public async Task<JobRun> ExecuteAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Jobs.Contains(request.Job))
        {
            throw new ArgumentException($"unknown job '{request.Job}' (known: {string.Join(", ", Jobs)})", nameof(request));
        }

        await store.MigrateAsync(cancellationToken);
        var started = time.GetUtcNow();
        var runId = await runs.StartRunAsync(request.Job, request.BusinessDate, request.Trigger, Instance, started, cancellationToken);
        try
        {
            // Ingest is idempotent and runs many times a morning; a report runs once per scheduled
            // (job, date), enforced by the claim in the store, not only by Quartz.
            if (request.Trigger == RunTrigger.Scheduled && request.Job != Ingest
                && !await runs.TryClaimAsync(request.Job, request.BusinessDate, runId, started, started - options.ClaimLease, cancellationToken))
            {
                var holder = await runs.GetClaimAsync(request.Job, request.BusinessDate, cancellationToken);
                return await FinishAsync(request, runId, started, RunStatus.Skipped, 0, null, $"already run by run #{holder}", cancellationToken);
            }

            return request.Job == Ingest
                ? await IngestAsync(request, runId, started, cancellationToken)
                : await ReportAsync(request, runId, started, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Job} {BusinessDate}: run {RunId} failed", request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), runId);
            await FinishAsync(request, runId, started, RunStatus.Failed, 0, null, ex.Message, CancellationToken.None);
            throw;
        }
    }

    private async Task<JobRun> IngestAsync(JobRequest request, long runId, DateTimeOffset started, CancellationToken cancellationToken)
    {
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
                    results.AddRange(await loader.ScanAsync(source, folder, null, cancellationToken));
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
        return await FinishAsync(
            request, runId, started, failed.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed,
            results.Sum(r => r.Outcome == LoadOutcome.Loaded ? r.Counts!.RowsLoaded : 0), outputs,
            failed.Count == 0 ? null : string.Join("; ", failed.Select(f => f.Error)), cancellationToken);
    }

    private async Task<JobRun> ReportAsync(JobRequest request, long runId, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var missing = await WaitForExtractsAsync(request, cancellationToken);
        var banner = missing.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"数据不完整 Data incomplete：{string.Join("、", missing)} 在截止时间前未加载 {request.BusinessDate:yyyy-MM-dd} 的数据，以下数字可能偏低。");
        var outcome = await reports.RunAsync(request.Job, request.BusinessDate, request.Options with { Banner = banner }, cancellationToken);
        var alerts = outcome.Alerts.ToList();
        if (banner is not null)
        {
            alerts.Add(reports.Alert(
                string.Create(CultureInfo.InvariantCulture, $"incomplete/{request.Job}/{request.BusinessDate:yyyy-MM-dd}"),
                string.Create(CultureInfo.InvariantCulture, $"【告警】{request.Job} {request.BusinessDate:yyyy-MM-dd} 数据不完整，已带提示发送"),
                $"Missing extracts at the deadline: {string.Join(", ", missing)}. The reports went out with a data-incomplete banner."));
        }

        var outputs = JsonSerializer.Serialize(new { files = outcome.Files, messages = outcome.Messages.Select(m => m.Key), alerts = alerts.Select(a => a.Key) });
        if (request.Options.DryRun)
        {
            return await FinishAsync(request, runId, started, RunStatus.Succeeded, outcome.Messages.Count, outputs, outcome.Problem, cancellationToken);
        }

        var delivery = await deliverer.DeliverAsync(request.Job, request.BusinessDate, runId, outcome.Messages.Concat(alerts), request.Resend, cancellationToken);
        var status = outcome.Problem is not null || delivery.Failed > 0 ? RunStatus.Failed
            : banner is not null ? RunStatus.Incomplete
            : RunStatus.Succeeded;
        var error = string.Join("; ", new[] { outcome.Problem }.Concat(delivery.Errors).Where(e => e is not null));
        return await FinishAsync(request, runId, started, status, delivery.Sent, outputs, error.Length == 0 ? null : error, cancellationToken);
    }

    /// <summary>
    /// The freshness gate: the enabled sources whose extract for the business date is not loaded.
    /// A scheduled run polls until <see cref="FreshnessOptions.Wait"/> has passed; a manual run
    /// looks once (ops asked for it now).
    /// </summary>
    private async Task<IReadOnlyList<string>> WaitForExtractsAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + (request.Trigger == RunTrigger.Scheduled ? options.Freshness.Wait : TimeSpan.Zero);
        while (true)
        {
            var freshness = await DataFreshness.ForAsync(store, sources, request.BusinessDate, cancellationToken);
            var missing = freshness.Where(f => f.Status != FreshnessStatus.OnTime).Select(f => f.Source).ToList();
            if (missing.Count == 0 || time.GetUtcNow() >= deadline)
            {
                return missing;
            }

            logger.LogInformation("{Job} {BusinessDate}: waiting for {Missing}", request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(", ", missing));
            var pause = deadline - time.GetUtcNow();
            await Task.Delay(pause < options.Freshness.PollInterval ? pause : options.Freshness.PollInterval, time, cancellationToken);
        }
    }

    private async Task<JobRun> FinishAsync(JobRequest request, long runId, DateTimeOffset started, RunStatus status, long rows, string? outputs, string? error, CancellationToken cancellationToken)
    {
        var finished = time.GetUtcNow();
        await runs.FinishRunAsync(runId, status, rows, outputs, error, finished, cancellationToken);
        logger.LogInformation(
            "{Job} {BusinessDate} ({Trigger}): run {RunId} {Status}, {Rows} rows",
            request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), request.Trigger, runId, status, rows);
        return new JobRun(runId, request.Job, request.BusinessDate, request.Trigger, Instance, started, finished, status, rows, outputs, error);
    }
}
