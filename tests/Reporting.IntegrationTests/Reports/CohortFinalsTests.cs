using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Reports;

/// <summary>The closed cohorts' final figures, kept in the store for the morning emails' rate history.</summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class CohortFinalsTests(string provider)
{
    private static readonly DateOnly Date = new(2026, 11, 21);

    private TestStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = await TestStore.CreateAsync(provider);

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task Kept_figures_read_back_by_month_range_and_the_first_figures_of_a_month_win()
    {
        await _store.Store.SaveCohortFinalsAsync([new("2026-08", "B01", 40, 30, Date), new("2026-09", "B01", 50, 20, Date)]);
        await _store.Store.SaveCohortFinalsAsync([new("2026-09", "B01", 99, 99, Date.AddDays(1)), new("2026-10", "*", 1, 1, Date)]);

        var read = await _store.Store.GetCohortFinalsAsync("2026-09", "2026-10");

        Assert.That(read, Is.EqualTo(new CohortFinal[] { new("2026-09", "B01", 50, 20, Date), new("2026-10", "*", 1, 1, Date) }));
    }

    [Test]
    public async Task The_first_morning_computes_and_keeps_the_six_closed_cohorts_and_later_mornings_read_them()
    {
        // September's cohort: two B01 policies, one renewed (a closed cohort as of 2026-11-21, grace 30).
        await _store.LoadAsync(("policies", "policies_20261001.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", vin: "LSVAB1234567890AA", issue: "2025-09-01", effective: "2025-09-02", expiry: "2026-09-10"),
            CanonicalCsv.Policy("P2", vin: "LSVAB1234567890AB", issue: "2025-09-01", effective: "2025-09-02", expiry: "2026-09-20"),
            CanonicalCsv.Policy("Q1", vin: "LSVAB1234567890AA", issue: "2026-09-01", effective: "2026-09-11", expiry: "2027-09-10"))));

        var first = await CohortFinals.LoadAsync(Context(), Date);

        Assert.That(first.Select(f => f.Month).Distinct(), Is.EqualTo(new[] { "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09" }));
        Assert.That(first.Where(f => f.Month == "2026-09").Select(f => (f.Branch, f.Due, f.Renewed)), Is.EquivalentTo(new[] { ("*", 2L, 1L), ("B01", 2L, 1L) }));

        // A late correction renews P2 too: the kept September figures stay as they were.
        await _store.LoadAsync(("policies", "policies_20261122.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("Q2", vin: "LSVAB1234567890AB", issue: "2026-09-15", effective: "2026-09-21", expiry: "2027-09-20"))));
        var later = await CohortFinals.LoadAsync(Context(), Date.AddDays(2));

        Assert.That(later.Where(f => f.Month == "2026-09" && f.Branch == "B01").Select(f => (f.Renewed, f.AsOf)), Is.EqualTo(new[] { (1L, Date) }));
    }

    private ReportContext Context() => new(
        _store.Store, TestStore.ConfiguredSources(), TestStore.ConfiguredReference(), MetricsOptions.CreateDefault(), new DeliveryOptions());
}
