using Reporting.Jobs.Reports;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// <c>renewal-review</c>: the renewal review of the latest cohort final as of D (SPEC §4; <see cref="ReportRunner.RunRenewalReviewAsync"/>).
/// </summary>
public sealed class RenewalReviewJob(ReportRunner reports, ReportJobPipeline pipeline) : IReportingJob
{
    public const string JobName = ReportJobs.RenewalReview;

    public static JobDefinition Definition { get; } = new(JobName, ClaimsScheduledRun: true, WaitsForExtracts: true);

    public Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return pipeline.RunAsync(Definition, request, runId, (options, cancel) => reports.RunRenewalReviewAsync(request.BusinessDate, options, cancel), cancellationToken);
    }
}
