using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Metrics;

/// <summary>
/// The metrics of a generated demo book through the real store (SPEC §2.5, §3, §4.1): the store
/// queries feed the rules everything they need, a rerun for an old date reproduces what was
/// knowable then, and SQLite and PostgreSQL give the same figures.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class MetricsStoreTests(string provider)
{
    private static readonly DateOnly BusinessDate = DemoBook.Options.BusinessDate;

    [Test]
    public async Task Metrics_from_the_date_bounded_queries_equal_metrics_from_everything_the_store_holds(
        [Values("2026-10-31", "2026-10-15")] string asOfText)
    {
        var store = (await DemoBook.LoadedAsync(provider)).Store;
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var everything = new Everything(
            await store.GetPoliciesAsync(asOf),
            await store.GetClaimsAsync(asOf),
            await store.GetFollowUpsAsync(asOf));
        var months = Enumerable.Range(0, 16).Select(i => BusinessMonth.Of(asOf).AddMonths(-i)).ToList();
        var oldClawbacks = 0;

        foreach (var month in months)
        {
            var bounded = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store, asOf, month, DemoBook.Metrics));
            var full = MetricsCalculator.Calculate(new MetricsInput(asOf, month, everything.Policies, everything.Claims, everything.FollowUps, DemoBook.Metrics));

            Assert.That(MetricsExport.ToJson(bounded.Report), Is.EqualTo(MetricsExport.ToJson(full.Report)), $"{month} as of {asOfText}");
            oldClawbacks += full.CommissionLines.Count(l => l.Kind == CommissionLineKind.Clawback && l.TierMonth < month.AddMonths(1 - CommissionTiers.LossRatioMonths));
        }

        Assert.That(oldClawbacks, Is.GreaterThan(0), "the months compared include clawbacks of policies issued more than 12 months before");
    }

    [Test]
    public async Task Rerunning_for_an_old_date_after_later_extracts_arrived_gives_the_same_figures()
    {
        var asOf = new DateOnly(2026, 10, 12);
        var month = BusinessMonth.Of(asOf);
        await using var store = await TestStore.CreateAsync(provider);

        await DemoBook.LoadAsync(store, extractDate => extractDate <= asOf);
        var then = await JsonAsync(store.Store, asOf, month);
        await DemoBook.LoadAsync(store);
        var rerun = await JsonAsync(store.Store, asOf, month);
        var later = await JsonAsync(store.Store, BusinessDate, month);

        Assert.That(rerun, Is.EqualTo(then), "the later extracts change nothing as of the old date");
        Assert.That(later, Is.Not.EqualTo(then), "as of the last date, the later renewals and cancellations show");
        Assert.That(then, Is.EqualTo(await JsonAsync((await DemoBook.LoadedAsync(provider)).Store, asOf, month)), "a store loaded in one go agrees");
    }

    [Test]
    public async Task An_old_date_does_not_see_a_renewal_issued_after_it()
    {
        var asOf = new DateOnly(2026, 10, 12);
        var month = new BusinessMonth(2026, 10);
        var store = (await DemoBook.LoadedAsync(provider)).Store;

        var then = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store, asOf, month, DemoBook.Metrics));
        var later = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store, BusinessDate, month, DemoBook.Metrics));

        Assert.That(then.Renewals.Where(v => v.Renewal is not null).Select(v => v.Renewal!.IssueDate), Is.All.LessThanOrEqualTo(asOf));
        Assert.That(later.Report.Renewal[0].Renewed, Is.GreaterThan(then.Report.Renewal[0].Renewed));
    }

    [Test]
    public async Task A_clawback_is_at_the_tier_of_its_issue_month_with_that_month_s_full_loss_ratio()
    {
        // BIG, issued 2026-01 for 400 000, is tier B on scale alone; a 300 000 claim reported
        // 2025-05 on OLD puts the loss ratio of the 12 months ending 2026-01 at 300 000 / 401 000 =
        // 0.748, above B's 0.65: tier C, 0.12. Cancelled in October 2026, BIG claws back
        // 1 000 × 0.12 = 120.00, although the claim and OLD lie before October's 12 months.
        await using var store = await TestStore.CreateAsync(provider);
        var sources = TestStore.ConfiguredSources();
        var loader = store.Loader();
        await loader.LoadFileAsync(sources.Get("policies"), store.WriteFile("policies_20261031.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("OLD", vin: "LSVAB1234567890A1", issue: "2025-03-01", effective: "2025-03-02", expiry: "2026-03-01", premium: "1000.00"),
            CanonicalCsv.Policy("BIG", vin: "LSVAB1234567890A2", issue: "2026-01-10", effective: "2026-01-11", expiry: "2027-01-10", premium: "400000.00",
                status: "CANCELLED", cancel: "2026-10-05", refund: "1000.00"))));
        await loader.LoadFileAsync(sources.Get("claims"), store.WriteFile("claims_20261031.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [
            CanonicalCsv.Claim("C1", policyNo: "OLD", vin: "LSVAB1234567890A1", loss: "2025-05-09", report: "2025-05-10", assessed: "300000.00")])));

        var result = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store.Store, BusinessDate, new BusinessMonth(2026, 10), MetricsOptions.CreateDefault()));

        var clawback = result.CommissionLines.Single(l => l.Kind == CommissionLineKind.Clawback);
        Assert.That((clawback.TierMonth, clawback.Tier, clawback.Amount), Is.EqualTo((new BusinessMonth(2026, 1), "C", 120.00m)));
    }

    [Test]
    public async Task Monthly_totals_in_the_store_follow_the_version_each_date_sees()
    {
        // P1 sells 1 000.00 for B01 in September, then a later file moves it to B02 at 1 200.00;
        // P3 (B02, August) is cancelled in September with a refund of 800.00. Only C1 counts
        // towards a loss ratio: C2 is withdrawn, C3 is on a policy without a branch, C4 on a
        // policy the store does not know.
        await using var store = await TestStore.CreateAsync(provider);
        var sources = TestStore.ConfiguredSources();
        var loader = store.Loader();
        await loader.LoadFileAsync(sources.Get("policies"), store.WriteFile("policies_20261010.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", vin: "LSVAB1234567890A1", issue: "2026-09-05", effective: "2026-09-06", expiry: "2027-09-05", premium: "1000.00"),
            CanonicalCsv.Policy("P2", vin: "LSVAB1234567890A2", branch: "", issue: "2026-09-06", effective: "2026-09-07", expiry: "2027-09-06", premium: "500.00"),
            CanonicalCsv.Policy("P3", vin: "LSVAB1234567890A3", branch: "B02", issue: "2026-08-01", effective: "2026-08-02", expiry: "2027-08-01", premium: "2000.00",
                status: "CANCELLED", cancel: "2026-09-20", refund: "800.00"))));
        await loader.LoadFileAsync(sources.Get("claims"), store.WriteFile("claims_20261010.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [
            CanonicalCsv.Claim("C1", policyNo: "P1", vin: "LSVAB1234567890A1", loss: "2026-09-09", report: "2026-09-10", assessed: "300.00"),
            CanonicalCsv.Claim("C2", policyNo: "P1", vin: "LSVAB1234567890A1", loss: "2026-09-09", report: "2026-09-11", assessed: "999.00", status: "WITHDRAWN"),
            CanonicalCsv.Claim("C3", policyNo: "P2", vin: "LSVAB1234567890A2", loss: "2026-09-09", report: "2026-09-12", assessed: "50.00"),
            CanonicalCsv.Claim("C4", policyNo: "NOPE", vin: "LSVAB1234567890A4", loss: "2026-09-09", report: "2026-09-13", assessed: "70.00")])));
        await loader.LoadFileAsync(sources.Get("policies"), store.WriteFile("policies_20261020.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", vin: "LSVAB1234567890A1", branch: "B02", issue: "2026-09-05", effective: "2026-09-06", expiry: "2027-09-05", premium: "1200.00"))));
        var period = new DateRange(new DateOnly(2026, 8, 1), new DateOnly(2026, 9, 30));
        var august = new BusinessMonth(2026, 8);
        var september = new BusinessMonth(2026, 9);

        var before = await store.Store.GetBranchMonthTotalsAsync(new DateOnly(2026, 10, 15), period);
        var after = await store.Store.GetBranchMonthTotalsAsync(new DateOnly(2026, 10, 31), period);

        Assert.That(before, Is.EqualTo(new[]
        {
            new BranchMonthTotals("B01", "PICC", september, 1000.00m, 0m, 300.00m),
            new BranchMonthTotals("B02", "PICC", august, 2000.00m, 0m, 0m),
            new BranchMonthTotals("B02", "PICC", september, 0m, 800.00m, 0m),
        }));
        Assert.That(after, Is.EqualTo(new[]
        {
            new BranchMonthTotals("B02", "PICC", august, 2000.00m, 0m, 0m),
            new BranchMonthTotals("B02", "PICC", september, 1200.00m, 800.00m, 300.00m),
        }));
    }

    [Test]
    public async Task Monthly_totals_count_the_later_line_of_a_duplicate_key_only()
    {
        // P1 appears twice in one file: first for B01 at 1 000.00, then for B02 at 1 500.00,
        // cancelled with a refund of 300.00. The later line is the version stored, and the only
        // one in the sums.
        await using var store = await TestStore.CreateAsync(provider);
        var sources = TestStore.ConfiguredSources();
        await store.Loader().LoadFileAsync(sources.Get("policies"), store.WriteFile("policies_20261010.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", issue: "2026-09-05", effective: "2026-09-06", expiry: "2027-09-05", premium: "1000.00"),
            CanonicalCsv.Policy("P2", vin: "LSVAB1234567890A2", issue: "2026-09-07", effective: "2026-09-08", expiry: "2027-09-07", premium: "700.00"),
            CanonicalCsv.Policy("P1", branch: "B02", issue: "2026-09-05", effective: "2026-09-06", expiry: "2027-09-05", premium: "1500.00",
                status: "CANCELLED", cancel: "2026-09-20", refund: "300.00"))));
        var asOf = new DateOnly(2026, 10, 31);

        var sums = await store.Store.GetBranchMonthTotalsAsync(asOf, new DateRange(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30)));

        var september = new BusinessMonth(2026, 9);
        Assert.That(sums, Is.EqualTo(new[]
        {
            new BranchMonthTotals("B01", "PICC", september, 700.00m, 0m, 0m),
            new BranchMonthTotals("B02", "PICC", september, 1500.00m, 300.00m, 0m),
        }));
        Assert.That(sums, Is.EqualTo(BranchMonthTotals.From(await store.Store.GetPoliciesAsync(asOf), [])));
    }

    [Test]
    public async Task Monthly_totals_of_a_file_with_more_sums_than_one_insert_carries_are_all_kept()
    {
        // 6 branches × 4 insurers × 24 months: 576 premium sums from one file, more than the 500
        // rows one INSERT of the load carries; each sum is one policy's, 1 000.00 plus its number in fen.
        string[] branches = ["B01", "B02", "B03", "B04", "B05", "B06"];
        string[] insurers = ["PICC", "PINGAN", "CPIC", "SUNSHINE"];
        static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = new List<string>();
        foreach (var branch in branches)
        {
            foreach (var insurer in insurers)
            {
                for (var m = 0; m < 24; m++)
                {
                    var n = rows.Count + 1;
                    var issue = new DateOnly(2024, 11, 5).AddMonths(m);
                    rows.Add(CanonicalCsv.Policy(
                        string.Create(CultureInfo.InvariantCulture, $"P{n:D4}"), insurer: insurer, branch: branch, issue: Iso(issue), effective: Iso(issue.AddDays(1)),
                        expiry: Iso(issue.AddYears(1)), premium: (1000m + n / 100m).ToString("0.00", CultureInfo.InvariantCulture)));
                }
            }
        }

        await using var store = await TestStore.CreateAsync(provider);
        var result = await store.Loader().LoadFileAsync(TestStore.ConfiguredSources().Get("policies"), store.WriteFile("policies_20261031.csv", CanonicalCsv.Policies([.. rows])));
        var asOf = new DateOnly(2026, 10, 31);

        var sums = await store.Store.GetBranchMonthTotalsAsync(asOf, new DateRange(new DateOnly(2024, 11, 1), asOf));

        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(576));
        Assert.That(sums, Has.Count.EqualTo(576));
        Assert.That(sums, Is.EqualTo(BranchMonthTotals.From(await store.Store.GetPoliciesAsync(asOf), [])));
    }

    [Test]
    public async Task Monthly_totals_in_the_store_equal_the_rule_s_sums_over_everything_it_holds([Values("2026-10-31", "2026-09-30")] string asOfText)
    {
        var store = (await DemoBook.LoadedAsync(provider)).Store;
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var period = new DateRange(new DateOnly(2025, 4, 1), new DateOnly(2026, 10, 31));

        var inStore = await store.GetBranchMonthTotalsAsync(asOf, period);
        var byRule = BranchMonthTotals.Between(
            BranchMonthTotals.From(await store.GetPoliciesAsync(asOf), await store.GetClaimsAsync(asOf)), new BusinessMonth(2025, 4), new BusinessMonth(2026, 10));

        Assert.That(inStore, Has.Count.GreaterThan(50));
        Assert.That(inStore, Is.EqualTo(byRule));
    }

    private static async Task<string> JsonAsync(IReportingStore store, DateOnly asOf, BusinessMonth month) =>
        MetricsExport.ToJson(MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store, asOf, month, DemoBook.Metrics)).Report);

    private sealed record Everything(IReadOnlyList<Policy> Policies, IReadOnlyList<Claim> Claims, IReadOnlyList<FollowUp> FollowUps);
}

