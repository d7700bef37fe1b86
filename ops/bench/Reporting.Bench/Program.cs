using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Reporting.Bench;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

// One measurement per process, so that each peak-memory figure is its own. Every figure prints one
// line: its name, its values, seconds, peak_mb. Untimed preparation (generating, loading, copying a
// store, migrating it) happens before the clock starts. See ops/bench/run and docs/performance.md.
//
// Usage: Reporting.Bench generate    <work> <policies>
//        Reporting.Bench ingest      <work> <policies> <sqlite|postgres> <source> [<first source>|daily]   (postgres: REPORTING_BENCH_POSTGRES)
//        Reporting.Bench parse       <work> <policies> <source>
//        Reporting.Bench load-book   <work> <policies> [postgres]
//        Reporting.Bench morning-run <work> <policies> [postgres]
//        Reporting.Bench metrics     <work> <policies> <YYYY-MM> <as-of> [postgres]
//        Reporting.Bench commission  <work> <policies> <YYYY-MM> <as-of> [postgres]
//        (postgres: the book in schema book_<policies> of REPORTING_BENCH_POSTGRES; load-book, then
//        morning-run, which loads D's extracts, then metrics and commission as of D)
//        Reporting.Bench excel-generate <work> <rows>    then   Reporting.Bench excel-ingest <work> <rows>
var command = args.ElementAtOrDefault(0) ?? "help";
var work = Path.GetFullPath(args.ElementAtOrDefault(1) ?? "/tmp/reporting-bench");
var policies = long.Parse(args.ElementAtOrDefault(2) ?? "1000000", CultureInfo.InvariantCulture);
var root = FindRoot();
var book = new BenchBook(work, policies, root);
var sources = SourcesOptions.Bind(new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "config", "sources.json")).Build());
var csvSources = sources.Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
var clock = Stopwatch.StartNew();

// The book's PostgreSQL schema: before D after load-book, through D after morning-run.
var bookSchema = $"book_{policies}";

