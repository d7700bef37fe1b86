using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.4 with §3.7, month 2026-10, branch B01 and insurer PICC unless said, default schedule A/B/C.</summary>
public class CommissionTiersTests
{
    private static readonly DateOnly AsOf = 31.October(2026);

    private static PolicyBuilder Sold(string policyNo, DateOnly issued, decimal premium) =>
        Policies.Commercial(policyNo).IssuedOn(issued).EffectiveOn(issued).Premium(premium);

    private static MetricsOptions WithSchedule(params CommissionTierOptions[] tiers)
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.DefaultSchedule = [.. tiers];
        return options;
    }

    private static decimal? Dec(string? text) => text is null ? null : decimal.Parse(text, CultureInfo.InvariantCulture);

    [TestCase("1000000", "0.55", "A")]
    [TestCase("1000000", null, "A")]
    [TestCase("999999.99", "0.10", "B")]
    [TestCase("1000000", "0.5501", "B")]
    [TestCase("300000", "0.65", "B")]
    [TestCase("300000", "0.6501", "C")]
    [TestCase("299999.99", null, "C")]
    [TestCase("5000000", "0.90", "C")]
    [TestCase("0", "0", "C")]
    [TestCase("-500", null, "C")]
    public void First_tier_whose_conditions_hold_applies_bounds_included(string writtenPremium, string? lossRatio, string tier)
    {
        var schedule = MetricsOptions.CreateDefault().Commission.DefaultSchedule;

        Assert.That(CommissionTiers.Select(schedule, Dec(writtenPremium)!.Value, Dec(lossRatio)).Name, Is.EqualTo(tier));
    }

    [Test]
    public void Negative_written_premium_meets_no_minimum_not_even_zero()
    {
        var schedule = WithSchedule(
            new CommissionTierOptions { Name = "X", MinWrittenPremium = 0m, CommercialRate = 0.20m },
            new CommissionTierOptions { Name = "Y", MinWrittenPremium = 0m, CommercialRate = 0.10m }).Commission.DefaultSchedule;

        Assert.That(CommissionTiers.Select(schedule, -0.01m, null).Name, Is.EqualTo("Y"));
    }

    [Test]
    public void Last_tier_applies_when_no_tier_holds()
    {
        var schedule = WithSchedule(
            new CommissionTierOptions { Name = "X", MinWrittenPremium = 100m },
            new CommissionTierOptions { Name = "Y", MinWrittenPremium = 50m }).Commission.DefaultSchedule;

        Assert.That(CommissionTiers.Select(schedule, 10m, null).Name, Is.EqualTo("Y"));
    }

    [Test]
    public void Loss_ratio_above_the_tiers_maximum_drops_to_the_next_tier()
    {
        var p = Sold("P1", 5.October(2026), 1_000_000m).Build();
        var claim = Claims.On(p, "C1").Assessed(600_000m).ReportedOn(20.October(2026));

        var row = MetricsRun.For(AsOf, [p], claims: [claim]).Report.CommissionRow();

        Assert.That((row.Tier, row.Rate, row.Commission), Is.EqualTo(("B", 0.15m, 150_000m)));
    }

    [TestCase(2025, 10, 31, "A")]
    [TestCase(2025, 11, 1, "C")]
    [TestCase(2026, 10, 31, "C")]
    public void Loss_ratio_counts_claims_reported_in_the_twelve_months_ending_with_the_month(int year, int month, int day, string tier)
    {
        var old = Sold("P0", 1.September(2025), 0m).Build();
        var sale = Sold("P1", 5.October(2026), 1_000_000m);
        var claim = Claims.On(old, "C1").Assessed(900_000m).ReportedOn(new DateOnly(year, month, day));

        var row = MetricsRun.For(AsOf, [old, sale], claims: [claim]).Report.CommissionRow();

        Assert.That(row.Tier, Is.EqualTo(tier));
    }

    [Test]
    public void Withdrawn_claims_and_claims_on_other_branches_policies_are_not_in_the_loss_ratio()
    {
        var sale = Sold("P1", 5.October(2026), 1_000_000m).Build();
        var other = Sold("P2", 5.October(2026), 10m).SoldBy("B02").Build();
        var withdrawn = Claims.On(sale, "C1").Assessed(900_000m).Withdrawn();
        var otherBranch = Claims.On(other, "C2").Assessed(900_000m).RepairedAt("B01");

        var result = MetricsRun.For(AsOf, [sale, other], claims: [withdrawn, otherBranch]);

        Assert.That(result.Report.CommissionRow().Tier, Is.EqualTo("A"));
    }

    [Test]
    public void Null_loss_ratio_meets_any_maximum()
    {
        var refunded = Sold("P0", 15.October(2025), 1_000_000m).CancelledOn(10.September(2026), 1_000_000m).Build();
        var sale = Sold("P1", 5.October(2026), 1_000_000m).Build();
        var claim = Claims.On(sale, "C1").Assessed(900_000m);

        var result = MetricsRun.For(AsOf, [refunded, sale], claims: [claim]);

        var tier = result.Tiers.Single(t => t.Month == MetricsRun.October2026);
        Assert.That((tier.LossRatioWrittenPremium, tier.LossRatio, tier.Tier), Is.EqualTo((0m, (decimal?)null, "A")));
    }

    [Test]
    public void Negative_written_premium_in_the_month_gives_the_last_tier()
    {
        var refunded = Sold("P0", 5.August(2026), 2_000_000m).CancelledOn(10.October(2026), 1_500_000m);
        var sale = Sold("P1", 5.October(2026), 1_000_000m);

        var row = MetricsRun.For(AsOf, [refunded, sale]).Report.CommissionRow();

        Assert.That((row.Tier, row.Rate), Is.EqualTo(("C", 0.12m)));
    }

    [Test]
    public void Tier_is_shared_by_both_coverages_of_the_branch_and_insurer()
    {
        var commercial = Sold("P1", 5.October(2026), 800_000m);
        var ctpl = Policies.Ctpl("P2").IssuedOn(5.October(2026)).Premium(250_000m);

        var report = MetricsRun.For(AsOf, [commercial, ctpl]).Report;

        Assert.That(
            report.Commission.Select(r => (r.Coverage, r.Tier, r.Rate, r.Commission)),
            Is.EqualTo(MetricsRun.Seq((Coverage.COMMERCIAL, "A", 0.18m, 144_000m), (Coverage.CTPL, "A", 0.04m, 10_000m))));
    }

    [Test]
    public void Ctpl_rate_is_capped_by_regulation()
    {
        var options = WithSchedule(new CommissionTierOptions { Name = "X", CommercialRate = 0.20m, CtplRate = 0.05m });
        var ctpl = Policies.Ctpl("P1").IssuedOn(5.October(2026)).Premium(10_000m);

        var row = MetricsRun.For(AsOf, [ctpl], options: options).Report.CommissionRow(coverage: Coverage.CTPL);

        Assert.That((row.Rate, row.Commission), Is.EqualTo((0.04m, 400m)));
    }

    [Test]
    public void Line_commission_rounds_half_away_from_zero()
    {
        var options = WithSchedule(new CommissionTierOptions { Name = "X", CommercialRate = 0.15m });
        var sale = Sold("P1", 5.October(2026), 1_234.30m);

        var line = MetricsRun.For(AsOf, [sale], options: options).CommissionLines.Single();

        Assert.That(line.Amount, Is.EqualTo(185.15m));
    }

    [Test]
    public void Row_commission_is_the_sum_of_rounded_lines()
    {
        var options = WithSchedule(new CommissionTierOptions { Name = "X", CommercialRate = 0.15m });
        var sales = Enumerable.Range(1, 3).Select(i => Sold($"P{i}", 5.October(2026), 0.30m).Build());

        var row = MetricsRun.For(AsOf, sales, options: options).Report.CommissionRow();

        Assert.That((row.Premium, row.Commission), Is.EqualTo((0.90m, 0.15m)));
    }

    [Test]
    public void Clawback_uses_the_rate_of_the_issue_month_and_the_row_shows_the_months_tier()
    {
        var august = Sold("P0", 5.August(2026), 1_000_000m).CancelledOn(10.October(2026), 500_000m);
        var sale = Sold("P1", 5.October(2026), 1_000m);

        var row = MetricsRun.For(AsOf, [august, sale]).Report.CommissionRow();

        Assert.That(row, Is.EqualTo(new CommissionRow("B01", "PICC", Coverage.COMMERCIAL, "C", 0.12m, 1, 1_000m, 120m, 90_000m, -89_880m)));
    }

    [Test]
    public void Clawback_only_row_has_no_policies_and_shows_the_months_tier_and_rate()
    {
        var august = Sold("P0", 5.August(2026), 1_000_000m).CancelledOn(10.October(2026), 500_000m);

        var row = MetricsRun.For(AsOf, [august]).Report.CommissionRow();

        Assert.That(row, Is.EqualTo(new CommissionRow("B01", "PICC", Coverage.COMMERCIAL, "C", 0.12m, 0, 0m, 0m, 90_000m, -90_000m)));
    }

    [Test]
    public void Clawback_uses_the_issue_month_tier_recomputed_from_the_data()
    {
        var august = Sold("P0", 5.August(2026), 1_000_000m).CancelledOn(10.October(2026), 500_000m).Build();
        var augustClaim = Claims.On(august, "C1").Assessed(700_000m).ReportedOn(20.August(2026));

        var line = MetricsRun.For(AsOf, [august], claims: [augustClaim]).CommissionLines.Single();

        Assert.That((line.Kind, line.TierMonth, line.Tier, line.Amount), Is.EqualTo((CommissionLineKind.Clawback, new BusinessMonth(2026, 8), "C", 60_000m)));
    }

    [Test]
    public void Cancellation_in_the_issue_month_earns_and_claws_back_in_that_month()
    {
        var p = Sold("P1", 5.October(2026), 3_000m).CancelledOn(20.October(2026), 1_000m);

        var row = MetricsRun.For(AsOf, [p]).Report.CommissionRow();

        Assert.That(row, Is.EqualTo(new CommissionRow("B01", "PICC", Coverage.COMMERCIAL, "C", 0.12m, 1, 3_000m, 360m, 120m, 240m)));
    }

    [Test]
    public void Cancellation_in_a_later_month_claws_back_in_that_month_only()
    {
        var p = Sold("P1", 5.September(2026), 3_000m).CancelledOn(20.November(2026), 1_000m);

        var october = MetricsRun.For(AsOf, [p]).Report.Commission;
        var november = MetricsRun.For(30.November(2026), [p], month: new BusinessMonth(2026, 11)).Report.CommissionRow();

        Assert.That((october.Count, november.Policies, november.Clawback), Is.EqualTo((0, 0, 120m)));
    }

    [Test]
    public void Policy_without_branch_earns_no_commission()
    {
        var p = Sold("P1", 5.October(2026), 3_000m).NotSoldByGroup();

        var result = MetricsRun.For(AsOf, [p]);

        Assert.That((result.CommissionLines.Count, result.Report.Commission.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Claim_alone_makes_no_commission_row()
    {
        var old = Sold("P1", 5.June(2026), 3_000m).Build();

        var report = MetricsRun.For(AsOf, [old], claims: [Claims.On(old, "C1").ReferredTo("B01")]).Report;

        Assert.That(report.Commission, Is.Empty);
    }

    [Test]
    public void Insurer_with_its_own_schedule_uses_it()
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.InsurerSchedules["PINGAN"] = [new CommissionTierOptions { Name = "S", CommercialRate = 0.20m, CtplRate = 0.03m }];
        var sale = Sold("P1", 5.October(2026), 1_000m).Insurer("PINGAN");

        var row = MetricsRun.For(AsOf, [sale], options: options).Report.CommissionRow(insurer: "PINGAN");

        Assert.That((row.Tier, row.Rate, row.Commission), Is.EqualTo(("S", 0.20m, 200m)));
    }

    [Test]
    public void Rows_are_per_branch_insurer_and_coverage_in_code_order()
    {
        var a = Sold("P1", 5.October(2026), 1_000m).SoldBy("B02");
        var b = Policies.Ctpl("P2").IssuedOn(5.October(2026));
        var c = Sold("P3", 5.October(2026), 1_000m);
        var d = Sold("P4", 5.October(2026), 1_000m).Insurer("CPIC");

        var report = MetricsRun.For(AsOf, [a, b, c, d]).Report;

        Assert.That(
            report.Commission.Select(r => (r.Branch, r.Insurer, r.Coverage)),
            Is.EqualTo(MetricsRun.Seq(
                ("B01", "CPIC", Coverage.COMMERCIAL),
                ("B01", "PICC", Coverage.COMMERCIAL),
                ("B01", "PICC", Coverage.CTPL),
                ("B02", "PICC", Coverage.COMMERCIAL))));
    }
}
