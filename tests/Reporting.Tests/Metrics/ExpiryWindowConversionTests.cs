using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3.2 with §3.7, default windows W90 61…90, W60 46…60, W45 31…45, W30 1…30, W0 −30…0.</summary>
public class ExpiryWindowConversionTests
{
    private static readonly DateOnly Expiry = 31.October(2026);
    private static readonly DateOnly LateAsOf = 31.December(2026);
    private static readonly string[] WindowNames = ["W90", "W60", "W45", "W30", "W0"];

    private static Policy Expiring(string policyNo = "P1") => Policies.Commercial(policyNo).ExpiringOn(Expiry);

    private static Policy RenewedWithLead(Policy p, int lead, string policyNo = "Q1") =>
        Policies.RenewalOf(p, policyNo).IssuedOn(p.ExpiryDate.AddDays(-lead));

    [TestCase(91, "EARLY")]
    [TestCase(90, "W90")]
    [TestCase(61, "W90")]
    [TestCase(60, "W60")]
    [TestCase(46, "W60")]
    [TestCase(45, "W45")]
    [TestCase(31, "W45")]
    [TestCase(30, "W30")]
    [TestCase(1, "W30")]
    [TestCase(0, "W0")]
    [TestCase(-30, "W0")]
    [TestCase(-31, null)]
    public void Lead_falls_in_the_window_holding_it_boundaries_included(int lead, string? window)
    {
        Assert.That(ExpiryWindowConversion.WindowOf(lead, MetricsOptions.CreateDefault().Renewal.Windows), Is.EqualTo(window));
    }