switch (command)
{
    case "generate":
        {
            if (File.Exists(book.GeneratedMarker))
            {
                Console.WriteLine($"generate policies={policies} cached folder={book.Folder}");
                return 0;
            }

            if (Directory.Exists(book.Folder))
            {
                Directory.Delete(book.Folder, recursive: true);
            }

            var summary = DemoDataGenerator.Generate(book.Folder, book.Options);
            var line = Figure("generate", $"policies={summary.DistinctPolicies} claims={summary.DistinctClaims} followups={summary.DistinctFollowUps} follow_up_call_share={book.Options.FollowUpCallShare} seconds={clock.Elapsed.TotalSeconds:0.0} folder={book.Folder}");
            File.WriteAllText(book.GeneratedMarker, line + Environment.NewLine);
            Console.WriteLine(line);
            return 0;
        }

    case "ingest":
        {
            // The source's largest file (its history file) into an empty store; with a fifth
            // argument, the largest file of that source is loaded first, untimed (a claims file
            // after the policies are in); with "daily" as the fifth, D's file of the source into a
            // store of every extract before D (two years of history): on SQLite a copy of the
            // cached store, flushed to disk; on PostgreSQL the book's schema, which load-book has
            // just loaded (it then holds D's file: load-book again before morning-run).
            var provider = args[3];
            var source = sources.Get(args[4]);
            var mode = args.ElementAtOrDefault(5);
            var daily = mode == "daily";
            var first = daily || mode is null ? null : sources.Get(mode);
            var file = daily ? book.FilesOf(source).Single(book.IsBusinessDateFile) : LargestFile(source);
            var figure = daily ? $"ingest_daily.{provider}.{source.Name}" : first is null ? $"ingest.{provider}.{source.Encoding}" : $"ingest_after_{first.Name}.{provider}.{source.Name}";
            IReportingStore store;
            if (provider == "sqlite" && daily)
            {
                var before = new CachedStore(book.BeforeStore);
                before.RequireCurrent();
                var db = Path.Combine(work, $"ingest-daily-{source.Name}.db");
                before.CopyTo(db);
                store = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
                await store.MigrateAsync();
            }
            else if (daily)
            {
                store = OpenPostgres(bookSchema);
                await store.MigrateAsync();
            }
            else
            {
                store = await OpenScratchStoreAsync(provider, source.Name);
            }

            var loader = NewLoader(store);
            var warmUp = "";
            if (daily)
            {
                // A daily file is loaded by the worker's long-running process, whose loader code
                // the days before have compiled: the process's first load, of the day before's
                // file into an empty store of its own (untimed; printed as warm_up_s), takes the
                // JIT's 0.2 s out of the figure, which measures the load itself.
                var dayBefore = book.FilesOf(source).Last(f => !book.IsBusinessDateFile(f));
                var scratch = await OpenScratchStoreAsync(provider, "warm_up");
                var warm = Stopwatch.StartNew();
                var warmed = await NewLoader(scratch).LoadFileAsync(source, dayBefore, new LoadFileOptions(IgnoreMarker: true));
                if (warmed.Outcome != LoadOutcome.Loaded)
                {
                    Console.Error.WriteLine(warmed.Error);
                    return 1;
                }

                warmUp = string.Create(CultureInfo.InvariantCulture, $" warm_up_s={warm.Elapsed.TotalSeconds:0.00}");
            }

            if (first is not null)
            {
                var earlier = await loader.LoadFileAsync(first, LargestFile(first), new LoadFileOptions(IgnoreMarker: true));
                if (earlier.Outcome != LoadOutcome.Loaded)
                {
                    Console.Error.WriteLine(earlier.Error);
                    return 1;
                }
            }

            StartMeasuring(clock);
            var result = await loader.LoadFileAsync(source, file, new LoadFileOptions(IgnoreMarker: true));
            var seconds = clock.Elapsed.TotalSeconds;
            if (result.Outcome != LoadOutcome.Loaded)
            {
                Console.Error.WriteLine(result.Error);
                return 1;
            }

            Console.WriteLine(Figure(figure,
                $"file={Path.GetFileName(file)} bytes={new FileInfo(file).Length} rows={result.Counts!.RowsRead} seconds={seconds:0.000} rows_per_s={result.Counts.RowsRead / seconds:0}{warmUp}"));
            return 0;
        }

    case "excel-generate":
        {
            // A CPIC-style claims workbook of <policies> rows (the argument counts rows here), written
            // with EPPlus in a process of its own, so the load's peak memory below is the load's alone.
            var path = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"excel-{policies}"), "cpic_claims_20261015.xlsx");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                Reporting.Bench.ExcelBench.Write(path, policies);
            }

            Console.WriteLine(Figure("excel-generate", $"rows={policies} bytes={new FileInfo(path).Length} seconds={clock.Elapsed.TotalSeconds:0.0} file={path}"));
            return 0;
        }

    case "excel-ingest":
        {
            // Streaming: the load of the workbook above into a new SQLite store; peak_mb is the whole process's.
            var path = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"excel-{policies}"), "cpic_claims_20261015.xlsx");
            var db = Path.Combine(work, "excel-ingest.db");
            CachedStore.Delete(db);
            var store = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
            await store.MigrateAsync();
            var before = PeakMegabytes();
            clock.Restart();
            var result = await NewLoader(store).LoadFileAsync(sources.Get("cpic_claims"), path, new LoadFileOptions(IgnoreMarker: true));
            var seconds = clock.Elapsed.TotalSeconds;
            if (result.Outcome != LoadOutcome.Loaded)
            {
                Console.Error.WriteLine(result.Error);
                return 1;
            }

            Console.WriteLine(Figure("ingest.sqlite.xlsx",
                $"file={Path.GetFileName(path)} bytes={new FileInfo(path).Length} rows={result.Counts!.RowsRead} loaded={result.Counts.RowsLoaded} seconds={seconds:0.00} rows_per_s={result.Counts.RowsRead / seconds:0} peak_mb_before_load={before:0}"));
            return 0;
        }

    case "commission-writer":
        // The commission workbook alone on a synthetic month of <policies> lines: Reporting.Bench commission-writer <work> 200000
        return Reporting.Bench.WorkbookBench.Run(work, policies);

    case "parse":
        {
            // The extract stage alone (decode, map, validate), without a store: where ingest time goes.
            var source = sources.Get(args[3]);
            var file = LargestFile(source);
            clock.Restart();
            long count = 0;
            using (var reader = CsvExtractReader.Open(file, source))
            {
                foreach (var row in reader.Rows())
                {
                    count++;
                }
            }

            var readSeconds = clock.Elapsed.TotalSeconds;
            var parser = new RowParser(source.Dataset, source.EffectiveDateFormats);
            clock.Restart();
            using (var reader = CsvExtractReader.Open(file, source))
            {
                foreach (var row in reader.Rows())
                {
                    _ = parser.ParsePolicy(row.Fields);
                }
            }

            Console.WriteLine(Figure($"parse.{source.Encoding}", $"rows={count} read_s={readSeconds:0.00} read_validate_s={clock.Elapsed.TotalSeconds:0.00}"));
            return 0;
        }

    case "load-book" when args.ElementAtOrDefault(3) == "postgres":
        {
            // The book on PostgreSQL: every extract except business date D's, into a schema of its
            // own (the bench's server is thrown away after the run). The morning run then loads D's
            // extracts into it, and the metrics and workbooks read it as of D.
            await ResetSchemaAsync(bookSchema);
            var store = OpenPostgres(bookSchema);
            await store.MigrateAsync();
            var rows = await LoadIntoAsync(store, file => !book.IsBusinessDateFile(file));
            var loadSeconds = clock.Elapsed.TotalSeconds;

            // Untimed for the load: what autovacuum does in the hours after a history load, done
            // now, so that it does not run beside the figures below (with two cores it took one of
            // them) and their first reads do not set the hint bits of every page they touch; and
            // the checkpoint the server takes within minutes, so that the figures' first
            // checkpoint does not write the load's pages out.
            clock.Restart();
            await using (var connection = new NpgsqlConnection(PostgresConnection(bookSchema)))
            {
                await connection.OpenAsync();
                await using var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) policy_versions, claim_versions, followup_versions", connection) { CommandTimeout = 0 };
                await vacuum.ExecuteNonQueryAsync();
                vacuum.CommandText = "CHECKPOINT";
                await vacuum.ExecuteNonQueryAsync();
            }

            Console.WriteLine(Figure("load-book.postgres.before", $"policies={policies} business_date={book.BusinessDate:yyyy-MM-dd} rows={rows} seconds={loadSeconds:0.0} vacuum_analyze_s={clock.Elapsed.TotalSeconds:0.0}"));
            return 0;
        }

    case "load-book":
        {
            // Two cached SQLite stores of the book: every extract except business date D's (the
            // morning run's starting point), and a copy of it with D's extracts loaded too (metrics
            // and workbooks as of D). Each is migrated to the current schema; a store built by a
            // migration script that has changed since is rebuilt.
            var before = new CachedStore(book.BeforeStore);
            if (!before.IsCurrent())
            {
                before.Delete();
                var rows = await LoadFilesAsync(before.TemporaryPath, file => !book.IsBusinessDateFile(file));
                before.Commit();
                Console.WriteLine(Figure("load-book.before", $"policies={policies} business_date={book.BusinessDate:yyyy-MM-dd} rows={rows} seconds={clock.Elapsed.TotalSeconds:0.0}"));
            }

            await before.MigrateAsync();
            var full = new CachedStore(book.FullStore);
            if (!full.IsCurrent())
            {
                full.Delete();
                clock.Restart();
                before.CopyTo(full.TemporaryPath);
                var rows = await LoadFilesAsync(full.TemporaryPath, book.IsBusinessDateFile);
                full.Commit();
                Console.WriteLine(Figure("load-book.full", $"policies={policies} business_date={book.BusinessDate:yyyy-MM-dd} rows={rows} seconds={clock.Elapsed.TotalSeconds:0.0}"));
            }

            await full.MigrateAsync();
            Console.WriteLine($"load-book policies={policies} stores={book.BeforeStore},{book.FullStore}");
            return 0;
        }

    case "morning-run":
        {
            // The worker's morning for business date D, as the schedule runs it: the ingest job
            // (every enabled source's drop folder, holding D's extracts) and then the morning job
            // (every branch's email and the group's, delivered to the .eml outbox), both through the
            // JobExecutor of a host built like the worker's. The store starts as the cached
            // "everything before D" store; copying it and migrating the copy are not timed.
            var onPostgres = args.ElementAtOrDefault(3) == "postgres";
            var before = new CachedStore(book.BeforeStore);
            if (!onPostgres)
            {
                before.RequireCurrent();
            }

            var data = Path.Combine(book.Folder, "morning-run");
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            Directory.CreateDirectory(data);
            var db = Path.Combine(data, "reporting.db");
            if (!onPostgres)
            {
                before.CopyTo(db);
            }

            foreach (var source in csvSources)
            {
                var drop = Path.Combine(data, source.Folder);
                Directory.CreateDirectory(drop);
                foreach (var file in book.FilesOf(source).Where(book.IsBusinessDateFile))
                {
                    File.Copy(file, Path.Combine(drop, Path.GetFileName(file)));
                    File.Copy(file + ".done", Path.Combine(drop, Path.GetFileName(file) + ".done"));
                }
            }

            var overrides = new Dictionary<string, string?>
            {
                ["Data:Folder"] = data,
                ["Store:Provider"] = onPostgres ? "postgres" : "sqlite",
                ["Store:ConnectionString"] = onPostgres ? PostgresConnection(bookSchema) : "Data Source=" + db,
                ["Delivery:Mode"] = "Outbox",
                // D's extracts are all in the drop folders: the gate finds them at once. A zero
                // wait keeps a missing one from holding the bench for 90 minutes; the run then
                // ends Incomplete and the bench fails.
                ["Scheduling:Freshness:Wait"] = "00:00:00",

                // No job reads the working calendar: in a December without next year's file a
                // scheduled morning would also send ops the missing-calendar alert, one message more.
                ["Scheduling:Jobs:2:Days"] = "All",
                ["Scheduling:Jobs:3:Days"] = "All",
            };
            using var host = ReportingHost.Build(overrides, home: root);
            var store = host.Services.GetRequiredService<IReportingStore>();
            await store.MigrateAsync();

            // Untimed: the closed cohorts' final figures the mornings before D kept (a morning
            // computes one only on the day its cohort closes; a new store's first morning, six).
            await CohortFinals.LoadAsync(
                new ReportContext(
                    store, host.Services.GetRequiredService<SourcesOptions>(), host.Services.GetRequiredService<ReferenceDataOptions>(),
                    host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value,
                    host.Services.GetRequiredService<Reporting.Jobs.Delivery.DeliveryOptions>()),
                book.BusinessDate.AddDays(-1));
            var executor = host.Services.GetRequiredService<IJobExecutor>();
            StartMeasuring(clock);
            var ingest = await executor.ExecuteAsync(new JobRequest(IngestJob.JobName, book.BusinessDate, RunTrigger.Scheduled, new RunOptions()));
            var ingestSeconds = clock.Elapsed.TotalSeconds;
            var morning = await executor.ExecuteAsync(new JobRequest(ReportJobs.Morning, book.BusinessDate, RunTrigger.Scheduled, new RunOptions()));
            var seconds = clock.Elapsed.TotalSeconds;
            var peak = PeakMegabytes();
            if (new[] { ingest, morning }.FirstOrDefault(r => r.Status != RunStatus.Succeeded) is { } failed)
            {
                Console.Error.WriteLine($"{failed.Job} {failed.BusinessDate:yyyy-MM-dd}: {failed.Status} {failed.Error}");
                return 1;
            }

            var emails = Directory.EnumerateFiles(Path.Combine(data, "outbox"), "*.eml").Count();
            Console.WriteLine(Figure(onPostgres ? "morning_run.postgres" : "morning_run.sqlite",
                $"policies={policies} business_date={book.BusinessDate:yyyy-MM-dd} ingested_rows={ingest.Rows} messages={morning.Rows} eml_files={emails} ingest_s={ingestSeconds:0.00} morning_s={seconds - ingestSeconds:0.00} seconds={seconds:0.00}", peak));
            return 0;
        }

    case "metrics":
        {
            // A month's metrics on the whole book: the bounded store queries plus the rules.
            var month = BusinessMonth.Parse(args[3]);
            var asOf = DateOnly.Parse(args[4], CultureInfo.InvariantCulture);
            var onPostgres = args.ElementAtOrDefault(5) == "postgres";
            var store = onPostgres ? OpenPostgres(bookSchema) : await OpenFullStoreAsync();
            StartMeasuring(clock);
            var input = await MetricsInputQuery.LoadAsync(store, asOf, month, MetricsOptions.CreateDefault());
            var querySeconds = clock.Elapsed.TotalSeconds;
            var computed = MetricsCalculator.Calculate(input);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(Figure(onPostgres ? "metrics.postgres" : "metrics.sqlite",
                $"policies={policies} month={month} as_of={asOf:yyyy-MM-dd} policies_read={input.Policies.Count} claims_read={input.Claims.Count} followups_read={input.FollowUps.Count} commission_lines={computed.CommissionLines.Count} query_s={querySeconds:0.00} rules_s={seconds - querySeconds:0.00} seconds={seconds:0.00}"));
            return 0;
        }

    case "commission":
        {
            // The month's commission workbook as the runner builds it (no delivery). The month is
            // given apart from the as-of date so that a closed month can be rebuilt as known at the
            // book's last date, the way finance asks for a workbook again.
            var month = BusinessMonth.Parse(args[3]);
            var asOf = DateOnly.Parse(args[4], CultureInfo.InvariantCulture);
            var onPostgres = args.ElementAtOrDefault(5) == "postgres";
            var store = onPostgres ? OpenPostgres(bookSchema) : await OpenFullStoreAsync();
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(root, "config", "reference.json"))
                .AddJsonFile(Path.Combine(root, "config", "delivery.json"))
                .Build();
            var context = new ReportContext(
                store,
                sources,
                configuration.GetSection("Reference").Get<ReferenceDataOptions>()!,
                MetricsOptions.CreateDefault(),
                configuration.GetSection("Delivery").Get<Reporting.Jobs.Delivery.DeliveryOptions>()!);
            StartMeasuring(clock);
            var output = await CommissionReport.BuildAsync(context, asOf, month);
            var seconds = clock.Elapsed.TotalSeconds;
            var peak = PeakMegabytes();

            // The line count (sales and clawbacks) after the measurement: it recomputes the month.
            var lines = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store, asOf, month, context.Metrics)).CommissionLines.Count;
            Console.WriteLine(Figure(onPostgres ? "commission.postgres" : "commission.sqlite",
                $"policies={policies} month={month} as_of={asOf:yyyy-MM-dd} commission_lines={lines} bytes={output.Workbook.Length} ties={output.Reconciliation.Ties} seconds={seconds:0.00}", peak));
            return 0;
        }

    default:
        Console.Error.WriteLine("usage: Reporting.Bench generate|ingest|parse|load-book|morning-run|metrics|commission <work> <policies> [...]; see Program.cs");
        return 2;
}

