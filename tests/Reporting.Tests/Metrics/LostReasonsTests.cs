using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.6 with §3.7: P expires 2026-10-01 (grace ends 2026-10-31), lapsed as of 2026-11-01.</summary>
public class LostReasonsTests
{
    private static readonly DateOnly Expiry = 1.October(2026);
    private static readonly DateOnly AsOf = 1.November(2026);

    private static Policy Lapsing(string policyNo = "P1", string branch = "B01") =>
        Policies.Commercial(policyNo).SoldBy(branch).ExpiringOn(Expiry);

    private static IEnumerable<(string Branch, string Reason, int Count)> Rows(MetricsResult result) =>
        result.Report.LostReasons.Select(r => (r.Branch, r.Reason, r.Count));

    [Test]
    public void Lapsed_policy_counts_under_the_reason_of_its_lost_follow_up()
    {
        var p = Lapsing();
        var lost = FollowUps.On(p, "F1").ContactedOn(20.September(2026)).Lost(LostReason.PRICE);

        Assert.That(Rows(MetricsRun.For(AsOf, [p], followUps: [lost])), Is.EqualTo(MetricsRun.Seq(("B01", "PRICE", 1))));
    }

    [Test]
    public void Last_lost_follow_up_by_contact_date_gives_the_reason()
    {
        var p = Lapsing();
        var later = FollowUps.On(p, "F1").ContactedOn(25.September(2026)).Lost(LostReason.INSURED_ELSEWHERE);
        var earlier = FollowUps.On(p, "F2").ContactedOn(20.September(2026)).Lost(LostReason.PRICE);

        Assert.That(Rows(MetricsRun.For(AsOf, [p], followUps: [later, earlier])).Single().Reason, Is.EqualTo("INSURED_ELSEWHERE"));
    }

    [Test]
    public void Last_lost_follow_up_on_the_same_day_is_the_highest_follow_up_id()
    {
        var p = Lapsing();
        var f1 = FollowUps.On(p, "F1").ContactedOn(20.September(2026)).Lost(LostReason.VEHICLE_SOLD);
        var f2 = FollowUps.On(p, "F2").ContactedOn(20.September(2026)).Lost(LostReason.PRICE);

        Assert.That(Rows(MetricsRun.For(AsOf, [p], followUps: [f2, f1])).Single().Reason, Is.EqualTo("PRICE"));
    }

    [Test]
    public void Later_follow_up_of_another_outcome_does_not_replace_the_lost_reason()
    {
        var p = Lapsing();
        var lost = FollowUps.On(p, "F1").ContactedOn(20.September(2026)).Lost(LostReason.FRIEND_AT_INSURER);
        var quoted = FollowUps.On(p, "F2").ContactedOn(28.September(2026)).Outcome(FollowUpOutcome.QUOTED);

        Assert.That(Rows(MetricsRun.For(AsOf, [p], followUps: [lost, quoted])).Single().Reason, Is.EqualTo("FRIEND_AT_INSURER"));
    }

    [Test]
    public void Lapsed_policy_without_any_follow_up_is_not_contacted()
    {
        Assert.That(Rows(MetricsRun.For(AsOf, [Lapsing()])), Is.EqualTo(MetricsRun.Seq(("B01", "NOT_CONTACTED", 1))));
    }

    [Test]
    public void Lapsed_policy_with_follow_ups_but_none_lost_has_no_reason()
    {
        var p = Lapsing();
        var call = FollowUps.On(p, "F1").ContactedOn(20.September(2026)).Outcome(FollowUpOutcome.NO_ANSWER);

        Assert.That(Rows(MetricsRun.For(AsOf, [p], followUps: [call])), Is.EqualTo(MetricsRun.Seq(("B01", "NO_REASON", 1))));
    }

    [Test]
    public void Follow_ups_on_other_policies_do_not_count()
    {
        var p = Lapsing("P1");
        var other = Lapsing("P2");
        var lost = FollowUps.On(other, "F1").ContactedOn(20.September(2026)).Lost(LostReason.PRICE);

        var rows = Rows(MetricsRun.For(AsOf, [p, Policies.RenewalOf(other, "Q2")], followUps: [lost]));

        Assert.That(rows, Is.EqualTo(MetricsRun.Seq(("B01", "NOT_CONTACTED", 1))));
    }

    [Test]
    public void Renewed_and_pending_policies_have_no_lost_reason()
    {
        var renewed = Lapsing("P1");
        var pending = Policies.Commercial("P2").ExpiringOn(31.October(2026));

        var result = MetricsRun.For(AsOf, [renewed, Policies.RenewalOf(renewed, "Q1"), pending]);

        Assert.That(result.Report.LostReasons, Is.Empty);
    }

    [Test]
    public void Lost_reasons_are_counted_before_the_cohort_closes()
    {
        var lapsed = Lapsing("P1");
        var pending = Policies.Commercial("P2").ExpiringOn(31.October(2026));

        var result = MetricsRun.For(AsOf, [lapsed, pending]);

        Assert.That((result.Report.RenewalRow().IsFinal, Rows(result).Single().Count), Is.EqualTo((false, 1)));
    }

    [Test]
    public void Rows_are_per_branch_with_a_count_above_zero_in_reason_order()
    {
        var a = Lapsing("P1", "B02");
        var b = Lapsing("P2", "B01");
        var c = Lapsing("P3", "B01");
        var d = Lapsing("P4", "B01");
        var followUps = new FollowUp[]
        {
            FollowUps.On(b, "F1").Lost(LostReason.OTHER),
            FollowUps.On(c, "F2").Lost(LostReason.PRICE),
            FollowUps.On(d, "F3").Lost(LostReason.PRICE),
        };

        var rows = Rows(MetricsRun.For(AsOf, [a, b, c, d], followUps: followUps));

        Assert.That(rows, Is.EqualTo(MetricsRun.Seq(("B01", "PRICE", 2), ("B01", "OTHER", 1), ("B02", "NOT_CONTACTED", 1))));
    }
}
