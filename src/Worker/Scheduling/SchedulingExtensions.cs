using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;
using Quartz.Impl;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Worker.Scheduling;

public static class SchedulingExtensions
{
    /// <summary>Quartz's tables carry this prefix, beside the reporting tables in the same database.</summary>
    public const string TablePrefix = "qrtz_";

    public const string JobGroup = "reporting";

    /// <summary>
    /// Hosts Quartz in the worker (the <c>serve</c> command only; other commands never start it):
    /// one cron trigger per job of <c>config/schedule.json</c>, kept in a persistent store — SQLite
    /// (<c>&lt;data&gt;/quartz.db</c>) by default, the reporting PostgreSQL database as a cluster when
    /// <c>Store:Provider=postgres</c> — whose tables are created at start-up when missing.
    /// </summary>
    public static HostApplicationBuilder AddReportingScheduler(this HostApplicationBuilder builder)
    {
        var schedule = ScheduleOptions.Bind(builder.Configuration);
        var problems = schedule.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }

        var store = builder.Configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        var clustered = store.Provider.Trim().ToUpperInvariant() is "POSTGRES" or "POSTGRESQL";
        var paths = new ReportingPaths(builder.Environment.ContentRootPath, builder.Configuration["Data:Folder"] is { Length: > 0 } folder ? folder : "data");

        builder.Services.AddSingleton(schedule);
        builder.Services.AddTransient<ReportingQuartzJob>();
        builder.Services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = "reporting";
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
                    p.UsePostgres(NpgsqlFactory.Instance, store.ConnectionString
                        ?? throw new InvalidOperationException("Store:ConnectionString is required for Store:Provider=postgres (set Store__ConnectionString)"));
                    p.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                }
                else
                {
                    Directory.CreateDirectory(paths.DataFolder);
                    p.UseSqlite(SqliteFactory.Instance, "Data Source=" + Path.Combine(paths.DataFolder, "quartz.db"));
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
}