// Loads the book's files that pass the filter into a SQLite store, source by source in name order
// and each source's files oldest first (the drop folder's order), as the worker's scan would.
async Task<long> LoadFilesAsync(string db, Func<string, bool> include)
{
    var store = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
    await store.MigrateAsync();
    return await LoadIntoAsync(store, include);
}

async Task<long> LoadIntoAsync(IReportingStore store, Func<string, bool> include)
{
    var loader = NewLoader(store);
    long rows = 0;
    foreach (var source in csvSources)
    {
        foreach (var file in book.FilesOf(source).Where(include))
        {
            var result = await loader.LoadFileAsync(source, file);
            if (result.Outcome != LoadOutcome.Loaded)
            {
                throw new InvalidOperationException($"{file}: {result.Outcome} {result.Error}");
            }

            rows += result.Counts!.RowsLoaded;
        }
    }

    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    return rows;
}

// The PostgreSQL server of the run (REPORTING_BENCH_POSTGRES), a schema per use.
static string PostgresServer() =>
    Environment.GetEnvironmentVariable("REPORTING_BENCH_POSTGRES") ?? throw new InvalidOperationException("set REPORTING_BENCH_POSTGRES");

string PostgresConnection(string schema) => new NpgsqlConnectionStringBuilder(PostgresServer()) { SearchPath = schema, CommandTimeout = 0 }.ToString();