/// <summary>The same extracts give the same §4.1 output on SQLite and on PostgreSQL.</summary>
[Category("Services")]
public sealed class MetricsAcrossStoresTests
{
    [TestCase("2026-10-31", "2026-10")]
    [TestCase("2026-10-20", "2026-09")]
    [TestCase("2026-10-31", "2026-07")]
    public async Task The_same_data_gives_identical_metrics_on_SQLite_and_PostgreSQL(string asOfText, string monthText)
    {
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var month = BusinessMonth.Parse(monthText);
        var sqlite = (await DemoBook.LoadedAsync("sqlite")).Store;
        var postgres = (await DemoBook.LoadedAsync("postgres")).Store;

        var fromSqlite = MetricsCalculator.Report(await MetricsInputQuery.LoadAsync(sqlite, asOf, month, DemoBook.Metrics));
        var fromPostgres = MetricsCalculator.Report(await MetricsInputQuery.LoadAsync(postgres, asOf, month, DemoBook.Metrics));

        Assert.That(fromSqlite.Renewal[0].Due, Is.GreaterThan(0), "a cohort to compare");
        Assert.That(fromSqlite.Commission, Is.Not.Empty, "commission rows to compare");
        Assert.That(fromSqlite.Commission.Select(r => r.Tier).Distinct().Count(), Is.GreaterThan(1), "more than one tier");
        Assert.That(MetricsExport.ToJson(fromPostgres), Is.EqualTo(MetricsExport.ToJson(fromSqlite)));
        Assert.That(MetricsExport.ToCsv(fromPostgres), Is.EqualTo(MetricsExport.ToCsv(fromSqlite)));
    }
}

