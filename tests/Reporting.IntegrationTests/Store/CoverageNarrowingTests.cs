using Reporting.Jobs.Domain;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// The renewal rules look at the renewal coverage only (SPEC §3.1), so the month's reads narrow the
/// cohort, its candidate renewals and its follow-ups to it (<see cref="PolicySelection.ExpiringCoverage"/>);
/// the policies sold, cancelled or claimed on keep every coverage.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class CoverageNarrowingTests(string provider)
{
    private static readonly DateOnly AsOf = new(2026, 10, 20);
    private static readonly DateRange September = new(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 30));
    private static readonly DateRange RenewalWindow = new(new DateOnly(2026, 7, 3), new DateOnly(2026, 10, 31));
    private TestStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        // One car with both covers expiring in September and renewed in September; a second car
        // with its compulsory cover (CTPL) alone expiring in September, renewed by a commercial
        // policy; a follow-up on each expiring policy.
        _store = await TestStore.CreateAsync(provider);
        string P(string no, string coverage, string vin, string issue, string effective, string expiry) =>
            CanonicalCsv.Policy(no, coverage: coverage, vin: vin, issue: issue, effective: effective, expiry: expiry);
        await _store.LoadAsync(
            ("policies", "policies_20261010.csv", CanonicalCsv.Policies(
                P("OLD-C", "COMMERCIAL", "LSVAB1234567890A1", "2025-09-14", "2025-09-15", "2026-09-14"),
                P("OLD-T", "CTPL", "LSVAB1234567890A1", "2025-09-14", "2025-09-15", "2026-09-14"),
                P("NEW-C", "COMMERCIAL", "LSVAB1234567890A1", "2026-09-10", "2026-09-15", "2027-09-14"),
                P("NEW-T", "CTPL", "LSVAB1234567890A1", "2026-09-10", "2026-09-15", "2027-09-14"),
                P("ONLY-T", "CTPL", "LSVAB1234567890A2", "2025-09-20", "2025-09-21", "2026-09-20"),
                P("NEXT-C", "COMMERCIAL", "LSVAB1234567890A2", "2026-09-18", "2026-09-21", "2027-09-20"))),
            ("followups", "followups_20261010.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [
                CanonicalCsv.FollowUp("F-C", policyNo: "OLD-C"),
                CanonicalCsv.FollowUp("F-T", policyNo: "OLD-T"),
                CanonicalCsv.FollowUp("F-ONLY", policyNo: "ONLY-T")])));
    }

    [OneTimeTearDown]
    public async Task DisposeStore() => await _store.DisposeAsync();

    [Test]
    public async Task The_cohort_narrowed_to_a_coverage_is_the_cohort_of_that_coverage()
    {
        var all = await PolicyNosAsync(new PolicySelection(Expiry: September));
        var commercial = await PolicyNosAsync(new PolicySelection(Expiry: September, ExpiringCoverage: Coverage.COMMERCIAL));

        Assert.That(all, Is.EqualTo(new[] { "OLD-C", "OLD-T", "ONLY-T" }));
        Assert.That(commercial, Is.EqualTo(new[] { "OLD-C" }));
    }

    [Test]
    public async Task Candidate_renewals_narrowed_to_a_coverage_are_on_the_VINs_of_that_coverage_cohort()
    {
        var selection = new PolicySelection(Expiry: September, Effective: RenewalWindow, EffectiveOnExpiryVins: true);

        var all = await PolicyNosAsync(selection);
        var commercial = await PolicyNosAsync(selection with { ExpiringCoverage = Coverage.COMMERCIAL });

        // NEXT-C is commercial, but its car's expiring cover is the CTPL one alone: no commercial
        // policy of the cohort can be renewed by it.
        Assert.That(all, Is.EqualTo(new[] { "NEW-C", "NEW-T", "NEXT-C", "OLD-C", "OLD-T", "ONLY-T" }));
        Assert.That(commercial, Is.EqualTo(new[] { "NEW-C", "OLD-C" }));
    }

    [Test]
    public async Task The_other_terms_keep_every_coverage_when_the_cohort_is_narrowed()
    {
        var sold = await PolicyNosAsync(new PolicySelection(
            Expiry: September, Issue: September, ExpiringCoverage: Coverage.COMMERCIAL));

        Assert.That(sold, Is.EqualTo(new[] { "NEW-C", "NEW-T", "NEXT-C", "OLD-C" }));
    }

    [Test]
    public async Task The_cars_sold_on_a_day_narrow_the_cohort_and_its_candidates_to_those_cars()
    {
        var selection = new PolicySelection(Expiry: September, Effective: RenewalWindow, EffectiveOnExpiryVins: true);
        var tenth = new DateRange(new DateOnly(2026, 9, 10), new DateOnly(2026, 9, 10));
        var eighteenth = new DateRange(new DateOnly(2026, 9, 18), new DateOnly(2026, 9, 18));

        var soldOnTheTenth = await PolicyNosAsync(selection with { OnVinsSold = tenth });
        var soldOnTheEighteenth = await PolicyNosAsync(selection with { OnVinsSold = eighteenth });
        var commercialSoldOnTheEighteenth = await PolicyNosAsync(selection with { OnVinsSold = eighteenth, ExpiringCoverage = Coverage.COMMERCIAL });

        Assert.That(soldOnTheTenth, Is.EqualTo(new[] { "NEW-C", "NEW-T", "OLD-C", "OLD-T" }));
        Assert.That(soldOnTheEighteenth, Is.EqualTo(new[] { "NEXT-C", "ONLY-T" }));
        // The second car's commercial sale renews nothing of the commercial cohort: it has no commercial policy expiring.
        Assert.That(commercialSoldOnTheEighteenth, Is.Empty);
    }

    [Test]
    public async Task Follow_ups_narrowed_to_a_coverage_are_those_on_its_expiring_policies()
    {
        var all = await _store.Store.GetFollowUpsAsync(AsOf, September);
        var commercial = await _store.Store.GetFollowUpsAsync(AsOf, September, Coverage.COMMERCIAL);
        var ctpl = await _store.Store.GetFollowUpsAsync(AsOf, September, Coverage.CTPL);

        Assert.That(all.Select(f => f.FollowUpId), Is.EqualTo(new[] { "F-C", "F-ONLY", "F-T" }));
        Assert.That(commercial.Select(f => f.FollowUpId), Is.EqualTo(new[] { "F-C" }));
        Assert.That(ctpl.Select(f => f.FollowUpId), Is.EqualTo(new[] { "F-ONLY", "F-T" }));
    }

    [Test]
    public async Task A_coverage_without_an_expiry_range_narrows_no_follow_ups()
    {
        var followUps = await _store.Store.GetFollowUpsAsync(AsOf, policyCoverage: Coverage.COMMERCIAL);

        Assert.That(followUps.Select(f => f.FollowUpId), Is.EqualTo(new[] { "F-C", "F-ONLY", "F-T" }));
    }

    private async Task<string[]> PolicyNosAsync(PolicySelection selection) =>
        [.. (await _store.Store.GetPoliciesAsync(AsOf, selection)).Select(p => p.PolicyNo).Order(StringComparer.Ordinal)];
}