IReportingStore OpenPostgres(string schema) => new PostgresReportingStore(PostgresConnection(schema), TimeProvider.System);

async Task ResetSchemaAsync(string schema)
{
    await using var connection = new NpgsqlConnection(PostgresServer());
    await connection.OpenAsync();
    await using var reset = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", connection);
    await reset.ExecuteNonQueryAsync();
}

// An empty store of the provider's: a SQLite file under work, or a schema of the run's server.
async Task<IReportingStore> OpenScratchStoreAsync(string provider, string name)
{
    IReportingStore store;
    if (provider == "sqlite")
    {
        var db = Path.Combine(work, $"ingest-{name}.db");
        CachedStore.Delete(db);
        store = new SqliteReportingStore("Data Source=" + db, TimeProvider.System);
    }
    else
    {
        await ResetSchemaAsync("bench_" + name);
        store = OpenPostgres("bench_" + name);
    }

    await store.MigrateAsync();
    return store;
}

async Task<IReportingStore> OpenFullStoreAsync()
{
    var full = new CachedStore(book.FullStore);
    full.RequireCurrent();
    await full.MigrateAsync();
    return new SqliteReportingStore("Data Source=" + book.FullStore, TimeProvider.System);
}

string LargestFile(SourceOptions source) => book.FilesOf(source).OrderByDescending(f => new FileInfo(f).Length).First();

