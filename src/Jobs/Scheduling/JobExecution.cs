using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>One job for one business date.</summary>
/// <param name="Job">A registered job's name (<see cref="JobRegistry.Names"/>): <c>ingest</c>, <c>morning</c>….</param>
/// <param name="BusinessDate">The business date the run is for (data known at the end of it).</param>
/// <param name="Trigger">Who started it.</param>
/// <param name="Options">Dry run, one branch, banner.</param>
/// <param name="Resend">Send again to recipients who already received this job and date's messages.</param>
public sealed record JobRequest(string Job, DateOnly BusinessDate, RunTrigger Trigger, RunOptions Options, bool Resend = false);

/// <summary>
/// Runs one job for one business date with everything around it: exactly once per scheduled
/// (job, date) across a cluster, the freshness gate, run history, and the per-recipient delivery
/// log. The Quartz job classes and the command line both go through it.
/// </summary>
public interface IJobExecutor
{
    Task<JobRun> ExecuteAsync(JobRequest request, CancellationToken cancellationToken = default);
}
