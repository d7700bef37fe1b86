using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>demo --out DIR</c>: the whole product on the embedded default, for a new user. Generates a
/// dealer group's extracts into <c>DIR/inbox</c>, loads them into the SQLite store
/// <c>DIR/reporting.db</c> through the same drop-folder scan the scheduler uses, and produces the
/// reports into <c>DIR</c>. It runs on <see cref="DemoClock"/>: the morning after the business date,
/// so that the same seed and date give the same files.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the demo data, its store and its reports", Required = true };
        var date = CommandLineParsing.DateOption("--date", "Business date the demo data runs through; default yesterday in business time");
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and date give byte-identical data", DefaultValueFactory = _ => new DemoDataOptions().Seed };
        var perYear = new Option<int>("--policies-per-year") { Description = "Scale of the demo group", DefaultValueFactory = _ => new DemoDataOptions().PoliciesPerYear };
        var command = new Command("demo", "Generate demo data into a folder, load it into a SQLite store there, and produce every report")
        {
            output, date, seed, perYear,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = Path.GetFullPath(parse.GetRequiredValue(output));
            Directory.CreateDirectory(folder);
            // The demo always uses the embedded default, whatever the environment says.
            var overrides = new Dictionary<string, string?>
            {
                ["Data:Folder"] = folder,
                ["Store:Provider"] = StoreProviders.Sqlite,
                ["Store:ConnectionString"] = "",
            };
            var demoClock = new DemoClock();
            using var host = ReportingHost.Build(overrides, configure: builder => builder.Services.AddSingleton<TimeProvider>(demoClock));
            var calendar = host.Services.GetRequiredService<BusinessCalendar>();
            var businessDate = parse.GetValue(date) ?? calendar.Yesterday;
            demoClock.StartAt(businessDate, calendar.Zone);

            var clock = Stopwatch.StartNew();
            var options = new DemoDataOptions { BusinessDate = businessDate, Seed = parse.GetValue(seed), PoliciesPerYear = parse.GetValue(perYear) };
            var summary = DemoDataGenerator.Generate(folder, options, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generated {summary.DistinctPolicies:N0} policies, {summary.DistinctClaims:N0} claims, {summary.DistinctFollowUps:N0} follow-ups " +
                $"in {summary.FilesWritten.Count():N0} files under {summary.InboxDirectory} ({clock.Elapsed.TotalSeconds:0.0} s)"));

            clock.Restart();
            var store = host.Services.GetRequiredService<IReportingStore>();
            await store.MigrateAsync(cancellationToken);
            var loader = host.Services.GetRequiredService<ExtractLoader>();
            var paths = host.Services.GetRequiredService<ReportingPaths>();
            var results = new List<LoadResult>();
            await IngestCommand.WithProgressAsync(async report =>
            {
                foreach (var source in host.Services.GetRequiredService<SourcesOptions>().Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
                {
                    results.AddRange(await loader.ScanAsync(source, paths.Resolve(source.Folder), new Progress<(string File, double Fraction)>(p => report(p.File, p.Fraction)), cancellationToken));
                }
            });
            foreach (var bySource in results.GroupBy(r => r.Source))
            {
                var loaded = bySource.Where(r => r.Outcome == LoadOutcome.Loaded).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{bySource.Key}: {loaded.Count} files loaded ({loaded.Sum(r => r.Counts!.RowsLoaded):N0} rows, {loaded.Sum(r => r.Counts!.RowsRejected):N0} rejected), " +
                    $"{bySource.Count(r => r.Outcome == LoadOutcome.AlreadyLoaded)} already loaded"));
            }

            IngestCommand.Print(results.Where(r => r.Outcome is LoadOutcome.Failed or LoadOutcome.Waiting));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store {paths.Resolve("reporting.db")} loaded in {clock.Elapsed.TotalSeconds:0.0} s; business date {businessDate:yyyy-MM-dd}"));
            if (results.Any(r => r.Outcome == LoadOutcome.Failed))
            {
                return 1;
            }

            // Every report, as the schedule would have produced it: the morning emails for the
            // business date, and the monthly reports of the 1st (run for the month before's last day).
            clock.Restart();
            var monthEnd = new DateOnly(businessDate.Year, businessDate.Month, 1).AddDays(-1);
            var runs = new List<Jobs.Store.JobRun>
            {
                await RunCommand.ExecuteAsync(host.Services, Jobs.Scheduling.MorningJob.JobName, businessDate, Jobs.Store.RunTrigger.Manual, null, false, false, cancellationToken),
                await RunCommand.ExecuteAsync(host.Services, Jobs.Scheduling.CommissionJob.JobName, monthEnd, Jobs.Store.RunTrigger.Manual, null, false, false, cancellationToken),
                await RunCommand.ExecuteAsync(host.Services, Jobs.Scheduling.RenewalReviewJob.JobName, monthEnd, Jobs.Store.RunTrigger.Manual, null, false, false, cancellationToken),
            };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reports produced in {clock.Elapsed.TotalSeconds:0.0} s: workbooks in {paths.Resolve("output")}, emails in {paths.Resolve("outbox")}"));
            return runs.All(r => r.Status is Jobs.Store.RunStatus.Succeeded) ? 0 : 1;
        });
        return command;
    }
}
