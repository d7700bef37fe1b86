using Reporting.Jobs.Reports;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// <c>commission</c>: the commission workbook of the month D falls in, to finance, when it reconciles (SPEC §4; <see cref="ReportRunner.RunCommissionAsync"/>). Scheduled on the 1st, for the month before's last day.
/// </summary>
public sealed class CommissionJob(ReportRunner reports, ReportJobPipeline pipeline) : IReportingJob
{
    public const string JobName = ReportJobs.Commission;

    public static JobDefinition Definition { get; } = new(JobName, ClaimsScheduledRun: true, WaitsForExtracts: true);

    public Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return pipeline.RunAsync(Definition, request, runId, (options, cancel) => reports.RunCommissionAsync(request.BusinessDate, options, cancel), cancellationToken);
    }
}
