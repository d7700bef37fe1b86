using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing.Builders;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>
/// The morning email models from hand-made policies (SPEC §4): the call list's edges, yesterday's
/// renewals, the cohort and the group ranking. Business date D = 2026-11-21.
/// </summary>
public sealed class MorningEmailBuilderTests
{
    private static readonly DateOnly D = BusinessDate;

    private static PolicyBuilder Expiring(string policyNo, DateOnly expiry, string branch = "B01") =>
        Policies.Commercial(policyNo).ExpiringOn(expiry).SoldBy(branch, "A001");

    private static List<string> CallList(MorningEmails emails, string branch = "B01") =>
        [.. emails.Branch(branch).CallList.Select(c => c.PolicyNo)];

    [Test]
    public void Policies_expiring_on_the_business_date_and_thirty_days_after_are_on_the_call_list()
    {
        var emails = Build([Expiring("P1", D), Expiring("P2", D.AddDays(30))]);

        Assert.That(CallList(emails), Is.EqualTo(new[] { "P1", "P2" }));
    }

    [Test]
    public void A_policy_expiring_thirty_one_days_after_the_business_date_is_not_on_the_call_list()
    {
        var emails = Build([Expiring("P1", D.AddDays(31))]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_that_expired_the_day_before_is_not_on_the_call_list_though_still_pending()
    {
        var emails = Build([Expiring("P1", D.AddDays(-1))]);

        Assert.That(emails.Branch("B01").Cohort.Pending, Is.EqualTo(1));
        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_contacted_six_days_before_the_business_date_is_not_on_the_call_list()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p], [FollowUps.On(p, "F1").ContactedOn(D.AddDays(-6))]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_contacted_on_the_business_date_is_not_on_the_call_list()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p], [FollowUps.On(p, "F1").ContactedOn(D)]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_last_contacted_seven_days_before_is_on_the_call_list_with_that_contact()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p], [
            FollowUps.On(p, "F1").ContactedOn(D.AddDays(-20)).Outcome(FollowUpOutcome.NO_ANSWER),
            FollowUps.On(p, "F2").ContactedOn(D.AddDays(-7)).Outcome(FollowUpOutcome.QUOTED),
        ]);

        var entry = emails.Branch("B01").CallList.Single();
        Assert.That((entry.LastContactDate, entry.LastOutcome), Is.EqualTo(((DateOnly?)D.AddDays(-7), (FollowUpOutcome?)FollowUpOutcome.QUOTED)));
    }

    [Test]
    public void A_follow_up_dated_after_the_business_date_is_ignored()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p], [FollowUps.On(p, "F1").ContactedOn(D.AddDays(1))]);

        Assert.That(emails.Branch("B01").CallList.Single().LastContactDate, Is.Null);
    }

    [Test]
    public void A_renewed_policy_is_not_on_the_call_list()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p, Policies.RenewalOf(p, "Q1").IssuedOn(D.AddDays(-3))]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_renewed_by_a_sale_after_the_business_date_is_still_on_the_call_list()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p, Policies.RenewalOf(p, "Q1").IssuedOn(D.AddDays(1))]);

        Assert.That(CallList(emails), Is.EqualTo(new[] { "P1" }));
    }

    [Test]
    public void A_lapsed_policy_is_not_on_the_call_list()
    {
        var emails = Build([Expiring("P1", 1.October(2026))]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_policy_cancelled_before_expiry_is_not_on_the_call_list()
    {
        var emails = Build([Expiring("P1", D.AddDays(10)).CancelledOn(D.AddDays(-30), 500m)]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_compulsory_policy_is_not_on_the_call_list_when_commercial_renewals_are_chased()
    {
        var emails = Build([Policies.Ctpl("P1").ExpiringOn(D.AddDays(10)).SoldBy("B01", "A001")]);

        Assert.That(CallList(emails), Is.Empty);
    }

    [Test]
    public void A_branch_s_call_list_holds_only_its_own_policies()
    {
        var emails = Build([Expiring("P1", D.AddDays(5), "B01"), Expiring("P2", D.AddDays(5), "B02")]);

        Assert.That((CallList(emails, "B01"), CallList(emails, "B02")), Is.EqualTo((new List<string> { "P1" }, new List<string> { "P2" })));
    }

    [Test]
    public void The_call_list_is_sorted_by_expiry_then_policy_number()
    {
        var emails = Build([Expiring("P3", D.AddDays(5)), Expiring("P2", D.AddDays(9)), Expiring("P1", D.AddDays(5))]);

        Assert.That(CallList(emails), Is.EqualTo(new[] { "P1", "P3", "P2" }));
    }

    [Test]
    public void A_call_list_entry_shows_masked_customer_data_and_the_advisor_s_name()
    {
        var emails = Build([Expiring("P1", D.AddDays(5)).Premium(4321.5m)]);

        var entry = emails.Branch("B01").CallList.Single();
        Assert.That(
            (entry.MaskedName, entry.MaskedPhone, entry.MaskedPlate, entry.AdvisorName, entry.InsurerName, entry.Premium, entry.DaysToExpiry),
            Is.EqualTo(("张*", "138****1234", "粤B***45", "陈志强", "人保财险", 4321.50m, 5)));
    }

    [Test]
    public void A_renewal_issued_on_the_business_date_counts_as_yesterday_s_renewal_with_its_premium()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p, Policies.RenewalOf(p, "Q1").IssuedOn(D).Premium(3600m)]);

        Assert.That(emails.Branch("B01").Yesterday, Is.EqualTo(new YesterdayRenewals(1, 3600m)));
    }

    [Test]
    public void A_renewal_issued_the_day_before_the_business_date_is_not_yesterday_s_renewal()
    {
        Policy p = Expiring("P1", D.AddDays(10));

        var emails = Build([p, Policies.RenewalOf(p, "Q1").IssuedOn(D.AddDays(-1))]);

        Assert.That(emails.Branch("B01").Yesterday, Is.EqualTo(YesterdayRenewals.None));
    }

    [Test]
    public void Yesterday_s_renewals_count_cohorts_of_other_months()
    {
        // Expired 2026-10-25 and renewed in grace; expiring 2027-01-20, renewed 60 days ahead.
        Policy late = Expiring("P1", 25.October(2026));
        Policy early = Expiring("P2", 20.January(2027));

        var emails = Build([
            late, Policies.RenewalOf(late, "Q1").IssuedOn(D).EffectiveOn(D.AddDays(1)).Premium(1000m),
            early, Policies.RenewalOf(early, "Q2").IssuedOn(D).Premium(2000m),
        ]);

        Assert.That(emails.Branch("B01").Yesterday, Is.EqualTo(new YesterdayRenewals(2, 3000m)));
    }

    [Test]
    public void Yesterday_s_renewal_counts_for_the_branch_of_the_expiring_policy()
    {
        Policy p = Expiring("P1", D.AddDays(10), "B01");

        var emails = Build([p, Policies.RenewalOf(p, "Q1").SoldBy("B02").IssuedOn(D)]);

        Assert.That((emails.Branch("B01").Yesterday.Count, emails.Branch("B02").Yesterday.Count), Is.EqualTo((1, 0)));
    }

    [Test]
    public void The_cohort_is_the_month_of_the_business_date_with_the_branch_s_target()
    {
        Policy renewed = Expiring("P1", 5.November(2026));
        var options = MetricsOptions.CreateDefault();
        options.Renewal.BranchTargets["B01"] = 0.75m;

        var emails = Build([renewed, Policies.RenewalOf(renewed, "Q1"), Expiring("P2", 30.November(2026)), Expiring("P3", 1.December(2026))], options: options);

        var cohort = emails.Branch("B01").Cohort;
        Assert.That(
            (cohort.Month, cohort.Due, cohort.Renewed, cohort.Pending, cohort.Lapsed, cohort.Rate, cohort.Target),
            Is.EqualTo((new BusinessMonth(2026, 11), 2, 1, 1, 0, (decimal?)0.5m, 0.75m)));
    }

    [Test]
    public void A_branch_without_a_cohort_shows_every_window_empty()
    {
        var emails = Build([Expiring("P1", D.AddDays(5), "B02")]);

        Assert.That(emails.Branch("B01").Conversion.Select(w => (w.Window, w.AtRisk, w.Rate)), Is.EqualTo(new[]
        {
            ("W90", 0, (decimal?)null), ("W60", 0, null), ("W45", 0, null), ("W30", 0, null), ("W0", 0, null),
        }));
    }

    [Test]
    public void The_group_ranks_branches_by_renewal_rate_with_no_rate_last()
    {
        // B01 renews 1 of 2 (0.5), B02 2 of 2 (1.0), B03 has no cohort.
        Policy a1 = Expiring("A1", 5.November(2026), "B01"), a2 = Expiring("A2", 6.November(2026), "B01");
        Policy b1 = Expiring("B1", 5.November(2026), "B02"), b2 = Expiring("B2", 6.November(2026), "B02");

        var emails = Build([a1, a2, Policies.RenewalOf(a1, "QA1"), b1, b2, Policies.RenewalOf(b1, "QB1"), Policies.RenewalOf(b2, "QB2")]);

        Assert.That(
            emails.Group.Branches.Select(l => (l.Rank, l.Branch.Code, l.Cohort.Rate)),
            Is.EqualTo(new[] { ((int?)1, "B02", (decimal?)1m), (2, "B01", 0.5m), (null, "B03", null) }));
    }

    [Test]
    public void Branches_with_the_same_rate_rank_by_branch_code()
    {
        Policy b = Expiring("B1", 5.November(2026), "B02"), a = Expiring("A1", 5.November(2026), "B01");

        var emails = Build([b, Policies.RenewalOf(b, "QB"), a, Policies.RenewalOf(a, "QA")]);

        Assert.That(emails.Group.Branches.Select(l => (l.Rank, l.Branch.Code)).Take(2), Is.EqualTo(new[] { ((int?)1, "B01"), (2, "B02") }));
    }

    [Test]
    public void The_group_total_sums_every_branch_and_takes_the_group_renewal_row()
    {
        Policy a = Expiring("A1", D.AddDays(3), "B01"), b = Expiring("B1", D.AddDays(4), "B02");

        var emails = Build([a, b, Policies.RenewalOf(b, "QB").IssuedOn(D).Premium(2500m), Expiring("C1", D.AddDays(5), "B01")]);

        var total = emails.Group.Total;
        Assert.That(
            (total.Branch.Code, total.Cohort.Due, total.Cohort.Renewed, total.Cohort.Rate, total.Yesterday, total.CallListSize),
            Is.EqualTo(("*", 3, 1, (decimal?)0.3333m, new YesterdayRenewals(1, 2500m), 2)));
    }

    [Test]
    public void A_branch_in_the_data_but_not_in_the_reference_data_has_a_group_line_named_by_its_code()
    {
        var emails = Build([Expiring("P1", D.AddDays(5), "B99")]);

        var line = emails.Group.Branches.Single(l => l.Branch.Code == "B99");
        Assert.That((line.Branch.Display, line.CallListSize, emails.Branches.Any(b => b.Branch.Code == "B99")), Is.EqualTo(("B99", 1, false)));
    }

    [Test]
    public void There_is_one_branch_email_per_configured_branch_in_code_order() =>
        Assert.That(Build([]).Branches.Select(b => b.Branch.Code), Is.EqualTo(new[] { "B01", "B02", "B03" }));

    [Test]
    public void Metrics_of_another_date_are_refused()
    {
        var options = MetricsOptions.CreateDefault();
        var metrics = MetricsCalculator.Calculate(new MetricsInput(D.AddDays(-1), BusinessMonth.Of(D), [], [], [], options));
        var input = new MorningEmailInput(D, metrics, [], [], [], Reference, options, new(), TimeZoneInfo.Utc, null);

        Assert.That(() => MorningEmailBuilder.Build(input), Throws.ArgumentException);
    }
}
