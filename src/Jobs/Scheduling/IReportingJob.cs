using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// A job the scheduler and ops run by name (SPEC §5): ingest, or a report. One class per job, in
/// this folder, registered with <see cref="JobRegistryExtensions.AddReportingJob{TJob}"/>; the
/// executor, the command line (<c>run</c>, <c>backfill</c>), the schedule's validation and
/// <c>jobs</c> all enumerate the registrations (<see cref="JobRegistry"/>), never a list of their own.
/// </summary>
/// <remarks>
/// <see cref="Definition"/> is static so that the command line can list the jobs before any host
/// (configuration, store) is built; <see cref="RunAsync"/> runs inside the executor, which has
/// already recorded the run and, for a job that <see cref="JobDefinition.ClaimsScheduledRun"/>,
/// claimed the scheduled (job, date).
/// </remarks>
public interface IReportingJob
{
    /// <summary>
    /// The job's name and what it needs: every job class declares its own
    /// (<c>public static JobDefinition Definition { get; }</c>). Virtual rather than abstract only so
    /// that the interface stays usable as a type argument; registering a class that declares none fails.
    /// </summary>
    static virtual JobDefinition Definition => throw new InvalidOperationException("a job class declares its own static Definition");

    /// <summary>Runs the job for the request's business date: the outcome the run history records.</summary>
    Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken);
}

/// <summary>What a job is, as the schedule, the command line and the executor see it.</summary>
/// <param name="Name">The name in the schedule, on the command line and in the run history.</param>
/// <param name="ClaimsScheduledRun">
/// A scheduled run first claims (job, date) in the store, so that a cluster runs it once; a job that
/// is idempotent (ingest, many times a morning) does not.
/// </param>
/// <param name="WaitsForExtracts">
/// A scheduled run waits for the business date's extracts until the freshness deadline, then goes
/// out with the "data incomplete" banner (SPEC §5).
/// </param>
/// <param name="BusinessDateRule">
/// Which business date a scheduled fire reports, in the job's zone; null: the day before
/// (<see cref="BusinessDates.ForFire"/>), the rule of every job so far (the monthly jobs of the 1st
/// report the month before's last day).
/// </param>
public sealed record JobDefinition(
    string Name, bool ClaimsScheduledRun, bool WaitsForExtracts, Func<DateTimeOffset, TimeZoneInfo, DateOnly>? BusinessDateRule = null)
{
    /// <summary>The business date a scheduled fire at <paramref name="scheduledFire"/> reports (<see cref="BusinessDateRule"/>).</summary>
    public DateOnly BusinessDateOf(DateTimeOffset scheduledFire, TimeZoneInfo zone) =>
        (BusinessDateRule ?? BusinessDates.ForFire)(scheduledFire, zone);
}

/// <summary>How a run ended: the status, the rows (loaded, or messages sent), the outputs (JSON) and the error the run history records.</summary>
public sealed record JobResult(RunStatus Status, long Rows, string? Outputs, string? Error);
