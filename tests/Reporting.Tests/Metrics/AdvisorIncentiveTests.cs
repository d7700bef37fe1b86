using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.5 with §3.7, month 2026-10, default bands and bonuses 300/200/100.</summary>
public class AdvisorIncentiveTests
{
    private static readonly DateOnly AsOf = 31.October(2026);

    private static PolicyBuilder Sale(string policyNo, string advisor, decimal premium = 2_000m, string? branch = "B01", DateOnly? issued = null)
    {
        var date = issued ?? 5.October(2026);
        return Policies.Commercial(policyNo).SoldBy(branch, advisor).IssuedOn(date).EffectiveOn(date).Premium(premium);
    }

    private static IEnumerable<Policy> Sales(string advisor, int count, decimal premium = 2_000m, string branch = "B01") =>
        Enumerable.Range(1, count).Select(i => Sale($"{advisor}-{branch}-{i}", advisor, premium, branch).Build());

    private static decimal Bonus(MetricsReport report, string advisor) => report.Advisor.Where(r => r.Advisor == advisor).Sum(r => r.Bonus);

    [TestCase("0", 10, 50)]
    [TestCase("1999.99", 10, 50)]
    [TestCase("2000", 15, 80)]
    [TestCase("2999.99", 15, 80)]
    [TestCase("3000", 20, 140)]
    [TestCase("3999.99", 20, 140)]
    [TestCase("4000", 25, 198)]
    [TestCase("5000", 30, 280)]
    [TestCase("5999.99", 30, 280)]
    [TestCase("6000", 40, 350)]
    [TestCase("100000", 40, 350)]
    public void Premium_band_includes_its_lower_bound(string premium, int incentive, int promotionCost)
    {
        var band = AdvisorIncentive.BandOf(decimal.Parse(premium, CultureInfo.InvariantCulture), MetricsOptions.CreateDefault().Incentive.Bands);

        Assert.That((band.Incentive, band.PromotionCost), Is.EqualTo(((decimal)incentive, (decimal)promotionCost)));
    }

    [Test]
    public void Earning_policy_earns_its_bands_incentive_and_carries_its_cost()
    {
        var report = MetricsRun.For(AsOf, [Sale("P1", "A001", 2_000m)]).Report;

        Assert.That(report.AdvisorRow("A001"), Is.EqualTo(new AdvisorRow("A001", "B01", 1, 15m, 0m, 300m, 80m, 315m)));
    }

    [Test]
    public void Ctpl_new_car_and_unadvised_policies_are_not_eligible()
    {
        var ctpl = Policies.Ctpl("P1").SoldBy("B01", "A001").IssuedOn(5.October(2026));
        var newCar = Sale("P2", "A002").NewCar();
        var unadvised = Sale("P3", "A003").Advisor(null);

        Assert.That(MetricsRun.For(AsOf, [ctpl, newCar, unadvised]).Report.Advisor, Is.Empty);
    }

    [Test]
    public void Transfer_in_is_eligible()
    {
        var report = MetricsRun.For(AsOf, [Sale("P1", "A001").Business(BusinessType.TRANSFER_IN)]).Report;

        Assert.That(report.AdvisorRow("A001").Policies, Is.EqualTo(1));
    }

    [Test]
    public void Eligibility_needs_no_branch_and_the_row_has_none()
    {
        var report = MetricsRun.For(AsOf, [Sale("P1", "A001", branch: null)]).Report;

        Assert.That(report.AdvisorRow("A001", branch: null).Incentive, Is.EqualTo(15m));
    }

    [Test]
    public void Policy_cancelled_in_its_issue_month_earns_nothing_but_its_promotion_cost_stands()
    {
        var earning = Sale("P1", "A001", 2_000m);
        var cancelled = Sale("P2", "A001", 3_000m).CancelledOn(20.October(2026), 3_000m);

        var row = MetricsRun.For(AsOf, [earning, cancelled]).Report.AdvisorRow("A001");

        Assert.That(row, Is.EqualTo(new AdvisorRow("A001", "B01", 1, 15m, 0m, 300m, 220m, 315m)));
    }

    [Test]
    public void Policy_cancelled_in_its_issue_month_alone_makes_no_row_and_is_not_ranked()
    {
        var cancelled = Sale("P1", "A001", 9_000m).CancelledOn(20.October(2026));
        var other = Sale("P2", "A002", 2_000m);

        var report = MetricsRun.For(AsOf, [cancelled, other]).Report;

        Assert.That(
            report.Advisor.Select(r => (r.Advisor, r.Bonus)),
            Is.EqualTo(MetricsRun.Seq(("A002", 300m))));
    }