static ExtractLoader NewLoader(IReportingStore store) =>
    new(store, new ReferenceDataOptions(), TimeProvider.System, NullLogger<ExtractLoader>.Instance);

static double PeakMegabytes() => Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

// The timed work's own peak: what untimed preparation left (a first file loaded, the kept cohort
// finals computed, the store's pages it mapped) is collected and let go, then the kernel's
// high-water mark of the resident set is reset (Linux's clear_refs "5"), so peak_mb is the
// highest resident set from here on, mapped store pages included.
static void StartMeasuring(Stopwatch clock)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    NpgsqlConnection.ClearAllPools();
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    try
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine("peak_mb counts the untimed preparation too: " + e.Message);
    }

    PrivateMemory.StartSampling();
    clock.Restart();
}

// One figure's line; the peak is taken now unless the caller took it before untimed work. After
// StartMeasuring, peak_private_mb is the highest private (anonymous) resident memory sampled since:
// the process's own memory, without the store file's pages a read maps (page cache, shared).
string Figure(string figure, FormattableString values, double? peakMb = null) =>
    string.Create(CultureInfo.InvariantCulture, $"{figure} {values.ToString(CultureInfo.InvariantCulture)} peak_mb={peakMb ?? PeakMegabytes():0}") +
    (PrivateMemory.PeakMegabytes is { } privateMb ? string.Create(CultureInfo.InvariantCulture, $" peak_private_mb={privateMb:0}") : "");

