using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;
using Spectre.Console;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>jobs [--format text|json] [--from D]</c>: every configured job with its cron, day rule, time
/// zone, next fire times and last run. The next fires come from the cron expressions, China's
/// working calendar and the clock (or the start of D), so no scheduler needs to be running.
/// </summary>
internal static class JobsCommand
{
    public const int NextFires = 3;

    public static Command Create(JobRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var format = new Option<string>("--format") { Description = "text (a table) or json (for scripts; see README)", DefaultValueFactory = _ => "text" };
        format.OneOf("text", "json");
        var from = CommandLineParsing.DateOption("--from", "List the fires from the start of business date D (in each job's zone) instead of from now");
        var command = new Command("jobs", "List the scheduled jobs: state (paused or active), cron, days, time zone, next fire times (China's working calendar applied), last run")
        {
            format, from, PauseCommand(registry, pause: true), PauseCommand(registry, pause: false),
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var services = host.Services;
            var schedule = services.GetRequiredService<SchedulingOptions>();
            var jobRegistry = services.GetRequiredService<JobRegistry>();
            var calendar = services.GetRequiredService<WorkingCalendar>();
            await services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var runs = services.GetService<IRunStore>();
            var paused = await JobPauses.ReadPausedAsync(services, cancellationToken);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var jobs = new List<JobJson>();
            foreach (var job in schedule.Jobs)
            {
                var zone = schedule.ZoneOf(job);
                var after = parse.GetValue(from) is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue))).AddTicks(-1) : now;
                var last = runs is null ? null : await runs.GetRunsAsync(job.Name, limit: 1, cancellationToken: cancellationToken) is [var newest, ..] ? newest : null;
                jobs.Add(Describe(jobRegistry.Find(job.Name) ?? new JobDefinition(job.Name, false, false), job, zone, calendar, after, last) with { Paused = paused.Contains(job.Name) });
            }

            // A missing year warns when it matters now (next year's from 1 December) and when a
            // listed fire of a job whose day rule reads the calendar falls in it (jobs --from 2027-…).
            var calendarJobs = schedule.Jobs.Where(j => j.Days != JobDays.All).Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
            var warnings = new[] { calendar.MissingYear(schedule, now) }
                .Concat(jobs.Where(j => calendarJobs.Contains(j.Name)).SelectMany(j => j.NextFires).Select(f => (int?)f.At.Year))
                .OfType<int>()
                .Where(year => !calendar.HasYear(year))
                .Distinct()
                .Order()
                .Select(WorkingCalendar.MissingYearText)
                .ToList();
            if (parse.GetValue(format) == "json")
            {
                await ConsoleOutput.WriteJsonAsync(new JobsJson(jobs, warnings), cancellationToken);
            }
            else
            {
                Write(jobs, ConsoleOutput.StandardOutput());
                foreach (var warning in warnings)
                {
                    Console.Error.WriteLine("warning: " + warning);
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>jobs pause NAME</c> / <c>jobs resume NAME</c>: the job's trigger paused or resumed in
    /// Quartz's store (<see cref="JobPauses"/>), so for every worker of a cluster; a name the
    /// schedule does not hold is a usage error naming the scheduled jobs.
    /// </summary>
    private static Command PauseCommand(JobRegistry registry, bool pause)
    {
        var name = new Argument<string>("NAME") { Description = "The job: " + registry.NamesInWords };
        name.OneOf([.. registry.Names]);
        var command = pause
            ? new Command("pause", "Pause a scheduled job on every worker sharing this store: its fires are skipped until 'jobs resume NAME'") { name }
            : new Command("resume", "Resume a paused job: its cron fires again on every worker sharing this store") { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var job = parse.GetRequiredValue(name);
            using var host = ReportingHost.Build(configure: builder => builder.AddReportingScheduler());
            var services = host.Services;
            var schedule = services.GetRequiredService<SchedulingOptions>();
            if (schedule.Find(job) is null)
            {
                throw new UsageException($"{job} has no schedule in {SchedulingOptions.SectionName}:Jobs, so there is nothing to {(pause ? "pause" : "resume")}; the scheduled jobs are {string.Join(", ", schedule.Jobs.Select(j => j.Name))}.");
            }

            await services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var change = await JobPauses.SetAsync(services, job, pause, cancellationToken);
            Console.WriteLine((change.WasPaused, change.Paused) switch
            {
                (true, true) => $"{job}: already paused; its fires are skipped on every worker sharing this store until 'jobs resume {job}'.",
                (false, true) => $"{job}: paused; its fires are skipped on every worker sharing this store until 'jobs resume {job}'.",
                (true, false) => $"{job}: resumed; its cron fires again (a fire missed while paused runs once now when it is later than Scheduling:MisfireThreshold, then the cron resumes).",
                (false, false) => $"{job}: not paused; its cron fires as scheduled.",
            });
            return 0;
        });
        return command;
    }

    /// <summary>One job as <c>jobs</c> shows it, every day allowed: the next fires in its zone with the business date each reports, and its last run.</summary>
    public static JobJson Describe(string name, string cron, TimeZoneInfo zone, DateTimeOffset now, JobRun? last) =>
        Describe(JobRegistry.Default.Find(name) ?? new JobDefinition(name, false, false), new ScheduledJobOptions { Name = name, Cron = cron }, zone, WorkingCalendar.WeekendsOnly, now, last);

    /// <summary>
    /// One job as <c>jobs</c> shows it: the next fires as Quartz computes them with the job's day
    /// rule and China's working calendar (<see cref="CalendarTriggers"/>), each with the business
    /// date it reports (<see cref="BusinessDates.Of"/>).
    /// </summary>
    public static JobJson Describe(JobDefinition job, ScheduledJobOptions configured, TimeZoneInfo zone, WorkingCalendar calendar, DateTimeOffset after, JobRun? last)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(zone);
        var fires = CalendarTriggers.NextFireTimes(configured, zone, calendar, after, NextFires)
            .Select(fire => new FireJson(TimeZoneInfo.ConvertTime(fire, zone), BusinessDates.Of(job, configured, fire, zone)))
            .ToList();
        return new JobJson(job.Name, configured.Cron, configured.Days.ToString(), zone.Id, fires, last is null ? null : RunJson.Of(last));
    }

    /// <summary>One table row per job; the next fires one per line in their cell; times in the job's zone.</summary>
    public static void Write(IReadOnlyList<JobJson> jobs, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(console);
        var table = ConsoleOutput.Table(["job", "state", "cron", "days", "time zone", "next fires (for business date)", "last run"]);
        foreach (var job in jobs)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(job.TimeZone);
            var next = string.Join('\n', job.NextFires.Select(f => Invariant($"{f.At:yyyy-MM-dd HH:mm:ss zzz} for {f.BusinessDate:yyyy-MM-dd}")));
            var last = job.LastRun is { } run
                ? Invariant($"{run.BusinessDate:yyyy-MM-dd} {run.Status} ({run.Trigger}, started {TimeZoneInfo.ConvertTime(run.StartedAt, zone):yyyy-MM-dd HH:mm:ss zzz} on {run.Instance})")
                : "never";
            table.AddRow(
                ConsoleOutput.Cell(job.Name),
                new Text(job.Paused ? "PAUSED" : "active"),
                ConsoleOutput.Cell(job.Cron),
                ConsoleOutput.Cell(job.Days),
                ConsoleOutput.Cell(job.TimeZone),
                new Text(next.Length == 0 ? "none" : next),
                ConsoleOutput.Cell(last, 400));
        }

        console.WriteTable(table);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>jobs --format json</c>: every configured job, in configuration order, and the calendar's warnings (a missing year).</summary>
internal sealed record JobsJson(IReadOnlyList<JobJson> Jobs, IReadOnlyList<string> Warnings);

/// <summary>
/// A job: its cron, its day rule (<c>All</c>, <c>Workdays</c>, <c>FirstWorkday</c>), its IANA time
/// zone, the next fires and its last run (a history run, or null), and whether it is paused
/// (<c>jobs pause</c>; the next fires are those of its cron, skipped while it stays paused).
/// </summary>
internal sealed record JobJson(string Name, string Cron, string Days, string TimeZone, IReadOnlyList<FireJson> NextFires, RunJson? LastRun, bool Paused = false);

/// <summary>A fire time in the job's zone (with its offset) and the business date that run reports.</summary>
internal sealed record FireJson(DateTimeOffset At, DateOnly BusinessDate);
