using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;
using Spectre.Console;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>history [--job J] [--date D] [--limit N] [--format text|json]</c>: the run history and, for
/// one date, the delivery log; tables for people, JSON (README, "history and jobs as JSON") for scripts.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var job = new Option<string?>("--job") { Description = "Only this job" };
        var date = CommandLineParsing.DateOption("--date", "Only this business date (also shows each recipient's delivery)");
        var limit = new Option<int>("--limit") { Description = "How many runs, newest first", DefaultValueFactory = _ => 50 };
        var format = new Option<string>("--format") { Description = "text (tables) or json (for scripts; see README)", DefaultValueFactory = _ => "text" };
        format.OneOf("text", "json");
        var pulls = new Option<bool>("--pulls") { Description = "Show what the sources' pulls fetched (SFTP: remote file, size, time, SHA-256, local file, archive) instead of runs" };
        var source = new Option<string?>("--source") { Description = "With --pulls: only this source" };
        var command = new Command("history", "Show run history (job, business date, trigger, start, end, status, rows, instance, error) and deliveries, or with --pulls what the pulls fetched")
        {
            job, date, limit, format, pulls, source,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var store = host.Services.GetRequiredService<IReportingStore>();
            await store.MigrateAsync(cancellationToken);
            if (parse.GetValue(pulls))
            {
                var fetched = await store.GetPullsAsync(parse.GetValue(source), null, parse.GetValue(limit), cancellationToken);
                if (parse.GetValue(format) == "json")
                {
                    await ConsoleOutput.WriteJsonAsync(fetched.Select(PullJson.Of).ToList(), cancellationToken);
                }
                else
                {
                    WritePulls(fetched, ConsoleOutput.StandardOutput());
                }

                return 0;
            }

            var runs = host.Services.GetRequiredService<IRunStore>();
            var businessDate = parse.GetValue(date);
            var history = await runs.GetRunsAsync(parse.GetValue(job), businessDate, parse.GetValue(limit), cancellationToken);
            var deliveries = businessDate is null ? null : await runs.GetDeliveriesAsync(parse.GetValue(job), businessDate, cancellationToken);
            if (parse.GetValue(format) == "json")
            {
                await ConsoleOutput.WriteJsonAsync(Json(history, deliveries), cancellationToken);
            }
            else
            {
                Write(history, deliveries, ConsoleOutput.StandardOutput());
            }

            return 0;
        });
        return command;
    }

    /// <summary>The runs as a table, then (with <c>--date</c>) the deliveries as another; a sentence when there are none.</summary>
    public static void Write(IReadOnlyList<JobRun> runs, IReadOnlyList<DeliveryRecord>? deliveries, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(console);
        if (runs.Count == 0)
        {
            console.Line("No runs recorded for this selection.");
        }
        else
        {
            var table = ConsoleOutput.Table(["run", "job", "date", "trigger", "started (UTC)", "finished", "status", "rows", "instance", "error"], RightAligned);
            foreach (var run in runs)
            {
                table.AddRow(
                    ConsoleOutput.Cell(Invariant($"#{run.RunId}")),
                    ConsoleOutput.Cell(run.Job),
                    ConsoleOutput.Cell(Invariant($"{run.BusinessDate:yyyy-MM-dd}")),
                    ConsoleOutput.Cell(run.Trigger.ToString()),
                    ConsoleOutput.Cell(Invariant($"{run.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z")),
                    ConsoleOutput.Cell(run.FinishedAt is { } finished ? Invariant($"{finished.ToUniversalTime():HH:mm:ss}Z") : null),
                    ConsoleOutput.Cell(run.Status.ToString()),
                    ConsoleOutput.Cell(Invariant($"{run.Rows}")),
                    ConsoleOutput.Cell(run.Instance),
                    ConsoleOutput.Cell(run.Error ?? "", RunCommand.ErrorShown));
            }

            console.WriteTable(table);
        }

        if (deliveries is null)
        {
            return;
        }

        if (deliveries.Count == 0)
        {
            console.Line("No deliveries recorded for this date.");
            return;
        }

        var log = ConsoleOutput.Table(["delivery", "message", "recipient", "attempts", "run", "error"], RightAligned);
        foreach (var d in deliveries)
        {
            log.AddRow(
                ConsoleOutput.Cell(d.Status.ToString()),
                ConsoleOutput.Cell(d.MessageKey, 256),
                ConsoleOutput.Cell(d.Recipient, 256),
                ConsoleOutput.Cell(Invariant($"{d.Attempts}")),
                ConsoleOutput.Cell(d.RunId is { } id ? Invariant($"#{id}") : null),
                ConsoleOutput.Cell(d.Error ?? "", RunCommand.ErrorShown));
        }

        console.WriteTable(log);
    }

    /// <summary>The pulls as a table, newest first; a sentence when there are none.</summary>
    public static void WritePulls(IReadOnlyList<PulledFile> pulls, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(pulls);
        ArgumentNullException.ThrowIfNull(console);
        if (pulls.Count == 0)
        {
            console.Line("No pulls recorded for this selection.");
            return;
        }

        var table = ConsoleOutput.Table(["pull", "source", "server", "remote file", "bytes", "modified (UTC)", "sha256", "local file", "pulled (UTC)", "archived to"], RightAligned);
        foreach (var p in pulls)
        {
            table.AddRow(
                ConsoleOutput.Cell(Invariant($"#{p.PullId}")),
                ConsoleOutput.Cell(p.Source),
                ConsoleOutput.Cell(p.Host, 256),
                ConsoleOutput.Cell(p.RemotePath, 256),
                ConsoleOutput.Cell(Invariant($"{p.Size}")),
                ConsoleOutput.Cell(Invariant($"{p.ModifiedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z")),
                ConsoleOutput.Cell(p.Sha256[..Math.Min(12, p.Sha256.Length)] + "…"),
                ConsoleOutput.Cell(p.LocalFileName, 256),
                ConsoleOutput.Cell(Invariant($"{p.PulledAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z")),
                ConsoleOutput.Cell(p.ArchivePath, 256));
        }

        console.WriteTable(table);
    }

    /// <summary>The JSON document of <c>history --format json</c> (README).</summary>
    public static HistoryJson Json(IReadOnlyList<JobRun> runs, IReadOnlyList<DeliveryRecord>? deliveries)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new HistoryJson(
            [.. runs.Select(RunJson.Of)],
            deliveries is null ? null : [.. deliveries.Select(DeliveryJson.Of)]);
    }

    private static readonly IReadOnlySet<string> RightAligned = new HashSet<string>(StringComparer.Ordinal) { "rows", "attempts", "bytes" };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary><c>history --format json</c>: the runs, newest first, and with <c>--date</c> that date's deliveries (else null).</summary>
