using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// The one way any job runs, scheduled or by hand (SPEC §5): finds the job by name among the
/// registered ones (<see cref="JobRegistry"/>), records the run, claims a scheduled (job, date) when
/// the job <see cref="JobDefinition.ClaimsScheduledRun"/> so that a cluster runs it once, runs it
/// (<see cref="IReportingJob.RunAsync"/>: a report waits for its extracts, renders and delivers
/// through <see cref="ReportJobPipeline"/>), and records how it ended.
/// </summary>
public sealed class JobExecutor(
    IRunStore runs,
    IReportingStore store,
    JobRegistry jobs,
    IServiceProvider services,
    SchedulingOptions options,
    TimeProvider time,
    ILogger<JobExecutor> logger) : IJobExecutor
{
    private string Instance => options.Instance is { Length: > 0 } name
        ? name
        : string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}");

    public async Task<JobRun> ExecuteAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (jobs.Find(request.Job) is not { } definition)
        {
            throw new ArgumentException($"unknown job '{request.Job}' (known: {string.Join(", ", jobs.Names)})", nameof(request));
        }

        var job = jobs.Resolve(services, request.Job)!;
        using var activity = ReportingTelemetry.StartRunActivity(ReportingTelemetry.JobRunActivity, request.Job, request.BusinessDate);
        activity?.SetTag(ReportingTelemetry.TriggerTag, request.Trigger.ToString());
        var timestamp = time.GetTimestamp();
        await store.MigrateAsync(cancellationToken);
        var started = time.GetUtcNow();
        var runId = await runs.StartRunAsync(request.Job, request.BusinessDate, request.Trigger, Instance, started, cancellationToken);
        activity?.SetTag(ReportingTelemetry.RunIdTag, runId);

        // Every line of the run, whichever stage logs it, carries the run in its scope (the json
        // console format shows scopes; the default text format does not).
        using var scope = logger.BeginScope(new RunScopeDictionary
        {
            ["Job"] = request.Job,
            ["BusinessDate"] = ReportingTelemetry.Date(request.BusinessDate),
            ["RunId"] = runId,
        });
        try
        {
            // Ingest is idempotent and runs many times a morning; a report runs once per scheduled
            // (job, date), enforced by the claim in the store, not only by Quartz.
            if (request.Trigger == RunTrigger.Scheduled && definition.ClaimsScheduledRun
                && !await runs.TryClaimAsync(request.Job, request.BusinessDate, runId, started, started - options.ClaimLease, cancellationToken))
            {
                var holder = await runs.GetClaimAsync(request.Job, request.BusinessDate, cancellationToken);
                return await FinishAsync(request, runId, started, timestamp, activity, RunStatus.Skipped, 0, null, $"already run by run #{holder}", cancellationToken);
            }

            var result = await job.RunAsync(request, runId, cancellationToken);
            return await FinishAsync(request, runId, started, timestamp, activity, result.Status, result.Rows, result.Outputs, result.Error, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Job} {BusinessDate}: run {RunId} failed", request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), runId);
            await FinishAsync(request, runId, started, timestamp, activity, RunStatus.Failed, 0, null, ex.Message, CancellationToken.None);
            throw;
        }
    }

    private async Task<JobRun> FinishAsync(
        JobRequest request, long runId, DateTimeOffset started, long timestamp, Activity? activity, RunStatus status, long rows, string? outputs, string? error, CancellationToken cancellationToken)
    {
        var finished = time.GetUtcNow();
        await runs.FinishRunAsync(runId, status, rows, outputs, error, finished, cancellationToken);
        logger.LogInformation(
            "{Job} {BusinessDate} ({Trigger}): run {RunId} {Status}, {Rows} rows",
            request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), request.Trigger, runId, status, rows);

        // The status only, never the error: a delivery error names its recipient.
        ReportingTelemetry.RunFinished(request.Job, status.ToString(), time.GetElapsedTime(timestamp));
        activity?.SetTag(ReportingTelemetry.StatusTag, status.ToString())
            .SetStatus(status == RunStatus.Failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        return new JobRun(runId, request.Job, request.BusinessDate, request.Trigger, Instance, started, finished, status, rows, outputs, error);
    }
}

/// <summary>A run's log scope: its pairs for structured formatters, and <c>Job=ingest BusinessDate=2026-03-02 RunId=1</c> as its message.</summary>
internal sealed class RunScopeDictionary : Dictionary<string, object>
{
    public RunScopeDictionary()
        : base(StringComparer.Ordinal)
    {
    }

    public override string ToString() =>
        string.Join(" ", this.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
}
