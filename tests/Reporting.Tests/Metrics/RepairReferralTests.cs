using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.3 with §3.7, month 2026-10, branch B01 and insurer PICC unless said.</summary>
public class RepairReferralTests
{
    private static readonly DateOnly AsOf = 31.October(2026);

    private static PolicyBuilder Sold(string policyNo, DateOnly issued, decimal premium) =>
        Policies.Commercial(policyNo).IssuedOn(issued).EffectiveOn(issued).Premium(premium);

    [Test]
    public void Ratio_is_referred_repair_value_over_written_premium()
    {
        var p = Sold("P1", 5.October(2026), 100_000m).Build();
        var claim = Claims.On(p, "C1").ReferredTo("B01").Assessed(25_000m);

        var row = MetricsRun.For(AsOf, [p], claims: [claim]).Report.ReferralRow();

        Assert.That(
            (row.ReferredRepairValue, row.WrittenPremium, row.Ratio, row.Target, row.Variance),
            Is.EqualTo((25_000m, 100_000m, (decimal?)0.25m, 0.5m, (decimal?)-0.25m)));
    }

    [Test]
    public void Variance_is_computed_from_the_unrounded_ratio()
    {
        var p = Sold("P1", 5.October(2026), 100_000m).Build();
        var claim = Claims.On(p, "C1").ReferredTo("B01").Assessed(33_335m);

        var row = MetricsRun.For(AsOf, [p], claims: [claim]).Report.ReferralRow();

        Assert.That((row.Ratio, row.Variance), Is.EqualTo(((decimal?)0.3334m, (decimal?)-0.1667m)));
    }

    [Test]
    public void Written_premium_covers_both_coverages_less_refunds_of_cancellations_in_the_month()
    {
        var commercial = Sold("P1", 5.October(2026), 10_000m);
        var ctpl = Policies.Ctpl("P2").IssuedOn(6.October(2026)).Premium(950m);
        var cancelled = Sold("P3", 5.August(2026), 4_000m).CancelledOn(10.October(2026), 2_500m);

        var row = MetricsRun.For(AsOf, [commercial, ctpl, cancelled]).Report.ReferralRow();

        Assert.That(row.WrittenPremium, Is.EqualTo(8_450m));
    }

    [Test]
    public void Policy_issued_and_cancelled_in_the_month_counts_its_premium_and_its_refund()
    {
        var p = Sold("P1", 5.October(2026), 3_000m).CancelledOn(20.October(2026), 2_900m);

        Assert.That(MetricsRun.For(AsOf, [p]).Report.ReferralRow().WrittenPremium, Is.EqualTo(100m));
    }

    [Test]
    public void Negative_written_premium_gives_a_negative_ratio()
    {
        var cancelled = Sold("P1", 5.August(2026), 10_000m).CancelledOn(10.October(2026), 8_000m).Build();
        var claim = Claims.On(cancelled, "C1").ReferredTo("B01").Assessed(2_000m).ReportedOn(12.October(2026));

        var row = MetricsRun.For(AsOf, [cancelled], claims: [claim]).Report.ReferralRow();

        Assert.That((row.WrittenPremium, row.Ratio, row.Variance), Is.EqualTo((-8_000m, (decimal?)-0.25m, (decimal?)-0.75m)));
    }

    [Test]
    public void Zero_written_premium_gives_null_ratio_and_variance()
    {
        var old = Sold("P1", 5.June(2026), 10_000m).Build();
        var claim = Claims.On(old, "C1").ReferredTo("B01").Assessed(2_000m);

        var row = MetricsRun.For(AsOf, [old], claims: [claim]).Report.ReferralRow();

        Assert.That((row.WrittenPremium, row.Ratio, row.Variance), Is.EqualTo((0m, (decimal?)null, (decimal?)null)));
    }

    [Test]
    public void Withdrawn_unreferred_and_other_month_claims_add_no_repair_value()
    {
        var p = Sold("P1", 5.October(2026), 10_000m).Build();
        var counted = Claims.On(p, "C1").ReferredTo("B01").Assessed(1_000m);
        var withdrawn = Claims.On(p, "C2").ReferredTo("B01").Assessed(1_000m).Withdrawn();
        var notReferred = Claims.On(p, "C3").RepairedAt("B01").Assessed(1_000m);
        var september = Claims.On(p, "C4").ReferredTo("B01").Assessed(1_000m).ReportedOn(30.September(2026));
        var closed = Claims.On(p, "C5").ReferredTo("B01").Assessed(500m).Status(ClaimStatus.CLOSED);

        var row = MetricsRun.For(AsOf, [p], claims: [counted, withdrawn, notReferred, september, closed]).Report.ReferralRow();

        Assert.That(row.ReferredRepairValue, Is.EqualTo(1_500m));
    }

