using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>jobs</c>: every configured job with its cron, time zone, next fire times and last run. The
/// next fires come from the cron expressions and the clock, so no scheduler needs to be running.
/// </summary>
internal static class JobsCommand
{
    public const int NextFires = 3;

    public static Command Create()
    {
        var command = new Command("jobs", "List the scheduled jobs: cron, time zone, next fire times, last run");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var services = host.Services;
            var schedule = ScheduleOptions.Bind(services.GetRequiredService<IConfiguration>());
            var problems = schedule.Validate().ToList();
            if (problems.Count > 0)
            {
                throw new ConfigurationException("Invalid configuration: " + string.Join(" ", problems));
            }

            await services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var runs = services.GetService<IRunStore>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            foreach (var job in schedule.Jobs)
            {
                var zone = schedule.ZoneOf(job);
                var last = runs is null ? null : await runs.GetRunsAsync(job.Name, limit: 1, cancellationToken: cancellationToken) is [var newest, ..] ? newest : null;
                Console.WriteLine(job.Name);
                Console.WriteLine($"  cron       {job.Cron} ({zone.Id})");
                foreach (var fire in NextFireTimes(job.Cron, zone, now, NextFires))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  next       {TimeZoneInfo.ConvertTime(fire, zone):yyyy-MM-dd HH:mm:ss zzz} for {BusinessDates.ForFire(fire, zone):yyyy-MM-dd}"));
                }

                Console.WriteLine(last is null
                    ? "  last run   never"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"  last run   {last.BusinessDate:yyyy-MM-dd} {last.Status} ({last.Trigger}, started {TimeZoneInfo.ConvertTime(last.StartedAt, zone):yyyy-MM-dd HH:mm:ss zzz} on {last.Instance})"));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The next <paramref name="count"/> fires of <paramref name="cron"/> in <paramref name="zone"/> after <paramref name="after"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> NextFireTimes(string cron, TimeZoneInfo zone, DateTimeOffset after, int count)
    {
        var expression = CronExpression.Parse(cron).WithTimeZone(zone);
        var fires = new List<DateTimeOffset>(count);
        var cursor = after;
        while (fires.Count < count && expression.GetNextValidTimeAfter(cursor) is { } next)
        {
            fires.Add(next);
            cursor = next;
        }

        return fires;
    }
}
