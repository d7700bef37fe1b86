using Microsoft.Extensions.Logging;
using Quartz;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// The one Quartz job: turns a fire of a configured job into a scheduled run for its business date.
/// Everything else — exactly once per (job, date) across the cluster, the freshness gate, history,
/// delivery — is <see cref="IJobExecutor"/>'s, which the command line shares.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReportingQuartzJob(IJobExecutor executor, JobRegistry jobs, SchedulingOptions schedule, ILogger<ReportingQuartzJob> logger) : IJob
{
    /// <summary>The job data key holding the reporting job's name (<c>ingest</c>, <c>morning</c>…).</summary>
    public const string JobNameKey = "job";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var job = context.MergedJobDataMap.GetString(JobNameKey)
            ?? throw new InvalidOperationException($"Quartz job {context.JobDetail.Key} has no '{JobNameKey}' in its job data");
        var configured = schedule.Find(job)
            ?? throw new InvalidOperationException($"Quartz fired '{job}', which {SchedulingOptions.SectionName}:Jobs no longer lists");
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var definition = jobs.Find(job)
            ?? throw new InvalidOperationException($"Quartz fired '{job}', which is not a registered job");
        var businessDate = BusinessDates.Of(definition, configured, scheduled, schedule.ZoneOf(configured));
        logger.LogInformation(
            "Scheduled fire of {Job} at {ScheduledFire:O} on {Instance}: business date {BusinessDate:yyyy-MM-dd}",
            job, scheduled, context.Scheduler.SchedulerInstanceId, businessDate);
        var run = await executor.ExecuteAsync(new JobRequest(job, businessDate, RunTrigger.Scheduled, new RunOptions()), cancellationToken);
        logger.LogInformation("{Job} {BusinessDate:yyyy-MM-dd}: {Status} (run {RunId})", job, businessDate, run.Status, run.RunId);
    }
}