/// <summary>
/// The built worker as ops run it: <c>metrics</c> and <c>explain</c> over a SQLite store holding the
/// demo book, in a child process with <c>REPORTING_HOME</c> and <c>Data__Folder</c> set.
/// </summary>
[Category("Services")]
public sealed class MetricsCommandLineTests
{
    private const string AsOf = "2026-10-31";
    private const string Month = "2026-10";
    private static readonly string[] SectionNames = ["asOf", "month", "renewal", "conversion", "referral", "commission", "advisor", "lostReasons"];

    [Test]
    public async Task Metrics_prints_the_json_object_of_the_export_format()
    {
        var store = await DemoBook.LoadedAsync("sqlite");

        var (exit, output, error) = await Worker.RunAsync(store.Folder, "metrics", "--as-of", AsOf, "--month", Month, "--format", "json");

        Assert.That(exit, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(SectionNames));
        Assert.That(json.RootElement.GetProperty("renewal").GetArrayLength(), Is.GreaterThan(1));
        Assert.That(output, Is.EqualTo(await InProcessJsonAsync(store.Store)), "the command prints what the library computes");
    }

    [Test]
    public async Task Metrics_prints_csv_sections()
    {
        var store = await DemoBook.LoadedAsync("sqlite");

        var (exit, output, error) = await Worker.RunAsync(store.Folder, "metrics", "--as-of", AsOf, "--month", Month, "--format", "csv");

        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith($"section,asOf,month\nreport,{AsOf},{Month}\n\nsection,branch,insurer,advisor,due,"));
        Assert.That(output, Does.Contain("\nsection,branch,insurer,coverage,tier,rate,policies,premium,commission,clawback,net\ncommission,B01,"));
    }

    [Test]
    public async Task Explain_renewal_for_a_branch_totals_to_its_metrics_row()
    {
        var store = await DemoBook.LoadedAsync("sqlite");

        var (exit, output, error) = await Worker.RunAsync(store.Folder, "explain", "--metric", "renewal", "--branch", "B01", "--as-of", AsOf, "--month", Month, "--format", "csv");
        var metrics = await Worker.RunAsync(store.Folder, "metrics", "--as-of", AsOf, "--month", Month);
        var text = await Worker.RunAsync(store.Folder, "explain", "--metric", "renewal", "--branch", "B01", "--as-of", AsOf, "--month", Month);

        Assert.That(exit, Is.EqualTo(0), error);
        var totals = output.Split('\n').Where(l => l.StartsWith("totals,", StringComparison.Ordinal)).ToList();
        var header = output.Split('\n').Single(l => l.StartsWith("section,branch,insurer,advisor,due,", StringComparison.Ordinal)).Split(',');
        Assert.That(totals, Has.Count.EqualTo(1));
        using var json = JsonDocument.Parse(metrics.Output);
        var row = json.RootElement.GetProperty("renewal").EnumerateArray()
            .Single(r => r.GetProperty("branch").GetString() == "B01" && r.GetProperty("insurer").GetString() == "*" && r.GetProperty("advisor").GetString() == "*");
        var expected = header.Skip(1).Select(field => row.GetProperty(field) is var v && v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Null ? "" : v.GetRawText());
        Assert.That(totals[0].Split(',').Skip(1), Is.EqualTo(expected));
        Assert.That(row.GetProperty("due").GetInt32(), Is.GreaterThan(0));
        Assert.That(text.Exit, Is.EqualTo(0), text.Error);
        Assert.That(text.Output, Does.StartWith("explain renewal: month 2026-10 as of 2026-10-31, branch B01\n"));
    }

    [Test]
    public async Task A_month_13_is_refused_with_a_clear_message()
    {
        var store = await DemoBook.LoadedAsync("sqlite");

        var (exit, _, error) = await Worker.RunAsync(store.Folder, "metrics", "--as-of", AsOf, "--month", "2026-13");
        var explain = await Worker.RunAsync(store.Folder, "explain", "--metric", "renewal", "--month", "2026-13");

        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("'2026-13' is not a month in the form YYYY-MM"));
        Assert.That(explain.Exit, Is.Not.EqualTo(0));
        Assert.That(explain.Error, Does.Contain("'2026-13' is not a month in the form YYYY-MM"));
    }

    private static async Task<string> InProcessJsonAsync(IReportingStore store) =>
        MetricsExport.ToJson(MetricsCalculator.Report(await MetricsInputQuery.LoadAsync(
            store, DateOnly.ParseExact(AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture), BusinessMonth.Parse(Month), MetricsOptions.CreateDefault())));
}

