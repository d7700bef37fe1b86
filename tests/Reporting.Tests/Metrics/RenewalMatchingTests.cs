using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.1 with §3.7. P expires 2026-10-31 unless said; grace 30; month 2026-10.</summary>
public class RenewalMatchingTests
{
    private static readonly DateOnly Expiry = 31.October(2026);
    private static readonly DateOnly LateAsOf = 31.December(2026);

    private static PolicyBuilder Expiring(string policyNo = "P1") => Policies.Commercial(policyNo).ExpiringOn(Expiry);

    private static RenewalVerdict Single(MetricsResult result) => result.Renewals.Single();

    [Test]
    public void Commercial_policy_of_a_branch_expiring_in_the_month_is_due()
    {
        var report = MetricsRun.For(LateAsOf, [Expiring().Premium(3456.78m)]).Report;

        Assert.That(report.RenewalRow(), Is.EqualTo(new RenewalRow("*", "*", "*", 1, 3456.78m, 0, 0m, 0, 0, 0, 1, 0m)));
    }

    [Test]
    public void Ctpl_policy_is_not_in_the_commercial_cohort()
    {
        var result = MetricsRun.For(LateAsOf, [Policies.Ctpl("P1").ExpiringOn(Expiry)]);

        Assert.That(result.Renewals, Is.Empty);
    }

    [Test]
    public void Renewal_coverage_is_configuration()
    {
        var options = MetricsOptions.CreateDefault();
        options.Renewal.Coverage = Coverage.CTPL;

        var result = MetricsRun.For(LateAsOf, [Policies.Ctpl("P1").ExpiringOn(Expiry), Expiring("P2")], options: options);

        Assert.That(result.Renewals.Select(v => v.Expiring.PolicyNo), Is.EqualTo(MetricsRun.Seq("P1")));
    }

    [Test]
    public void Policy_without_branch_is_not_in_the_cohort()
    {
        var result = MetricsRun.For(LateAsOf, [Expiring().NotSoldByGroup()]);

        Assert.That(result.Renewals, Is.Empty);
    }

    [TestCase(1, 10, true)]
    [TestCase(31, 10, true)]
    [TestCase(30, 9, false)]
    [TestCase(1, 11, false)]
    public void Cohort_is_the_policies_expiring_in_the_month(int day, int month, bool inCohort)
    {
        var result = MetricsRun.For(LateAsOf, [Policies.Commercial("P1").ExpiringOn(new DateOnly(2026, month, day))]);

        Assert.That(result.Renewals, Has.Count.EqualTo(inCohort ? 1 : 0));
    }

    [Test]
    public void Cancelled_on_the_expiry_day_is_out_of_the_cohort()
    {
        var result = MetricsRun.For(LateAsOf, [Expiring().CancelledOn(Expiry, 10m)]);

        Assert.That(result.Renewals, Is.Empty);
    }

    [Test]
    public void Cancelled_before_expiry_is_out_of_the_cohort()
    {
        var result = MetricsRun.For(LateAsOf, [Expiring().CancelledOn(1.June(2026), 1000m)]);

        Assert.That(result.Renewals, Is.Empty);
    }

    [Test]
    public void Cancelled_the_day_after_expiry_stays_in_the_cohort()
    {
        var result = MetricsRun.For(LateAsOf, [Expiring().CancelledOn(1.November(2026))]);

        Assert.That(Single(result).Status, Is.EqualTo(RenewalStatus.Lapsed));
    }

    [TestCase(-61, false)]
    [TestCase(-60, true)]
    [TestCase(0, true)]
    [TestCase(1, true)]
    [TestCase(31, true)]
    [TestCase(32, false)]
    public void Renewal_effective_date_must_lie_between_expiry_minus_60_and_expiry_plus_1_plus_grace(int daysAfterExpiry, bool renews)
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").EffectiveOn(Expiry.AddDays(daysAfterExpiry)).IssuedOn(1.July(2026));

        var verdict = Single(MetricsRun.For(LateAsOf, [p, q]));