internal sealed record HistoryJson(IReadOnlyList<RunJson> Runs, IReadOnlyList<DeliveryJson>? Deliveries);

/// <summary>One run; instants in UTC (<c>+00:00</c>).</summary>
internal sealed record RunJson(
    long RunId,
    string Job,
    DateOnly BusinessDate,
    RunTrigger Trigger,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    RunStatus Status,
    long Rows,
    string Instance,
    string? Outputs,
    string? Error)
{
    public static RunJson Of(JobRun run) => new(
        run.RunId, run.Job, run.BusinessDate, run.Trigger, run.StartedAt.ToUniversalTime(), run.FinishedAt?.ToUniversalTime(),
        run.Status, run.Rows, run.Instance, run.Outputs, run.Error);
}

/// <summary>One message to one recipient; instants in UTC (<c>+00:00</c>).</summary>
internal sealed record DeliveryJson(
    DeliveryStatus Status,
    string MessageKey,
    string Recipient,
    string Job,
    DateOnly BusinessDate,
    string Subject,
    int Attempts,
    DateTimeOffset LastAttemptAt,
    DateTimeOffset? SentAt,
    long? RunId,
    string? Error)
{
    public static DeliveryJson Of(DeliveryRecord d) => new(
        d.Status, d.MessageKey, d.Recipient, d.Job, d.BusinessDate, d.Subject, d.Attempts, d.LastAttemptAt.ToUniversalTime(),
        d.SentAt?.ToUniversalTime(), d.RunId, d.Error);
}

/// <summary>One pulled file (<c>history --pulls --format json</c>); instants in UTC (<c>+00:00</c>).</summary>
internal sealed record PullJson(
    long PullId,
    string Source,
    string Server,
    string RemotePath,
    long Size,
    DateTimeOffset ModifiedAt,
    string Sha256,
    string LocalFileName,
    DateTimeOffset PulledAt,
    DateTimeOffset? ArchivedAt,
    string? ArchivePath)
{
    public static PullJson Of(PulledFile p) => new(
        p.PullId, p.Source, p.Host, p.RemotePath, p.Size, p.ModifiedAt.ToUniversalTime(), p.Sha256, p.LocalFileName, p.PulledAt.ToUniversalTime(),
        p.ArchivedAt?.ToUniversalTime(), p.ArchivePath);
}
