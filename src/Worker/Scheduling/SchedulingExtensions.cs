using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using Quartz.Impl;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>Quartz's tables carry this prefix, beside the reporting tables in the same database.</summary>
    public const string TablePrefix = "qrtz_";

    /// <summary>The group of every job and trigger: a job's key is <c>new JobKey(name, JobGroup)</c>, its trigger's the same name.</summary>
    public const string JobGroup = "reporting";

    /// <summary>The scheduler's name (Quartz's <c>sched_name</c> column): every worker of a cluster uses the same one.</summary>
    public const string SchedulerName = "reporting";

    /// <summary>The SQLite Quartz store of a worker that has no PostgreSQL store: <c>&lt;data&gt;/quartz.db</c>.</summary>
    public static string QuartzDatabase(ReportingPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.DataFolder, "quartz.db");
    }

    /// <summary>
    /// Hosts Quartz in the worker (the <c>serve</c> command only; other commands never start it):
    /// one cron trigger per job of <c>config/schedule.json</c>, kept in a persistent store — SQLite
    /// (<c>&lt;data&gt;/quartz.db</c>) by default, the reporting PostgreSQL database as a cluster when
    /// <c>Store:Provider=postgres</c> — whose tables are created at start-up when missing.
    /// </summary>
    public static HostApplicationBuilder AddReportingScheduler(this HostApplicationBuilder builder)
    {
        // Quartz takes its jobs and store when it is registered, before the host validates the
        // configuration; a value that does not bind here is reported by that validation instead
        // (ReportingHost.Build), in the validator's words, before the scheduler starts.
        var schedule = Tolerant(() => SchedulingOptions.Bind(builder.Configuration)) ?? new SchedulingOptions();
        var store = Tolerant(() => builder.Configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>()) ?? new StoreOptions();
        var data = Tolerant(() => builder.Configuration.GetSection(DataOptions.SectionName).Get<DataOptions>()) ?? new DataOptions();
        var clustered = StoreProviders.Normalize(store.Provider) == StoreProviders.Postgres;
        var paths = new ReportingPaths(builder.Environment.ContentRootPath, data.EffectiveFolder);

        builder.Services.AddTransient<ReportingQuartzJob>();
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                if (schedule.Instance is { Length: > 0 } instance)
                {
                    s.InstanceId = instance;
                }
            });
            // No UseTimeProvider here: a scheduler given no clock of its own uses the container's
            // TimeProvider (registered in AddReportingCore), the same clock as the executor and the store.
            q.UsePersistentStore(p =>
            {
                if (clustered)
                {
                    // Empty only when the configuration is invalid, which the start-up validation
                    // reports naming Store:ConnectionString; Quartz refuses an empty string here.
                    p.UsePostgres(NpgsqlFactory.Instance, string.IsNullOrWhiteSpace(store.ConnectionString) ? "Host=missing" : store.ConnectionString);
                    p.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                }
                else
                {
                    Directory.CreateDirectory(paths.DataFolder);
                    p.UseSqlite(SqliteFactory.Instance, "Data Source=" + QuartzDatabase(paths));
                }

                p.UseSerializer<SystemTextJsonObjectSerializer>();
                p.ConfigureStore(o =>
                {
                    o.TablePrefix = TablePrefix;
                    o.MisfireThreshold = schedule.MisfireThreshold;
                });
                p.ProvisionSchema();
            });

            foreach (var job in schedule.Jobs)
            {
                var key = new JobKey(job.Name, JobGroup);
                q.AddJob<ReportingQuartzJob>(j => j.WithIdentity(key).UsingJobData(ReportingQuartzJob.JobNameKey, job.Name).StoreDurably());
            }
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        // After the scheduler's own hosted service, so the scheduler it reconciles is started.
        builder.Services.AddHostedService<ScheduleReconciler>();
        return builder;
    }

    /// <summary>
    /// Validates the schedule of <c>Scheduling</c> at start-up (<see cref="ScheduleValidator"/>), for
    /// every command: a wrong cron stops <c>ingest</c> as it stops <c>serve</c>; <c>jobs</c> lists them.
    /// </summary>
    public static IServiceCollection AddReportingSchedule(this IServiceCollection services, IConfiguration configuration, string? home = null)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, ScheduleValidator>(sp => new ScheduleValidator(configuration, sp.GetRequiredService<JobRegistry>(), home)));
        return services;
    }

    private static T? Tolerant<T>(Func<T?> bind)
        where T : class
    {
        try
        {
            return bind();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
