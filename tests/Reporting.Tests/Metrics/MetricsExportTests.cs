using System.Text.Json;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §4.1: the JSON shape (golden file) and the CSV sections.</summary>
public class MetricsExportTests
{
    private static MetricsReport EmptyReport(MetricsOptions? options = null) =>
        MetricsRun.For(31.October(2026), [], options: options).Report;

    /// <summary>
    /// A small month touching every section: a renewal by the same branch, a pending and a lapsed
    /// policy, a referred claim, a CTPL sale, a clawback, an advisor sale without a branch.
    /// </summary>
    internal static MetricsReport GoldenReport()
    {
        var p1 = Policies.Commercial("P1").SoldBy("B01", "A001").ExpiringOn(31.October(2026)).Premium(3_000m).Build();
        var q1 = Policies.RenewalOf(p1, "Q1").IssuedOn(21.October(2026)).Premium(3_100.50m).Build();
        var p2 = Policies.Commercial("P2").Insurer("PINGAN").ExpiringOn(15.October(2026)).Premium(2_500m).Build();
        var p3 = Policies.Commercial("P3").Insurer("CPIC").SoldBy("B02", "A002").ExpiringOn(1.October(2026)).Premium(4_200m).Build();
        var ctpl = Policies.Ctpl("T1").IssuedOn(21.October(2026)).EffectiveOn(1.November(2026)).Premium(950m).Build();
        var cancelled = Policies.Commercial("X1").Insurer("CPIC").SoldBy("B02", "A002").IssuedOn(5.August(2026))
            .EffectiveOn(5.August(2026)).Premium(2_000m).CancelledOn(10.October(2026), 1_000.33m).Build();
        var noBranch = Policies.Commercial("N1").SoldBy(null, "A003").IssuedOn(8.October(2026)).EffectiveOn(8.October(2026))
            .Premium(6_000m).Build();
        var claim = Claims.On(q1, "C1").ReferredTo("B01").Assessed(1_234.50m).ReportedOn(12.October(2026));
        var lost = FollowUps.On(p3, "F1").ContactedOn(20.September(2026)).Lost(LostReason.PRICE);

        return MetricsRun.For(5.November(2026), [p1, q1, p2, p3, ctpl, cancelled, noBranch], [claim], [lost]).Report;
    }

    [Test]
    public void Json_matches_the_verified_golden_file()
    {
        var json = MetricsExport.ToJson(GoldenReport());

        GoldenFile.Verify(json, "MetricsExport.verified.json");
    }

    [Test]
    public void Csv_matches_the_verified_golden_file()
    {
        var csv = MetricsExport.ToCsv(GoldenReport());

        GoldenFile.Verify(csv, "MetricsExport.verified.csv");
    }

    [Test]
    public void Json_has_the_top_level_fields_of_the_spec_in_order()
    {
        using var document = JsonDocument.Parse(MetricsExport.ToJson(EmptyReport()));

        Assert.That(
            document.RootElement.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(MetricsRun.Seq("asOf", "month", "renewal", "conversion", "referral", "commission", "advisor", "lostReasons")));
    }

    [Test]
    public void Empty_month_prints_the_group_rows_with_money_at_two_decimals_and_null_rates()
    {
        var json = MetricsExport.ToJson(EmptyReport());

        Assert.That(
            json,
            Does.Contain("""{"branch": "*", "insurer": "*", "advisor": "*", "due": 0, "duePremium": 0.00, "renewed": 0, "renewedPremium": 0.00, "renewedSameBranch": 0, "renewedSameInsurer": 0, "pending": 0, "lapsed": 0, "rate": null}"""));
    }

    [TestCase("0.5", "\"target\": 0.5,")]
    [TestCase("0.50", "\"target\": 0.50,")]
    public void Configured_target_is_printed_as_configured(string configured, string expected)
    {
        var options = MetricsOptions.CreateDefault();
        options.Referral.Target = decimal.Parse(configured, System.Globalization.CultureInfo.InvariantCulture);
        var sale = Policies.Commercial("P1").IssuedOn(5.October(2026));

        var json = MetricsExport.ToJson(MetricsRun.For(31.October(2026), [sale], options: options).Report);

        Assert.That(json, Does.Contain(expected));
    }

    [Test]
    public void Rates_are_printed_with_four_decimals()
    {
        var p = Policies.Commercial("P1").ExpiringOn(31.October(2026)).Build();

        var json = MetricsExport.ToJson(MetricsRun.For(31.December(2026), [p, Policies.RenewalOf(p, "Q1")]).Report);

        Assert.That(json, Does.Contain("\"rate\": 1.0000}"));
    }

    [Test]
    public void Csv_has_one_section_per_list_each_with_its_header()
    {
        var csv = MetricsExport.ToCsv(EmptyReport());

        Assert.That(
            csv.Split('\n').Where(l => l.StartsWith("section,", StringComparison.Ordinal)).Select(l => l.Split(',')[1]),
            Is.EqualTo(MetricsRun.Seq("asOf", "branch", "branch", "branch", "branch", "advisor", "branch")));
    }
}
