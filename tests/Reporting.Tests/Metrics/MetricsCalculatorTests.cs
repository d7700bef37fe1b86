using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>The composition: one version per key in, rows that add up to their lines out.</summary>
public class MetricsCalculatorTests
{
    [Test]
    public void Two_versions_of_one_policy_are_refused()
    {
        var first = Policies.Commercial("P1").Build();
        var second = first with { Premium = 1m };

        Assert.That(() => MetricsRun.For(31.October(2026), [first, second]), Throws.ArgumentException.With.Message.Contains("(PICC, P1)"));
    }

    [Test]
    public void Commission_rows_add_up_to_their_lines()
    {
        var policies = Enumerable.Range(1, 7).Select(i => Policies.Commercial($"P{i}").IssuedOn(5.October(2026)).Premium(1_000.07m * i).Build());

        var result = MetricsRun.For(31.October(2026), policies);

        Assert.That(result.Report.CommissionRow().Commission, Is.EqualTo(result.CommissionLines.Sum(l => l.Amount)));
    }

    [Test]
    public void Without_commission_every_other_section_is_as_in_the_full_run_and_commission_is_empty()
    {
        // A sale, a renewal, a clawback and a claim: every section has rows in the full run. The
        // partial run gets only the month's sums, as the morning emails read them.
        var p1 = Policies.Commercial("P1").SoldBy("B01", "A001").ExpiringOn(31.October(2026)).Premium(3_000m).Build();
        var q1 = Policies.RenewalOf(p1, "Q1").IssuedOn(21.October(2026)).Premium(3_100.50m).Build();
        var cancelled = Policies.Commercial("X1").SoldBy("B01", "A002").IssuedOn(5.August(2026))
            .EffectiveOn(5.August(2026)).Premium(2_000m).CancelledOn(10.October(2026), 1_000.33m).Build();
        var claim = Claims.On(q1, "C1").ReferredTo("B01").Assessed(1_234.50m).ReportedOn(12.October(2026));
        Jobs.Domain.Policy[] policies = [p1, q1, cancelled];
        var month = MetricsRun.October2026;
        var full = MetricsCalculator.Calculate(new MetricsInput(5.November(2026), month, policies, [claim], [], MetricsOptions.CreateDefault()));
        var monthOnly = BranchMonthTotals.Between(BranchMonthTotals.From(policies, [claim]), month, month);

        var partial = MetricsCalculator.Calculate(
            new MetricsInput(5.November(2026), month, policies, [claim], [], MetricsOptions.CreateDefault(), monthOnly, WithoutCommission: true));

        Assert.That(full.Report.Commission, Is.Not.Empty);
        Assert.That(partial.Report.Commission, Is.Empty);
        Assert.That(partial.CommissionLines, Is.Empty);
        Assert.That(MetricsExport.ToJson(partial.Report), Is.EqualTo(MetricsExport.ToJson(full.Report with { Commission = [] })));
    }

    [Test]
    public void Same_input_gives_the_same_json()
    {
        Assert.That(
            MetricsExport.ToJson(MetricsExportTests.GoldenReport()),
            Is.EqualTo(MetricsExport.ToJson(MetricsExportTests.GoldenReport())));
    }
}