    [Test]
    public void Policy_cancelled_in_a_later_month_claws_back_its_incentive_there_but_not_its_cost()
    {
        var p = Sale("P1", "A001", 2_000m, issued: 5.September(2026)).CancelledOn(3.October(2026), 1_500m);

        var report = MetricsRun.For(AsOf, [p]).Report;

        Assert.That(report.AdvisorRow("A001"), Is.EqualTo(new AdvisorRow("A001", "B01", 0, 0m, 15m, 0m, 0m, -15m)));
    }

    [Test]
    public void Policy_cancelled_in_a_later_month_earns_in_its_issue_month()
    {
        var p = Sale("P1", "A001", 2_000m, issued: 5.September(2026)).CancelledOn(3.October(2026), 1_500m);

        var row = MetricsRun.For(AsOf, [p], month: new BusinessMonth(2026, 9)).Report.AdvisorRow("A001");

        Assert.That((row.Policies, row.Incentive, row.PromotionCost, row.Clawback), Is.EqualTo((1, 15m, 80m, 0m)));
    }

    [Test]
    public void Three_advisors_with_most_earning_policies_win_the_bonuses_in_order()
    {
        var policies = Sales("A1", 3).Concat(Sales("A2", 2, 2_000m)).Concat(Sales("A3", 2, 3_000m)).Concat(Sales("A4", 1));

        var report = MetricsRun.For(AsOf, policies).Report;

        Assert.That(
            MetricsRun.Seq("A1", "A2", "A3", "A4").Select(a => Bonus(report, a)),
            Is.EqualTo(MetricsRun.Seq(300m, 100m, 200m, 0m)));
    }

    [Test]
    public void Ranking_tie_of_count_and_premium_goes_to_the_lower_advisor_id()
    {
        var report = MetricsRun.For(AsOf, [.. Sales("A3", 1), .. Sales("A2", 1)]).Report;

        Assert.That((Bonus(report, "A2"), Bonus(report, "A3")), Is.EqualTo((300m, 200m)));
    }

    [Test]
    public void Ranking_counts_only_earning_policies()
    {
        var cancelled = Enumerable.Range(1, 2).Select(i => Sale($"X{i}", "A1").CancelledOn(25.October(2026)).Build());
        var policies = Sales("A1", 2).Concat(cancelled).Concat(Sales("A2", 3));

        var report = MetricsRun.For(AsOf, policies).Report;

        Assert.That((Bonus(report, "A2"), Bonus(report, "A1")), Is.EqualTo((300m, 200m)));
    }

    [Test]
    public void Ranking_is_group_wide_and_the_bonus_goes_on_the_first_branch_in_code_order()
    {
        var policies = Sales("A1", 2, branch: "B02").Concat(Sales("A1", 1, branch: "B01")).Concat(Sales("A2", 2, branch: "B03"));

        var report = MetricsRun.For(AsOf, policies).Report;

        Assert.That(
            report.Advisor.Select(r => (r.Advisor, r.Branch, r.Policies, r.Bonus)),
            Is.EqualTo(MetricsRun.Seq(("A1", "B01", 1, 300m), ("A1", "B02", 2, 0m), ("A2", "B03", 2, 200m))));
    }

    [Test]
    public void Fewer_advisors_than_bonuses_take_only_the_first_bonuses()
    {
        var report = MetricsRun.For(AsOf, Sales("A1", 1)).Report;

        Assert.That(report.Advisor.Sum(r => r.Bonus), Is.EqualTo(300m));
    }

    [Test]
    public void Net_is_incentive_less_clawback_plus_bonus()
    {
        var earning = Sale("P1", "A001", 6_000m);
        var clawedBack = Sale("P2", "A001", 4_000m, issued: 5.August(2026)).CancelledOn(10.October(2026));

        var row = MetricsRun.For(AsOf, [earning, clawedBack]).Report.AdvisorRow("A001");

        Assert.That((row.Incentive, row.Clawback, row.Bonus, row.PromotionCost, row.Net), Is.EqualTo((40m, 25m, 300m, 350m, 315m)));
    }

    [Test]
    public void Incentive_lines_record_the_band_of_each_policy()
    {
        var lines = MetricsRun.For(AsOf, [Sale("P1", "A001", 2_500m), Sale("P2", "A001", 7_000m)]).IncentiveLines;

        Assert.That(lines.Select(l => l.Band), Is.EqualTo(MetricsRun.Seq("2000-3000", "6000+")));
    }
}