    [TestCase(90, "W90")]
    [TestCase(61, "W90")]
    [TestCase(60, "W60")]
    [TestCase(46, "W60")]
    [TestCase(45, "W45")]
    [TestCase(31, "W45")]
    [TestCase(30, "W30")]
    [TestCase(1, "W30")]
    [TestCase(0, "W0")]
    [TestCase(-30, "W0")]
    public void Renewal_with_lead_on_a_window_boundary_converts_in_that_window_only(int lead, string window)
    {
        var p = Expiring();

        var report = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, lead)]).Report;

        Assert.That(
            WindowNames.Select(w => report.ConversionRow(w).Converted),
            Is.EqualTo(WindowNames.Select(w => w == window ? 1 : 0)));
    }

    [Test]
    public void Renewal_is_at_risk_in_its_window_and_the_windows_above_it_only()
    {
        var p = Expiring();

        var report = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, 31)]).Report;

        Assert.That(WindowNames.Select(w => report.ConversionRow(w).AtRisk), Is.EqualTo(MetricsRun.Seq(1, 1, 1, 0, 0)));
    }

    [Test]
    public void Early_renewal_is_at_risk_and_converted_nowhere_but_in_every_cumulative()
    {
        var p = Expiring();

        var report = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, 91)]).Report;

        Assert.That(
            WindowNames.Select(w => (report.ConversionRow(w).AtRisk, report.ConversionRow(w).Converted, report.ConversionRow(w).Cumulative)),
            Is.All.EqualTo((0, 0, (decimal?)1.0000m)));
    }

    [Test]
    public void Early_renewal_counts_in_the_renewal_rate()
    {
        var p = Expiring();

        var report = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, 91)]).Report;

        Assert.That(report.RenewalRow().Rate, Is.EqualTo(1m));
    }

    [Test]
    public void There_is_no_early_row()
    {
        var p = Expiring();

        var report = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, 91)]).Report;

        Assert.That(report.Conversion.Select(r => r.Window).Distinct(), Is.EqualTo(WindowNames));
    }

    [Test]
    public void Renewal_with_lead_below_the_lowest_window_is_renewed_but_in_no_window()
    {
        var p = Expiring();

        var result = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, -31)]);

        Assert.That(
            (result.Renewals.Single().IsRenewed,
                WindowNames.Sum(w => result.Report.ConversionRow(w).Converted),
                WindowNames.Sum(w => result.Report.ConversionRow(w).AtRisk),
                result.Report.ConversionRow("W0").Cumulative),
            Is.EqualTo((true, 0, 5, (decimal?)0m)));
    }

    [TestCase("W90", 90)]
    [TestCase("W60", 60)]
    [TestCase("W45", 45)]
    [TestCase("W30", 30)]
    [TestCase("W0", 0)]
    public void Unrenewed_policy_is_at_risk_from_the_day_its_window_begins(string window, int upper)
    {
        var begins = Expiry.AddDays(-upper);

        var before = MetricsRun.For(begins.AddDays(-1), [Expiring()]).Report.ConversionRow(window);
        var on = MetricsRun.For(begins, [Expiring()]).Report.ConversionRow(window);

        Assert.That((before.AtRisk, on.AtRisk), Is.EqualTo((0, 1)));
    }

    [Test]
    public void Rate_is_converted_over_at_risk()
    {
        var p1 = Expiring("P1");
        var p2 = Expiring("P2");
        var p3 = Expiring("P3");

        var row = MetricsRun.For(LateAsOf, [p1, p2, p3, RenewedWithLead(p1, 10, "Q1"), RenewedWithLead(p2, 40, "Q2")]).Report.ConversionRow("W30");

        Assert.That((row.AtRisk, row.Converted, row.Rate), Is.EqualTo((2, 1, (decimal?)0.5m)));
    }

    [Test]
    public void Cumulative_is_renewed_with_lead_at_or_above_the_lower_bound_over_due()
    {
        var p1 = Expiring("P1");
        var p2 = Expiring("P2");
        var p3 = Expiring("P3");

        var report = MetricsRun.For(LateAsOf, [p1, p2, p3, RenewedWithLead(p1, 46, "Q1")]).Report;

        Assert.That(
            WindowNames.Select(w => report.ConversionRow(w).Cumulative),
            Is.EqualTo(MetricsRun.Seq(0m, 0.3333m, 0.3333m, 0.3333m, 0.3333m)));
    }

    [Test]
    public void Rate_is_null_when_nothing_is_at_risk()
    {
        var row = MetricsRun.For(1.July(2026), [Expiring()]).Report.ConversionRow("W90");

        Assert.That((row.AtRisk, row.Rate), Is.EqualTo((0, (decimal?)null)));
    }

    [Test]
    public void At_risk_policy_with_a_follow_up_in_the_window_is_contacted()
    {
        var p = Expiring();
        var call = FollowUps.On(p, "F1").ContactedOn(Expiry.AddDays(-20)).Outcome(FollowUpOutcome.CALLBACK);

        var report = MetricsRun.For(LateAsOf, [p], followUps: [call]).Report;

        Assert.That(WindowNames.Select(w => report.ConversionRow(w).Contacted), Is.EqualTo(MetricsRun.Seq(0, 0, 0, 1, 0)));
    }

    [TestCase(30, 1)]
    [TestCase(31, 0)]
    public void Contact_counts_in_the_window_of_its_lead_boundaries_included(int lead, int contactedInW30)
    {
        var p = Expiring();
        var call = FollowUps.On(p, "F1").ContactedOn(Expiry.AddDays(-lead));

        var row = MetricsRun.For(LateAsOf, [p], followUps: [call]).Report.ConversionRow("W30");

        Assert.That(row.Contacted, Is.EqualTo(contactedInW30));
    }

    [Test]
    public void Follow_up_of_any_outcome_counts_as_contact()
    {
        var p = Expiring();
        var call = FollowUps.On(p, "F1").ContactedOn(Expiry.AddDays(-5)).Lost(LostReason.PRICE);

        Assert.That(MetricsRun.For(LateAsOf, [p], followUps: [call]).Report.ConversionRow("W30").Contacted, Is.EqualTo(1));
    }

    [Test]
    public void Policy_renewed_above_the_window_is_not_counted_as_contacted_there()
    {
        var p = Expiring();
        var call = FollowUps.On(p, "F1").ContactedOn(Expiry.AddDays(-20));

        var row = MetricsRun.For(LateAsOf, [p, RenewedWithLead(p, 40)], followUps: [call]).Report.ConversionRow("W30");

        Assert.That(row.Contacted, Is.EqualTo(0));
    }

    [Test]
    public void Contact_before_the_window_has_begun_for_the_as_of_date_does_not_count()
    {
        var p = Expiring();
        var call = FollowUps.On(p, "F1").ContactedOn(Expiry.AddDays(-20));

        var row = MetricsRun.For(Expiry.AddDays(-31), [p], followUps: [call]).Report.ConversionRow("W30");

        Assert.That((row.AtRisk, row.Contacted), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Group_conversion_rows_exist_for_an_empty_cohort()
    {
        var rows = MetricsRun.For(LateAsOf, []).Report.Conversion;

        Assert.That(rows, Is.EqualTo(WindowNames.Select(w => new ConversionRow("*", w, 0, 0, 0, null, null))));
    }

    [Test]
    public void Branch_conversion_rows_exist_only_for_branches_with_a_cohort()
    {
        var other = Policies.Commercial("X1").SoldBy("B02").ExpiringOn(30.November(2026));

        var rows = MetricsRun.For(LateAsOf, [Expiring(), other]).Report.Conversion;

        Assert.That(rows.Select(r => r.Branch).Distinct(), Is.EqualTo(MetricsRun.Seq("*", "B01")));
    }
}