/// <summary>Runs the built worker (<see cref="WorkerProcess.WorkerDll"/>) as a child process.</summary>
internal static class Worker
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> Dll = new(WorkerProcess.WorkerDll);

    public static async Task<(int Exit, string Output, string Error)> RunAsync(string dataFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REPORTING_HOME"] = RepositoryLayout.Root;
        start.Environment["Data__Folder"] = dataFolder;
        start.Environment["Store__Provider"] = "sqlite";
        start.Environment.Remove("Store__ConnectionString");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the worker did not finish within {Limit.TotalSeconds} s: {string.Join(' ', arguments)}");
        }

        return (process.ExitCode, await output, await error);
    }
}

/// <summary>
/// One demo book (1 500 policies a year, fixed seed, through 2026-10-31), generated once, and a
/// store of each provider holding all of it, shared by the metrics tests and disposed after them.
/// </summary>
internal static partial class DemoBook
{
    public static readonly DemoDataOptions Options = new() { BusinessDate = new DateOnly(2026, 10, 31), Seed = 20261031, PoliciesPerYear = 1_500 };

    /// <summary>
    /// The default options with the commission minimums scaled down to the demo group's size, so
    /// that tiers A, B and C (and the loss ratio deciding between them) all occur.
    /// </summary>
    public static readonly MetricsOptions Metrics = ScaledToTheDemo();

