using Reporting.Jobs.Reports;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// <c>morning</c>: the morning emails of business date D, one per branch (with its call-list workbook) and the group's (SPEC §4; <see cref="ReportRunner.RunMorningAsync"/>). Scheduled at 07:30 for the day before.
/// </summary>
public sealed class MorningJob(ReportRunner reports, ReportJobPipeline pipeline) : IReportingJob
{
    public const string JobName = ReportJobs.Morning;

    public static JobDefinition Definition { get; } = new(JobName, ClaimsScheduledRun: true, WaitsForExtracts: true);

    public Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return pipeline.RunAsync(Definition, request, runId, (options, cancel) => reports.RunMorningAsync(request.BusinessDate, options, cancel), cancellationToken);
    }
}
