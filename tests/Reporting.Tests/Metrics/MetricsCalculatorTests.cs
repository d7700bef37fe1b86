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
    public void Same_input_gives_the_same_json()
    {
        Assert.That(
            MetricsExport.ToJson(MetricsExportTests.GoldenReport()),
            Is.EqualTo(MetricsExport.ToJson(MetricsExportTests.GoldenReport())));
    }
}
