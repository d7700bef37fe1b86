using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

// One measurement per process, so that each peak-memory figure is its own.
// Usage: Reporting.Bench generate <work> <policies>
//        Reporting.Bench ingest <work> <policies> <sqlite|postgres> <source>   (postgres: REPORTING_BENCH_POSTGRES)
var command = args.ElementAtOrDefault(0) ?? "help";
var work = Path.GetFullPath(args.ElementAtOrDefault(1) ?? "/tmp/reporting-bench");
var policies = long.Parse(args.ElementAtOrDefault(2) ?? "1000000", CultureInfo.InvariantCulture);
var dataFolder = Path.Combine(work, $"demo-{policies}");
var clock = Stopwatch.StartNew();

switch (command)
{
    case "generate":
        if (File.Exists(Path.Combine(dataFolder, "generated")))
        {
            Console.WriteLine($"generate policies={policies} cached={dataFolder}");
            return 0;
        }

        var summary = DemoDataGenerator.Generate(dataFolder, DemoDataOptions.ForTotalPolicies(policies));
        File.WriteAllText(Path.Combine(dataFolder, "generated"), "");
        Print("generate", $"policies={summary.DistinctPolicies} claims={summary.DistinctClaims} followups={summary.DistinctFollowUps}");
        return 0;

    case "ingest":
        var provider = args[3];
        var sourceName = args[4];
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(FindRoot(), "config", "sources.json")).Build();
        var source = SourcesOptions.Bind(configuration).Get(sourceName);
        var file = Directory.EnumerateFiles(Path.Combine(dataFolder, source.Folder), "*.csv").OrderByDescending(f => new FileInfo(f).Length).First();
        IReportingStore store;
        if (provider == "sqlite")
        {
            var db = Path.Combine(work, $"bench-{sourceName}.db");
            foreach (var f in new[] { db, db + "-wal", db + "-shm" })
            {
                File.Delete(f);
            }

            store = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
        }
        else
        {
            var admin = Environment.GetEnvironmentVariable("REPORTING_BENCH_POSTGRES") ?? throw new InvalidOperationException("set REPORTING_BENCH_POSTGRES");
            var schema = "bench_" + sourceName;
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var reset = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", connection);
                await reset.ExecuteNonQueryAsync();
            }

            store = new PostgresReportingStore(new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, CommandTimeout = 0 }.ToString(), TimeProvider.System);
        }

        await store.MigrateAsync();
        var loader = new ExtractLoader(store, new ReferenceDataOptions(), TimeProvider.System, NullLogger<ExtractLoader>.Instance);
        clock.Restart();
        var result = await loader.LoadFileAsync(source, file, new LoadFileOptions(IgnoreMarker: true));
        var seconds = clock.Elapsed.TotalSeconds;
        if (result.Outcome != LoadOutcome.Loaded)
        {
            Console.Error.WriteLine(result.Error);
            return 1;
        }

        Print($"ingest.{provider}.{source.Encoding}", string.Create(CultureInfo.InvariantCulture,
            $"file={Path.GetFileName(file)} bytes={new FileInfo(file).Length} rows={result.Counts!.RowsRead} seconds={seconds:0.00} rows_per_s={result.Counts.RowsRead / seconds:0}"));
        return 0;

    case "load-book":
        {
            // The whole generated book into one SQLite store (cached), for the metrics figure.
            var db = Path.Combine(work, $"book-{policies}.db");
            if (File.Exists(db))
            {
                Console.WriteLine($"load-book cached={db}");
                return 0;
            }

            var bookConfiguration = new ConfigurationBuilder().AddJsonFile(Path.Combine(FindRoot(), "config", "sources.json")).Build();
            var bookStore = new SqliteReportingStore("Data Source=" + db + ".tmp", TimeProvider.System);
            await bookStore.MigrateAsync();
            var bookLoader = new ExtractLoader(bookStore, new ReferenceDataOptions(), TimeProvider.System, NullLogger<ExtractLoader>.Instance);
            long rows = 0;
            foreach (var bookSource in SourcesOptions.Bind(bookConfiguration).Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
            {
                foreach (var r in await bookLoader.ScanAsync(bookSource, Path.Combine(dataFolder, bookSource.Folder)))
                {
                    rows += r.Counts?.RowsLoaded ?? 0;
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Move(db + ".tmp", db);
            Print("load-book", string.Create(CultureInfo.InvariantCulture, $"rows={rows} seconds={clock.Elapsed.TotalSeconds:0.0}"));
            return 0;
        }

    case "metrics":
        {
            // A month's metrics on the whole book: the bounded store queries plus the rules.
            var db = Path.Combine(work, $"book-{policies}.db");
            var month = Reporting.Jobs.Metrics.BusinessMonth.Parse(args[3]);
            var asOf = DateOnly.Parse(args[4], CultureInfo.InvariantCulture);
            var metricsStore = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
            var options = Reporting.Jobs.Metrics.MetricsOptions.CreateDefault();
            clock.Restart();
            var input = await MetricsInputQuery.LoadAsync(metricsStore, asOf, month, options);
            var querySeconds = clock.Elapsed.TotalSeconds;
            var computed = Reporting.Jobs.Metrics.MetricsCalculator.Calculate(input);
            Print("metrics.sqlite", string.Create(CultureInfo.InvariantCulture,
                $"month={month} policies_read={input.Policies.Count} claims_read={input.Claims.Count} followups_read={input.FollowUps.Count} query_s={querySeconds:0.00} rules_s={clock.Elapsed.TotalSeconds - querySeconds:0.00} total_s={clock.Elapsed.TotalSeconds:0.00} due={computed.Report.Renewal[0].Due}"));
            return 0;
        }

    case "morning":
    case "commission":
        {
            // The report builders on the whole book: every branch's and the group's morning email,
            // or the month's commission workbook, as the runner builds them (no delivery).
            var db = Path.Combine(work, $"book-{policies}.db");
            var asOf = DateOnly.Parse(args[3], CultureInfo.InvariantCulture);
            var reportStore = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
            var root = FindRoot();
            var reportConfiguration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(root, "config", "sources.json"))
                .AddJsonFile(Path.Combine(root, "config", "reference.json"))
                .AddJsonFile(Path.Combine(root, "config", "delivery.json"))
                .Build();
            var context = new Reporting.Jobs.Reports.ReportContext(
                reportStore,
                SourcesOptions.Bind(reportConfiguration),
                reportConfiguration.GetSection("Reference").Get<ReferenceDataOptions>()!,
                Reporting.Jobs.Metrics.MetricsOptions.CreateDefault(),
                reportConfiguration.GetSection("Delivery").Get<Reporting.Jobs.Delivery.DeliveryOptions>()!);
            clock.Restart();
            if (command == "morning")
            {
                var messages = await Reporting.Jobs.Reports.MorningEmail.MorningReport.BuildAsync(context, asOf);
                Print("morning.sqlite", string.Create(CultureInfo.InvariantCulture, $"as_of={asOf:yyyy-MM-dd} messages={messages.Count} seconds={clock.Elapsed.TotalSeconds:0.00}"));
            }
            else
            {
                var month = Reporting.Jobs.Metrics.BusinessMonth.Of(asOf);
                var output = await Reporting.Jobs.Reports.CommissionWorkbook.CommissionReport.BuildAsync(context, asOf, month);
                Print("commission.sqlite", string.Create(CultureInfo.InvariantCulture,
                    $"month={month} bytes={output.Workbook.Length} ties={output.Reconciliation.Ties} seconds={clock.Elapsed.TotalSeconds:0.00}"));
            }

            return 0;
        }

    case "commission-writer":
        // The commission workbook alone on a synthetic month of <policies> lines: Reporting.Bench commission-writer <work> 200000
        return Reporting.Bench.WorkbookBench.Run(work, policies);

    case "parse":
        {
            // The extract stage alone (decode, map, validate), without a store: where ingest time goes.
            var parseConfiguration = new ConfigurationBuilder().AddJsonFile(Path.Combine(FindRoot(), "config", "sources.json")).Build();
            var parseSource = SourcesOptions.Bind(parseConfiguration).Get(args[3]);
            var parseFile = Directory.EnumerateFiles(Path.Combine(dataFolder, parseSource.Folder), "*.csv").OrderByDescending(f => new FileInfo(f).Length).First();
            clock.Restart();
            long count = 0;
            using (var reader = CsvExtractReader.Open(parseFile, parseSource))
            {
                foreach (var row in reader.Rows())
                {
                    count++;
                }
            }

            var readSeconds = clock.Elapsed.TotalSeconds;
            var parser = new RowParser(parseSource.Dataset, parseSource.EffectiveDateFormats);
            clock.Restart();
            using (var reader = CsvExtractReader.Open(parseFile, parseSource))
            {
                foreach (var row in reader.Rows())
                {
                    _ = parser.ParsePolicy(row.Fields);
                }
            }

            Print($"parse.{parseSource.Encoding}", string.Create(CultureInfo.InvariantCulture,
                $"rows={count} read_s={readSeconds:0.00} read_validate_s={clock.Elapsed.TotalSeconds:0.00}"));
            return 0;
        }

    default:
        Console.Error.WriteLine("usage: Reporting.Bench generate|ingest <work> <policies> [sqlite|postgres source]");
        return 2;
}

void Print(string figure, string values) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{figure} {values} elapsed_s={clock.Elapsed.TotalSeconds:0.00} peak_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0}"));

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reporting.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new DirectoryNotFoundException("Reporting.sln");
}