// The checkout: above the current directory (ops/bench/run works from the root), else above the
// executable, so a copy of the build output can run while the project is rebuilt.
static string FindRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reporting.sln")))
            {
                return dir.FullName;
            }
        }
    }

    throw new DirectoryNotFoundException("Reporting.sln above the current directory or the executable");
}

namespace Reporting.Bench
{
    /// <summary>
    /// A benchmark book: the demo generator's output for a number of policies, with the volumes of
    /// the performance issue (a 1M-policy book with about 0.3M claims and 0.3M follow-ups), under
    /// <c>&lt;work&gt;/book-&lt;policies&gt;-&lt;key&gt;/</c>. The key hashes the generator's
    /// sources and the options, so a changed generator never reuses an old book or its stores.
    /// </summary>
    internal sealed class BenchBook
    {
        /// <summary>
        /// <see cref="DemoDataOptions.FollowUpCallShare"/> for the bench: the closing call of every
        /// expiring policy (about 0.23 per policy) and 5 % of the calls before it (about 1.34 per
        /// policy) give about 0.3 follow-ups per policy, the 300k per 1M policies. Claims
        /// come at about 0.32 per policy from the generator as it is.
        /// </summary>
        public const double FollowUpCallShare = 0.05;

        public BenchBook(string work, long policies, string root)
        {
            Options = DemoDataOptions.ForTotalPolicies(policies, followUpCallShare: FollowUpCallShare);
            var generator = new StringBuilder(
                $"policies={policies} seed={Options.Seed} per_year={Options.PoliciesPerYear} branches={Options.Branches} share={Options.FollowUpCallShare}\n");
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src", "Jobs", "Demo"), "*.cs").Order(StringComparer.Ordinal))
            {
                generator.Append(File.ReadAllText(file));
            }

            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(generator.ToString())))[..10];
            Folder = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"book-{policies}-{key}"));
        }

        public DemoDataOptions Options { get; }

        public string Folder { get; }

        /// <summary>D: the book's last business date, whose extracts the morning run ingests.</summary>
        public DateOnly BusinessDate => Options.BusinessDate;

        public string GeneratedMarker => Path.Combine(Folder, "generated");

        /// <summary>Every extract but D's.</summary>
        public string BeforeStore => Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"before-{BusinessDate:yyyyMMdd}.db"));

        /// <summary>Every extract through D.</summary>
        public string FullStore => Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"through-{BusinessDate:yyyyMMdd}.db"));

        /// <summary>A source's files in the book, oldest first (the generator names them <c>&lt;source&gt;_YYYYMMDD.csv</c>, or <c>.xlsx</c>).</summary>
        public IReadOnlyList<string> FilesOf(SourceOptions source)
        {
            var folder = Path.Combine(Folder, source.Folder);
            if (!File.Exists(GeneratedMarker) || !Directory.Exists(folder))
            {
                throw new InvalidOperationException($"no generated book at {Folder}: run 'generate' first");
            }

            // The source's own pattern: CSV files, and CPIC's claims as .xlsx workbooks.
            var pattern = new ExtractFileName(source.EffectiveFilePattern);
            return [.. Directory.EnumerateFiles(folder).Where(f => pattern.Read(f).Matches).Order(StringComparer.Ordinal)];
        }

        public bool IsBusinessDateFile(string file) =>
            Path.GetFileNameWithoutExtension(file).EndsWith(BusinessDate.ToString("_yyyyMMdd", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>
    /// A SQLite store kept between bench runs. Beside it, <c>&lt;db&gt;.migrations</c> lists the
    /// SHA-256 of every migration script the store has run. The store is current when each of those
    /// scripts is still embedded unchanged: a script edited or removed since means the schema the
    /// rows were loaded into is not the one the code now expects, so the store is rebuilt. Scripts
    /// added since (new indexes) are applied by <see cref="MigrateAsync"/>, untimed, before a
    /// figure is measured.
    /// </summary>
    internal sealed class CachedStore(string path)
    {
        private string Manifest => path + ".migrations";

        public string TemporaryPath => path + ".tmp";

        public bool IsCurrent()
        {
            if (!File.Exists(path) || !File.Exists(Manifest))
            {
                return false;
            }

            var current = EmbeddedMigrations();
            return File.ReadAllLines(Manifest)
                .Where(l => l.Length > 0)
                .Select(l => l.Split(' '))
                .All(p => current.TryGetValue(p[0], out var hash) && hash == p[1]);
        }

        public void RequireCurrent()
        {
            if (!IsCurrent())
            {
                throw new InvalidOperationException($"{path} is missing or was built by changed migrations: run 'load-book' first");
            }
        }

        public async Task MigrateAsync()
        {
            await new SqliteReportingStore("Data Source=" + path, TimeProvider.System).MigrateAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            WriteManifest();
        }

        private void WriteManifest() => File.WriteAllLines(Manifest, EmbeddedMigrations().Select(m => $"{m.Key} {m.Value}"));

        /// <summary>Makes the store at <see cref="TemporaryPath"/>, now complete, the cached one.</summary>
        public void Commit()
        {
            File.Move(TemporaryPath, path);
            WriteManifest();
        }

        /// <summary>
        /// Copies the closed store (and its write-ahead log, if one was left behind) and flushes the
        /// copy to disk. The store a morning finds has sat on disk since the day before; a copy
        /// left unwritten in the page cache was written out by the first fsync of the timed work
        /// (a load's WAL checkpoint), which then paid for the whole copy: 0.15 s of a daily file's
        /// 0.3 s on the 1M book (docs/performance-log.md).
        /// </summary>
        public void CopyTo(string destination)
        {
            Delete(destination);
            File.Copy(path, destination);
            FlushToDisk(destination);
            if (File.Exists(path + "-wal"))
            {
                File.Copy(path + "-wal", destination + "-wal");
                FlushToDisk(destination + "-wal");
            }
        }

        private static void FlushToDisk(string file)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }

        public void Delete()
        {
            Delete(path);
            Delete(TemporaryPath);
            File.Delete(Manifest);
        }

        public static void Delete(string db)
        {
            foreach (var file in new[] { db, db + "-wal", db + "-shm", db + "-journal" })
            {
                File.Delete(file);
            }
        }

        private static Dictionary<string, string> EmbeddedMigrations()
        {
            var assembly = typeof(SqliteReportingStore).Assembly;
            const string Folder = ".Store.Migrations.sqlite.";
            return assembly.GetManifestResourceNames()
                .Where(n => n.Contains(Folder, StringComparison.Ordinal))
                .ToDictionary(
                    n => n[(n.IndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..],
                    n =>
                    {
                        using var stream = assembly.GetManifestResourceStream(n)!;
                        return Convert.ToHexStringLower(SHA256.HashData(stream));
                    },
                    StringComparer.Ordinal);
        }
    }
}
