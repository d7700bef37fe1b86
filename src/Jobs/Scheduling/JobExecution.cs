using Reporting.Jobs.Reports;

namespace Reporting.Jobs.Scheduling;

/// <summary>What started a run; recorded in the run history.</summary>
public enum RunTrigger
{
    /// <summary>Quartz fired it on schedule (or as a misfire, late, when the worker came back).</summary>
    Scheduled,

    /// <summary>Ops ran it from the command line.</summary>
    Manual,

    /// <summary>Part of a <c>backfill</c> over a date range.</summary>
    Backfill,
}

/// <summary>One job for one business date.</summary>
/// <param name="Job">A registered job's name (<see cref="JobRegistry.Names"/>): <c>ingest</c>, <c>morning</c>….</param>
/// <param name="BusinessDate">The business date the run is for (data known at the end of it).</param>
/// <param name="Trigger">Who started it.</param>
/// <param name="Options">Dry run, one branch, banner.</param>
/// <param name="Resend">Send again to recipients who already received this job and date's messages.</param>
public sealed record JobRequest(string Job, DateOnly BusinessDate, RunTrigger Trigger, RunOptions Options, bool Resend = false);

public enum RunStatus
{
    Running,
    Succeeded,

    /// <summary>Sent, but with the "data incomplete" banner: an extract was missing at the deadline.</summary>
    Incomplete,
    Failed,

    /// <summary>Another worker already ran this scheduled (job, date): nothing done.</summary>
    Skipped,
}

/// <summary>One line of the run history.</summary>
public sealed record JobRun(
    long RunId,
    string Job,
    DateOnly BusinessDate,
    RunTrigger Trigger,
    string Instance,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    RunStatus Status,
    long Rows,
    string? Outputs,
    string? Error);

/// <summary>
/// Runs one job for one business date with everything around it: exactly once per scheduled
/// (job, date) across a cluster, the freshness gate, run history, and the per-recipient delivery
/// log. The Quartz job classes and the command line both go through it.
/// </summary>
public interface IJobExecutor
{
    Task<JobRun> ExecuteAsync(JobRequest request, CancellationToken cancellationToken = default);
}