    private static MetricsOptions ScaledToTheDemo()
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.DefaultSchedule[0].MinWrittenPremium = 15_000m;
        options.Commission.DefaultSchedule[1].MinWrittenPremium = 5_000m;
        return options;
    }

    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("reporting-demo-").FullName;
        DemoDataGenerator.Generate(folder, Options);
        return folder;
    });

    private static readonly ConcurrentDictionary<string, Lazy<Task<TestStore>>> Stores = new(StringComparer.Ordinal);

    /// <summary>A store of <paramref name="provider"/> holding the whole book (ignored when PostgreSQL is not available).</summary>
    public static Task<TestStore> LoadedAsync(string provider) =>
        Stores.GetOrAdd(provider, p => new Lazy<Task<TestStore>>(async () =>
        {
            var store = await TestStore.CreateAsync(p);
            await LoadAsync(store);
            return store;
        })).Value;

    /// <summary>
    /// Loads the book's extracts through the drop-folder scan, every CSV source of
    /// <c>config/sources.json</c>; with <paramref name="extractDates"/>, only the files whose extract
    /// date it accepts (copied to a folder of their own, as if the later ones had not arrived yet).
    /// </summary>
    public static async Task LoadAsync(TestStore store, Func<DateOnly, bool>? extractDates = null)
    {
        var loader = store.Loader(TestStore.ConfiguredReference());
        foreach (var source in TestStore.ConfiguredSources().Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
        {
            var folder = Path.Combine(Folder.Value, source.Folder);
            if (extractDates is not null)
            {
                var partial = Path.Combine(store.Folder, "partial", source.Name);
                Directory.CreateDirectory(partial);
                foreach (var file in Directory.EnumerateFiles(folder).Where(f => ExtractDate().IsMatch(Path.GetFileName(f)) && extractDates(ExtractDateOf(f))))
                {
                    File.Copy(file, Path.Combine(partial, Path.GetFileName(file)), overwrite: true);
                    File.Copy(file + ".done", Path.Combine(partial, Path.GetFileName(file) + ".done"), overwrite: true);
                }

                folder = partial;
            }

            var results = await loader.ScanAsync(source, folder);
            Assert.That(results.Where(r => r.Outcome is LoadOutcome.Failed or LoadOutcome.Waiting).Select(r => r.FileName + ": " + r.Error), Is.Empty);
        }
    }

    private static DateOnly ExtractDateOf(string file) =>
        DateOnly.ParseExact(ExtractDate().Match(Path.GetFileName(file)).Groups[1].Value, "yyyyMMdd", CultureInfo.InvariantCulture);

    // CSV extracts, and CPIC's claims as .xlsx workbooks.
    [GeneratedRegex(@"_(\d{8})\.(?:csv|xlsx)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExtractDate();

    public static async Task DisposeAsync()
    {
        foreach (var store in Stores.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
        {
            await store.Value.Result.DisposeAsync();
        }

        Stores.Clear();
        if (Folder.IsValueCreated)
        {
            Directory.Delete(Folder.Value, recursive: true);
        }
    }
}

/// <summary>Disposes the shared demo stores once every metrics test has run.</summary>
[SetUpFixture]
public sealed class MetricsStoreSetUp
{
    [OneTimeTearDown]
    public async Task DisposeDemoBook() => await DemoBook.DisposeAsync();
}