        Assert.That(verdict.IsRenewed, Is.EqualTo(renews));
    }

    [Test]
    public void Renewal_effective_on_expiry_plus_grace_plus_one_counts()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").EffectiveOn(1.December(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).Renewal?.PolicyNo, Is.EqualTo("Q1"));
    }

    [Test]
    public void Renewal_effective_on_expiry_plus_grace_plus_two_does_not_count()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").EffectiveOn(2.December(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).Status, Is.EqualTo(RenewalStatus.Lapsed));
    }

    [Test]
    public void Grace_is_configuration()
    {
        var options = MetricsOptions.CreateDefault();
        options.Renewal.GraceDays = 10;
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").EffectiveOn(12.November(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q], options: options)).IsRenewed, Is.False);
    }

    [Test]
    public void Renewal_issued_after_the_as_of_date_does_not_count_yet()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").IssuedOn(21.October(2026));

        var verdict = Single(MetricsRun.For(20.October(2026), [p, q]));

        Assert.That(verdict.Status, Is.EqualTo(RenewalStatus.Pending));
    }

    [Test]
    public void Renewal_issued_on_the_as_of_date_counts()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").IssuedOn(20.October(2026));

        Assert.That(Single(MetricsRun.For(20.October(2026), [p, q])).Status, Is.EqualTo(RenewalStatus.Renewed));
    }

    [Test]
    public void Cancelled_renewal_does_not_count()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").CancelledOn(20.November(2026), 100m);

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).IsRenewed, Is.False);
    }

    [Test]
    public void Renewal_not_sold_by_the_group_does_not_count()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").NotSoldByGroup();

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).IsRenewed, Is.False);
    }

    [Test]
    public void Renewal_of_another_coverage_does_not_count()
    {
        var p = Expiring().Build();
        var q = Policies.Ctpl("Q1").ForVin(p.Vin).EffectiveOn(1.November(2026)).IssuedOn(20.October(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).IsRenewed, Is.False);
    }

    [Test]
    public void Renewal_of_another_vehicle_does_not_count()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").ForVin("LOTHERVIN00000000");

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).IsRenewed, Is.False);
    }

    [Test]
    public void Same_policy_number_with_another_insurer_is_a_different_policy_and_renews()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "P1").Insurer("PINGAN");

        var verdict = Single(MetricsRun.For(LateAsOf, [p, q]));

        Assert.That(verdict.Renewal?.Key, Is.EqualTo(new PolicyKey("PINGAN", "P1")));
    }

    [Test]
    public void Business_type_plays_no_part()
    {
        var p = Expiring().NewCar().Build();
        var q = Policies.RenewalOf(p, "Q1").NewCar();

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q])).IsRenewed, Is.True);
    }

    [Test]
    public void Earliest_effective_date_wins_among_candidates()
    {
        var p = Expiring().Build();
        var later = Policies.RenewalOf(p, "Q1").EffectiveOn(2.November(2026));
        var earlier = Policies.RenewalOf(p, "Q2").EffectiveOn(1.November(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, later, earlier])).Renewal?.PolicyNo, Is.EqualTo("Q2"));
    }

    [Test]
    public void Earliest_issue_date_breaks_a_tie_of_effective_dates()
    {
        var p = Expiring().Build();
        var later = Policies.RenewalOf(p, "Q1").IssuedOn(20.October(2026));
        var earlier = Policies.RenewalOf(p, "Q2").IssuedOn(19.October(2026));

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, later, earlier])).Renewal?.PolicyNo, Is.EqualTo("Q2"));
    }

    [Test]
    public void Lowest_policy_number_compared_ordinally_breaks_a_tie_of_dates()
    {
        var p = Expiring().Build();
        var q9 = Policies.RenewalOf(p, "Q9");
        var q10 = Policies.RenewalOf(p, "Q10");

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, q9, q10])).Renewal?.PolicyNo, Is.EqualTo("Q10"));
    }

    [Test]
    public void Lowest_insurer_code_breaks_a_tie_of_policy_numbers()
    {
        var p = Expiring().Build();
        var picc = Policies.RenewalOf(p, "Q1").Insurer("PICC");
        var cpic = Policies.RenewalOf(p, "Q1").Insurer("CPIC");

        Assert.That(Single(MetricsRun.For(LateAsOf, [p, picc, cpic])).Renewal?.InsurerCode, Is.EqualTo("CPIC"));
    }

    [Test]
    public void Renewed_premium_is_the_chosen_renewals_premium()
    {
        var p = Expiring().Premium(3000m).Build();
        var chosen = Policies.RenewalOf(p, "Q1").EffectiveOn(1.November(2026)).Premium(3100.50m);
        var other = Policies.RenewalOf(p, "Q2").EffectiveOn(5.November(2026)).Premium(9999m);

        var row = MetricsRun.For(LateAsOf, [p, chosen, other]).Report.RenewalRow();

        Assert.That(row.RenewedPremium, Is.EqualTo(3100.50m));
    }

    [Test]
    public void One_renewal_may_renew_several_expiring_policies()
    {
        var p1 = Expiring("P1").ForVin("LSAMEVIN000000001").Build();
        var p2 = Expiring("P2").ForVin("LSAMEVIN000000001").Insurer("PINGAN").Build();
        var q = Policies.RenewalOf(p1, "Q1");

        var row = MetricsRun.For(LateAsOf, [p1, p2, q]).Report.RenewalRow();

        Assert.That(row.Renewed, Is.EqualTo(2));
    }

    [Test]
    public void Unrenewed_policy_is_pending_on_the_last_day_of_grace()
    {
        var verdict = Single(MetricsRun.For(30.November(2026), [Expiring()]));

        Assert.That(verdict.Status, Is.EqualTo(RenewalStatus.Pending));
    }

    [Test]
    public void Unrenewed_policy_is_lapsed_the_day_after_grace()
    {
        var verdict = Single(MetricsRun.For(1.December(2026), [Expiring()]));

        Assert.That(verdict.Status, Is.EqualTo(RenewalStatus.Lapsed));
    }

    [Test]
    public void Renewal_by_another_branch_and_insurer_counts_but_not_as_same_branch_or_insurer()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").SoldBy("B02").Insurer("PINGAN");

        var row = MetricsRun.For(LateAsOf, [p, q]).Report.RenewalRow("B01");

        Assert.That(
            (row.Renewed, row.RenewedSameBranch, row.RenewedSameInsurer),
            Is.EqualTo((1, 0, 0)));
    }

    [Test]
    public void Renewal_by_the_same_branch_and_insurer_counts_as_both()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1");

        var row = MetricsRun.For(LateAsOf, [p, q]).Report.RenewalRow("B01");

        Assert.That((row.RenewedSameBranch, row.RenewedSameInsurer), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Rows_exist_for_group_branch_branch_insurer_and_branch_advisor()
    {
        var p1 = Expiring("P1").SoldBy("B01", "A001").Build();
        var p2 = Expiring("P2").SoldBy("B02").Insurer("PINGAN").Build();

        var keys = MetricsRun.For(LateAsOf, [p1, p2]).Report.Renewal.Select(r => (r.Branch, r.Insurer, r.Advisor));

        Assert.That(keys, Is.EqualTo(MetricsRun.Seq(
            ("*", "*", "*"),
            ("B01", "*", "*"),
            ("B01", "*", "A001"),
            ("B01", "PICC", "*"),
            ("B02", "*", "*"),
            ("B02", "PINGAN", "*"))));
    }

    [Test]
    public void Cohort_policy_without_advisor_has_no_advisor_row()
    {
        var report = MetricsRun.For(LateAsOf, [Expiring()]).Report;

        Assert.That(report.Renewal.Where(r => r.Advisor != "*"), Is.Empty);
    }

    [Test]
    public void Group_row_exists_for_an_empty_cohort_with_a_null_rate()
    {
        var report = MetricsRun.For(LateAsOf, []).Report;

        Assert.That(report.Renewal, Is.EqualTo(MetricsRun.Seq(new RenewalRow("*", "*", "*", 0, 0m, 0, 0m, 0, 0, 0, 0, null))));
    }

    [Test]
    public void Rate_is_renewed_over_due_rounded_to_four_decimals()
    {
        var p1 = Expiring("P1").Build();
        var p2 = Expiring("P2").Build();
        var p3 = Expiring("P3").Build();

        var row = MetricsRun.For(LateAsOf, [p1, p2, p3, Policies.RenewalOf(p1, "Q1"), Policies.RenewalOf(p2, "Q2")]).Report.RenewalRow();

        Assert.That(row.Rate, Is.EqualTo(0.6667m));
    }

    [Test]
    public void Rate_is_final_once_nothing_is_pending()
    {
        var pending = MetricsRun.For(15.November(2026), [Expiring()]).Report.RenewalRow();
        var closed = MetricsRun.For(1.December(2026), [Expiring()]).Report.RenewalRow();

        Assert.That((pending.IsFinal, closed.IsFinal), Is.EqualTo((false, true)));
    }

    [Test]
    public void Counts_split_into_renewed_pending_and_lapsed_per_branch()
    {
        var renewed = Expiring("P1").Build();
        var pending = Policies.Commercial("P2").ExpiringOn(25.October(2026)).Build();
        var lapsed = Policies.Commercial("P3").ExpiringOn(1.October(2026)).Build();

        var row = MetricsRun.For(5.November(2026), [renewed, pending, lapsed, Policies.RenewalOf(renewed, "Q1")]).Report.RenewalRow("B01");

        Assert.That((row.Due, row.Renewed, row.Pending, row.Lapsed), Is.EqualTo((3, 1, 1, 1)));
    }

    [Test]
    public void Lead_is_expiry_minus_issue_date_of_the_renewal()
    {
        var p = Expiring().Build();
        var q = Policies.RenewalOf(p, "Q1").IssuedOn(1.September(2026));

        var verdict = Single(MetricsRun.For(LateAsOf, [p, q]));

        Assert.That((verdict.LeadDays, verdict.Window), Is.EqualTo(((int?)60, "W60")));
    }

    [Test]
    public void Several_months_at_once_give_each_month_s_verdicts_in_month_order()
    {
        // P1 expires in October and is renewed by Q1, which itself expires a year later; P2 expires
        // in November, unrenewed. Q1 is a candidate for October and out of every cohort here.
        var p1 = Expiring("P1").Build();
        var q1 = Policies.RenewalOf(p1, "Q1").IssuedOn(15.October(2026));
        var p2 = Policies.Commercial("P2").ExpiringOn(30.November(2026)).Build();
        Policy[] policies = [p2, q1, p1];
        var months = new[] { new BusinessMonth(2026, 10), new BusinessMonth(2026, 11) };
        var options = MetricsOptions.CreateDefault();

        var together = RenewalMatching.Evaluate(policies, months, LateAsOf, options);
        var apart = months.SelectMany(m => RenewalMatching.Evaluate(policies, m, LateAsOf, options)).ToList();

        Assert.That(together, Is.EqualTo(apart));
        Assert.That(together.Select(v => (v.Expiring.PolicyNo, v.Status)), Is.EqualTo(new[] { ("P1", RenewalStatus.Renewed), ("P2", RenewalStatus.Lapsed) }));
    }
}
