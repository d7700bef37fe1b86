using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Scheduling;

/// <summary>What <c>jobs pause</c> or <c>jobs resume</c> found and left: the job, whether it was paused before and is now.</summary>
public sealed record JobPauseChange(string Job, bool WasPaused, bool Paused);

/// <summary>
/// Pausing and resuming a scheduled job in Quartz's persistent store (<c>jobs pause NAME</c>,
/// <c>jobs resume NAME</c>): the trigger's state is kept in the store, so every worker of a
/// PostgreSQL cluster skips a paused job's fires, and a restarted <c>serve</c> keeps it paused
/// (<see cref="ScheduleReconciler"/>). The scheduler used here is never started (standby): it only
/// writes the store, runs no job and never checks in to the cluster.
/// </summary>
public static class JobPauses
{
    /// <summary>
    /// Pauses or resumes <paramref name="job"/> (a job of <c>Scheduling:Jobs</c>) through the
    /// scheduler of a host built with <see cref="SchedulingExtensions.AddReportingScheduler"/>.
    /// A worker that never ran <c>serve</c> has no trigger yet: the job's trigger (and its
    /// working-calendar exclusions) is written first, as <c>serve</c> would write it.
    /// Pausing a paused job, or resuming an active one, changes nothing.
    /// </summary>
    public static async Task<JobPauseChange> SetAsync(IServiceProvider services, string job, bool pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var schedule = services.GetRequiredService<SchedulingOptions>();
        var configured = schedule.Find(job) ?? throw new ArgumentException($"{job} is not a job of {SchedulingOptions.SectionName}:Jobs", nameof(job));
        var reconciler = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ScheduleReconciler>().Single();
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        try
        {
            await reconciler.EnsureTriggerAsync(scheduler, configured, cancellationToken);
            var key = new TriggerKey(job, SchedulingExtensions.JobGroup);
            var before = IsPaused(await scheduler.GetTriggerState(key, cancellationToken));
            if (pause && !before)
            {
                await scheduler.PauseJob(new JobKey(job, SchedulingExtensions.JobGroup), cancellationToken);
            }
            else if (!pause && before)
            {
                await scheduler.ResumeJob(new JobKey(job, SchedulingExtensions.JobGroup), cancellationToken);
            }

            return new JobPauseChange(job, before, IsPaused(await scheduler.GetTriggerState(key, cancellationToken)));
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None);
        }
    }

    /// <summary>A paused trigger, blocked or not (Quartz reports PAUSED_BLOCKED as <see cref="TriggerState.Paused"/>).</summary>
    public static bool IsPaused(TriggerState state) => state == TriggerState.Paused;

    /// <summary>
    /// The names of the paused jobs, read from Quartz's trigger table (<c>qrtz_triggers</c>, named
    /// <c>qrtz_TRIGGERS</c> in Quartz's SQLite schema; SQLite compares table names without case) without
    /// creating anything: no SQLite <c>quartz.db</c> yet, or no Quartz tables in the PostgreSQL
    /// database yet (no worker ever ran <c>serve</c> or <c>jobs pause</c>), means no job is paused.
    /// </summary>
    public static async Task<IReadOnlySet<string>> ReadPausedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var store = services.GetRequiredService<StoreOptions>();
        const string Sql = "SELECT trigger_name FROM " + SchedulingExtensions.TablePrefix + "triggers " +
            "WHERE sched_name = @scheduler AND trigger_group = @group AND trigger_state IN ('PAUSED', 'PAUSED_BLOCKED')";
        var paused = new HashSet<string>(StringComparer.Ordinal);
        if (StoreProviders.Normalize(store.Provider) == StoreProviders.Postgres)
        {
            await using var connection = new NpgsqlConnection(store.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
            exists.Parameters.AddWithValue("table", SchedulingExtensions.TablePrefix + "triggers");
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return paused;
            }

            await using var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.AddWithValue("scheduler", SchedulingExtensions.SchedulerName);
            command.Parameters.AddWithValue("group", SchedulingExtensions.JobGroup);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                paused.Add(reader.GetString(0));
            }
        }
        else
        {
            var file = SchedulingExtensions.QuartzDatabase(services.GetRequiredService<ReportingPaths>());
            if (!File.Exists(file))
            {
                return paused;
            }

            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $table COLLATE NOCASE";
            exists.Parameters.AddWithValue("$table", SchedulingExtensions.TablePrefix + "triggers");
            if (await exists.ExecuteScalarAsync(cancellationToken) is not long count || count == 0)
            {
                return paused;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = Sql.Replace("@", "$", StringComparison.Ordinal);
            command.Parameters.AddWithValue("$scheduler", SchedulingExtensions.SchedulerName);
            command.Parameters.AddWithValue("$group", SchedulingExtensions.JobGroup);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                paused.Add(reader.GetString(0));
            }
        }

        return paused;
    }
}
