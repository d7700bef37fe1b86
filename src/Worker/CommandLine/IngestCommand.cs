using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Extract.Pull;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;
using Spectre.Console;

namespace Reporting.Worker.CommandLine;

/// <summary><c>ingest --source NAME [FILE...]</c>: load files by hand, or scan the source's drop folder.</summary>
internal static class IngestCommand
{
    private const int IssuesShown = 20;

    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "The configured source the files belong to (config/sources.json)", Required = true };
        var files = new Argument<string[]>("FILE") { Description = "Files to load by hand; without any, the source's drop folder is scanned", Arity = ArgumentArity.ZeroOrMore };
        var extractDate = CommandLineParsing.DateOption("--extract-date", "Extract date of files whose name does not carry it");
        var ignoreMarker = new Option<bool>("--ignore-marker") { Description = "Load files by hand even without their .done marker" };
        var from = CommandLineParsing.DateOption("--from", "Database source: first date of the query range");
        var to = CommandLineParsing.DateOption("--to", "Database source: last date of the query range; also the extract date");
        var command = new Command("ingest", "Load extracts into the store: files by hand, a drop-folder scan, or a database source's query")
        {
            source, files, extractDate, ignoreMarker, from, to,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var sources = host.Services.GetRequiredService<SourcesOptions>();
            var sourceName = parse.GetRequiredValue(source);
            if (!sources.Sources.TryGetValue(sourceName, out var sourceOptions))
            {
                throw new UsageException(
                    $"There is no source named '{TextSafety.Printable(sourceName)}' in config/sources.json; the sources are {string.Join(", ", sources.Sources.Keys.Order(StringComparer.Ordinal))}.");
            }

            var store = host.Services.GetRequiredService<IReportingStore>();
            await store.MigrateAsync(cancellationToken);
            var loader = host.Services.GetRequiredService<ExtractLoader>();
            var paths = host.Services.GetRequiredService<ReportingPaths>();
            var results = new List<LoadResult>();
            PullResult? pull = null;
            if (sourceOptions.Kind == SourceKind.Database)
            {
                var calendar = host.Services.GetRequiredService<BusinessCalendar>();
                var last = parse.GetValue(to) ?? calendar.Yesterday;
                results.Add(await loader.LoadQueryAsync(sourceOptions, parse.GetValue(from) ?? last, last, cancellationToken));
            }
            else
            {
                var given = parse.GetValue(files) ?? [];
                await WithProgressAsync(async report =>
                {
                    if (given.Length == 0)
                    {
                        // A source with a pull fills its folder first, then the scan loads it.
                        var ingest = await host.Services.GetRequiredService<DropFolderIngest>().RunAsync(
                            sourceOptions, paths.Resolve(sourceOptions.Folder), new Progress<(string File, double Fraction)>(p => report(p.File, p.Fraction)), cancellationToken);
                        pull = ingest.Pull;
                        results.AddRange(ingest.Loads);
                    }
                    else
                    {
                        var options = new LoadFileOptions(parse.GetValue(extractDate), parse.GetValue(ignoreMarker));
                        foreach (var file in given)
                        {
                            var name = Path.GetFileName(file);
                            results.Add(await loader.LoadFileAsync(sourceOptions, Path.GetFullPath(file), options, new Progress<double>(f => report(name, f)), cancellationToken));
                        }
                    }
                });
            }

            if (pull is not null)
            {
                Print(pull);
            }

            Print(results);
            return results.Any(r => r.Outcome == LoadOutcome.Failed) || pull is { Succeeded: false } ? 1 : 0;
        });
        return command;
    }

    public static void Print(IEnumerable<LoadResult> results)
    {
        foreach (var r in results)
        {
            var what = r.Outcome switch
            {
                LoadOutcome.Loaded => string.Create(CultureInfo.InvariantCulture,
                    $"loaded {r.Counts!.RowsLoaded:N0} rows ({r.Counts.RowsRejected:N0} rejected, {r.Counts.RowsDuplicate:N0} duplicate lines, {r.Counts.Warnings:N0} warnings), ingest #{r.IngestId}"),
                LoadOutcome.AlreadyLoaded => $"already loaded (ingest #{r.IngestId}), nothing changed",
                LoadOutcome.Waiting => "waiting for its .done marker",
                _ => "FAILED, nothing loaded: " + TextSafety.Printable(r.Error, RunCommand.ErrorShown),
            };

            // Messages are built from escaped values; escaping again here keeps a terminal safe
            // from any text that reached a result another way (a file name from the folder).
            var file = TextSafety.Printable(r.FileName, 256);
            Console.WriteLine($"{r.Source}\t{file}\t{what}");
            foreach (var issue in r.Issues.Take(IssuesShown))
            {
                Console.WriteLine($"  {(issue.Severity == IssueSeverity.Reject ? "reject " : "warning")} {file}, {TextSafety.Printable(issue.ToString(), 1024)}");
            }

            if (r.Issues.Count > IssuesShown)
            {
                Console.WriteLine($"  … {r.Issues.Count - IssuesShown} more issues in the store's ingest_issues table (ingest #{r.IngestId})");
            }
        }
    }

    /// <summary>What a pull did, one line per file: fetched, waiting, refused, failed, archived; or its error.</summary>
    public static void Print(PullResult pull)
    {
        ArgumentNullException.ThrowIfNull(pull);
        var from = "pull " + TextSafety.Printable(pull.Endpoint, 256);
        if (pull.Error is not null)
        {
            Console.WriteLine($"{pull.Source}\t{from}\tFAILED, nothing pulled: {TextSafety.Printable(pull.Error, RunCommand.ErrorShown)}");
            return;
        }

        foreach (var f in pull.Fetched)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{pull.Source}\t{TextSafety.Printable(f.LocalFileName, 256)}\tpulled from {from[5..]} ({f.Size:N0} bytes, SHA-256 {f.Sha256[..12]}…){(f.Replaced ? ", replacing the earlier version" : "")}"));
        }

        foreach (var (notes, what) in new[] { (pull.Waiting, "not pulled yet"), (pull.Refused, "REFUSED"), (pull.Failed, "pull FAILED") })
        {
            foreach (var n in notes)
            {
                Console.WriteLine($"{pull.Source}\t{TextSafety.Printable(n.Name, 256)}\t{what}: {TextSafety.Printable(n.Reason, RunCommand.ErrorShown)}");
            }
        }

        foreach (var a in pull.Archived)
        {
            Console.WriteLine($"{pull.Source}\t{TextSafety.Printable(a.Name, 256)}\tloaded, moved to {TextSafety.Printable(a.Reason, 256)} on the server");
        }

        if (pull.Fetched.Count == 0 && pull.Waiting.Count + pull.Refused.Count + pull.Failed.Count == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pull.Source}\t{from}\tnothing new on the server{(pull.AlreadyPulled > 0 ? $" ({pull.AlreadyPulled} file(s) there pulled before)" : "")}"));
        }
    }

    /// <summary>A progress bar per file on an interactive terminal; nothing extra when output is redirected.</summary>
    public static async Task WithProgressAsync(Func<Action<string, double>, Task> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            await work((_, _) => { });
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                await work((file, fraction) =>
                {
                    if (!tasks.TryGetValue(file, out var task))
                    {
                        task = tasks[file] = context.AddTask(Markup.Escape(file), maxValue: 1.0);
                    }

                    task.Value = Math.Min(1.0, fraction);
                });
            });
    }
}