    [Test]
    public void Referred_claim_counts_for_the_repairing_branch_even_when_its_policy_is_not_in_the_store()
    {
        var claim = Claims.OnUnknownPolicy("PINGAN", "X9", "C1").ReferredTo("B02").Assessed(7_000m);

        var row = MetricsRun.For(AsOf, [], claims: [claim]).Report.ReferralRow("B02", "PINGAN");

        Assert.That((row.ReferredRepairValue, row.WrittenPremium, row.Ratio, row.ReturnRate), Is.EqualTo((7_000m, 0m, (decimal?)null, (decimal?)null)));
    }

    [Test]
    public void Return_rate_counts_claims_on_the_branchs_policies_repaired_at_the_branch()
    {
        var p = Sold("P1", 5.October(2026), 10_000m).Build();
        var atB01 = Claims.On(p, "C1").RepairedAt("B01");
        var atB02 = Claims.On(p, "C2").ReferredTo("B02").Assessed(5_000m);
        var elsewhere = Claims.On(p, "C3");
        var withdrawn = Claims.On(p, "C4").RepairedAt("B01").Withdrawn();

        var row = MetricsRun.For(AsOf, [p], claims: [atB01, atB02, elsewhere, withdrawn]).Report.ReferralRow();

        Assert.That(row.ReturnRate, Is.EqualTo(0.3333m));
    }

    [Test]
    public void Claim_referred_to_another_branch_gives_that_branch_a_row()
    {
        var p = Sold("P1", 5.October(2026), 10_000m).Build();
        var claim = Claims.On(p, "C1").ReferredTo("B02").Assessed(5_000m);

        var row = MetricsRun.For(AsOf, [p], claims: [claim]).Report.ReferralRow("B02");

        Assert.That((row.ReferredRepairValue, row.WrittenPremium, row.ReturnRate), Is.EqualTo((5_000m, 0m, (decimal?)null)));
    }

    [Test]
    public void Return_rate_is_null_without_claims_on_the_branchs_policies()
    {
        var p = Sold("P1", 5.October(2026), 10_000m);

        Assert.That(MetricsRun.For(AsOf, [p]).Report.ReferralRow().ReturnRate, Is.Null);
    }

    [Test]
    public void Target_is_the_insurers_own_when_configured()
    {
        var options = MetricsOptions.CreateDefault();
        options.Referral.InsurerTargets["PICC"] = 0.60m;
        var p = Sold("P1", 5.October(2026), 10_000m);

        var row = MetricsRun.For(AsOf, [p], options: options).Report.ReferralRow();

        Assert.That(row.Target, Is.EqualTo(0.60m));
    }

    [Test]
    public void Row_exists_for_a_cancellation_alone()
    {
        var cancelled = Sold("P1", 5.August(2026), 1_000m).CancelledOn(10.October(2026), 400m);

        Assert.That(MetricsRun.For(AsOf, [cancelled]).Report.ReferralRow().WrittenPremium, Is.EqualTo(-400m));
    }

    [Test]
    public void No_row_without_a_policy_issued_or_cancelled_or_a_claim_counted_in_the_month()
    {
        var september = Sold("P1", 5.September(2026), 1_000m).Build();
        var withdrawn = Claims.On(september, "C1").ReferredTo("B03").Withdrawn();
        var unreferredUnknown = Claims.OnUnknownPolicy("PICC", "X9", "C2").RepairedAt("B02");
        var notSold = Sold("P2", 5.October(2026), 1_000m).NotSoldByGroup();

        var report = MetricsRun.For(AsOf, [september, notSold], claims: [withdrawn, unreferredUnknown]).Report;

        Assert.That(report.Referral, Is.Empty);
    }

    [Test]
    public void Claim_on_a_branchs_policy_gives_it_a_row_through_the_return_rate()
    {
        var september = Sold("P1", 5.September(2026), 1_000m).Build();
        var claim = Claims.On(september, "C1").RepairedAt("B02");

        var row = MetricsRun.For(AsOf, [september], claims: [claim]).Report.ReferralRow();

        Assert.That((row.ReferredRepairValue, row.WrittenPremium, row.ReturnRate), Is.EqualTo((0m, 0m, (decimal?)0m)));
    }

    [Test]
    public void Rows_are_per_branch_and_insurer_in_code_order()
    {
        var a = Sold("P1", 5.October(2026), 1_000m).SoldBy("B02");
        var b = Sold("P2", 5.October(2026), 1_000m).Insurer("PINGAN");
        var c = Sold("P3", 5.October(2026), 1_000m).Insurer("CPIC");

        var report = MetricsRun.For(AsOf, [a, b, c]).Report;

        Assert.That(
            report.Referral.Select(r => (r.Branch, r.Insurer)),
            Is.EqualTo(MetricsRun.Seq(("B01", "CPIC"), ("B01", "PINGAN"), ("B02", "PICC"))));
    }
}
