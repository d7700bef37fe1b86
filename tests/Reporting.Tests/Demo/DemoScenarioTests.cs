namespace Reporting.Tests.Demo;

/// <summary>
/// The default demo holds every case the metrics of SPEC §3 distinguish, in every month of the
/// last year, for several branches and insurers — counted from the generated rows.
/// </summary>
[TestFixture]
public sealed class DemoScenarioTests
{
    private static IEnumerable<string> Scenarios() => DemoFacts.ScenarioNames();

    [TestCaseSource(nameof(Scenarios))]
    public void Scenario_occurs_in_every_month_of_the_last_year(string scenario)
    {
        var facts = GeneratedDemo.Files.Facts;
        var months = facts.Occurrences(scenario).Select(o => o.Month).ToHashSet(StringComparer.Ordinal);

        Assert.That(facts.LastYearMonths.Where(m => !months.Contains(m)), Is.Empty, $"months without '{scenario}'");
    }

    [TestCaseSource(nameof(Scenarios))]
    public void Scenario_occurs_for_several_branches_and_insurers(string scenario)
    {
        var facts = GeneratedDemo.Files.Facts;
        var lastYear = facts.LastYearMonths.ToHashSet(StringComparer.Ordinal);
        var occurrences = facts.Occurrences(scenario).Where(o => lastYear.Contains(o.Month)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(occurrences.Select(o => o.Branch).Where(b => b.Length > 0).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "branches");
            Assert.That(occurrences.Select(o => o.Insurer).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "insurers");
        });
    }

    [TestCase(2_000)]
    [TestCase(3_000)]
    [TestCase(4_000)]
    [TestCase(5_000)]
    [TestCase(6_000)]
    public void Some_commercial_premiums_land_exactly_on_a_band_boundary(decimal boundary)
    {
        var onBoundary = GeneratedDemo.Files.Facts.Policies.Count(p => p.Coverage == "COMMERCIAL" && p.Premium == boundary);

        Assert.That(onBoundary, Is.GreaterThan(0));
    }

    [Test]
    public void Some_renewals_sold_before_expiry_take_effect_after_their_extract_date()
    {
        var futureEffective = GeneratedDemo.Files.CanonicalPolicyRows()
            .Count(r => r["business_type"] != "NEW_CAR" && r.Date("effective_date") > r.ExtractDate);

        Assert.That(futureEffective, Is.GreaterThan(0));
    }

    [Test]
    public void Renewals_outside_the_group_have_no_branch_and_no_advisor()
    {
        var outside = GeneratedDemo.Files.Facts.Policies.Where(p => p.BranchCode.Length == 0).ToList();

        Assert.That(outside, Is.Not.Empty);
        Assert.That(outside.Where(p => p.AdvisorId.Length > 0), Is.Empty);
    }

    [Test]
    public void Recent_cohorts_have_pending_policies()
    {
        // Expired within the grace period and not renewed yet: neither renewed nor lapsed.
        var facts = GeneratedDemo.Files.Facts;
        var pending = facts.Cohort.Count(c => c.Renewal is null && !c.Lapsed);

        Assert.That(pending, Is.GreaterThan(0));
    }

    [Test]
    public void Follow_ups_start_about_ninety_days_before_expiry()
    {
        var facts = GeneratedDemo.Files.Facts;
        var firstLeads = facts.FollowUps
            .GroupBy(f => (f.InsurerCode, f.PolicyNo))
            .Select(g => facts.PolicyByKey[g.Key].ExpiryDate.DayNumber - g.Min(f => f.ContactDate).DayNumber)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(firstLeads.Max(), Is.LessThanOrEqualTo(120), "no call before an early renewal's sale");
            Assert.That(firstLeads.Count(l => l is >= 84 and <= 95), Is.GreaterThan(firstLeads.Count * 0.8));
        });
    }

    [Test]
    public void Every_follow_up_is_about_a_commercial_policy_sold_by_its_branch()
    {
        var facts = GeneratedDemo.Files.Facts;
        var strays = facts.FollowUps.Where(f =>
            !facts.PolicyByKey.TryGetValue((f.InsurerCode, f.PolicyNo), out var p) || p.Coverage != "COMMERCIAL" || p.BranchCode != f.BranchCode);

        Assert.That(strays, Is.Empty);
    }

    [Test]
    public void A_claim_may_name_a_policy_the_extracts_do_not_hold()
    {
        // Insurers refer their other customers' repairs to the stores (SPEC §3.7: such a claim counts).
        var facts = GeneratedDemo.Files.Facts;
        var unknown = facts.Claims.Count(c => !facts.PolicyByKey.ContainsKey((c.InsurerCode, c.PolicyNo)));

        Assert.That(unknown, Is.GreaterThan(0));
    }
}
