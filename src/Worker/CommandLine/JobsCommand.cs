using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;
using Spectre.Console;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>jobs [--format text|json]</c>: every configured job with its cron, time zone, next fire times and last run. The
/// next fires come from the cron expressions and the clock, so no scheduler needs to be running.
/// </summary>
internal static class JobsCommand
{
    public const int NextFires = 3;

    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "text (a table) or json (for scripts; see README)", DefaultValueFactory = _ => "text" };
        format.OneOf("text", "json");
        var command = new Command("jobs", "List the scheduled jobs: cron, time zone, next fire times, last run") { format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var services = host.Services;
            var schedule = services.GetRequiredService<SchedulingOptions>();
            var registry = services.GetRequiredService<JobRegistry>();
            await services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var runs = services.GetService<IRunStore>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var jobs = new List<JobJson>();
            foreach (var job in schedule.Jobs)
            {
                var last = runs is null ? null : await runs.GetRunsAsync(job.Name, limit: 1, cancellationToken: cancellationToken) is [var newest, ..] ? newest : null;
                jobs.Add(Describe(registry.Find(job.Name) ?? new JobDefinition(job.Name, false, false), job.Cron, schedule.ZoneOf(job), now, last));
            }

            if (parse.GetValue(format) == "json")
            {
                await ConsoleOutput.WriteJsonAsync(new JobsJson(jobs), cancellationToken);
            }
            else
            {
                Write(jobs, ConsoleOutput.StandardOutput());
            }

            return 0;
        });
        return command;
    }

    /// <summary>One job as <c>jobs</c> shows it: the next fires in its zone with the business date each reports, and its last run.</summary>
    public static JobJson Describe(string name, string cron, TimeZoneInfo zone, DateTimeOffset now, JobRun? last) =>
        Describe(JobRegistry.Default.Find(name) ?? new JobDefinition(name, false, false), cron, zone, now, last);

    /// <summary>One job as <c>jobs</c> shows it, the business date of each fire by the job's own rule (<see cref="JobDefinition.BusinessDateOf"/>).</summary>
    public static JobJson Describe(JobDefinition job, string cron, TimeZoneInfo zone, DateTimeOffset now, JobRun? last)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(zone);
        var fires = NextFireTimes(cron, zone, now, NextFires)
            .Select(fire => new FireJson(TimeZoneInfo.ConvertTime(fire, zone), job.BusinessDateOf(fire, zone)))
            .ToList();
        return new JobJson(job.Name, cron, zone.Id, fires, last is null ? null : RunJson.Of(last));
    }

    /// <summary>One table row per job; the next fires one per line in their cell; times in the job's zone.</summary>
    public static void Write(IReadOnlyList<JobJson> jobs, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(console);
        var table = ConsoleOutput.Table(["job", "cron", "time zone", "next fires (for business date)", "last run"]);
        foreach (var job in jobs)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(job.TimeZone);
            var next = string.Join('\n', job.NextFires.Select(f => Invariant($"{f.At:yyyy-MM-dd HH:mm:ss zzz} for {f.BusinessDate:yyyy-MM-dd}")));
            var last = job.LastRun is { } run
                ? Invariant($"{run.BusinessDate:yyyy-MM-dd} {run.Status} ({run.Trigger}, started {TimeZoneInfo.ConvertTime(run.StartedAt, zone):yyyy-MM-dd HH:mm:ss zzz} on {run.Instance})")
                : "never";
            table.AddRow(
                ConsoleOutput.Cell(job.Name),
                ConsoleOutput.Cell(job.Cron),
                ConsoleOutput.Cell(job.TimeZone),
                new Text(next.Length == 0 ? "none" : next),
                ConsoleOutput.Cell(last, 400));
        }

        console.WriteTable(table);
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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>jobs --format json</c>: every configured job, in configuration order.</summary>
internal sealed record JobsJson(IReadOnlyList<JobJson> Jobs);

/// <summary>A job: its cron, its IANA time zone, the next fires and its last run (a history run, or null).</summary>
internal sealed record JobJson(string Name, string Cron, string TimeZone, IReadOnlyList<FireJson> NextFires, RunJson? LastRun);

/// <summary>A fire time in the job's zone (with its offset) and the business date that run reports.</summary>
internal sealed record FireJson(DateTimeOffset At, DateOnly BusinessDate);
