using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;
using Reporting.Worker.CommandLine;

namespace Reporting.Tests.Metrics;

/// <summary>
/// The explanation of each metric on one small hand-made book (October 2026 as of 2026-11-15): its
/// lines and verdicts, its filters, totals equal to the export's rows, and no personal data.
/// </summary>
public class MetricsExplanationTests
{
    private static readonly DateOnly AsOf = 15.November(2026);

    /// <summary>
    /// B01 and B02 with PICC and CPIC. Cohort: P1 renewed by Q1 at B02 with CPIC (lead 15, W30); P2
    /// pending until 2026-11-19; P3 lapsed, lost on price; P4 lapsed, never contacted; P5 renewed
    /// early (lead 97) without an advisor. Sales in October: S1 (310 000, tier B), S2 CTPL, S3 sold
    /// and cancelled in October, S5 and N1 at B02; S4 sold 2025-08 and cancelled in October (a
    /// clawback at the tier of a month outside the 12). Claims: C1 referred to B01 on B01's S1,
    /// C2 referred to B01 on B02's P4, C3 withdrawn, C4 on a policy the store does not hold, C5
    /// repaired elsewhere, C6 in September (loss ratio only).
    /// </summary>
    private static MetricsResult Book()
    {
        var p1 = Policies.Commercial("P1").SoldBy("B01", "A001").ExpiringOn(5.October(2026)).Premium(3_000m).Build();
        var q1 = Policies.RenewalOf(p1, "Q1").Insurer("CPIC").SoldBy("B02", "A002").IssuedOn(20.September(2026)).Premium(3_200m).Build();
        var p2 = Policies.Commercial("P2").SoldBy("B01", "A001").ExpiringOn(20.October(2026)).Premium(4_100m).Build();
        var p3 = Policies.Commercial("P3").Insurer("CPIC").SoldBy("B01", "A002").ExpiringOn(3.October(2026)).Build();
        var p4 = Policies.Commercial("P4").SoldBy("B02", "A003").ExpiringOn(10.October(2026)).Build();
        var p5 = Policies.Commercial("P5").SoldBy("B02").ExpiringOn(25.October(2026)).Build();
        var q5 = Policies.RenewalOf(p5, "Q5").IssuedOn(20.July(2026)).Build();
        var s1 = Policies.Commercial("S1").SoldBy("B01", "A001").IssuedOn(8.October(2026)).EffectiveOn(9.October(2026)).Premium(310_000m).Build();
        var s2 = Policies.Ctpl("S2").SoldBy("B01", "A001").IssuedOn(8.October(2026)).EffectiveOn(9.October(2026)).Premium(950m).Build();
        var s3 = Policies.Commercial("S3").Insurer("CPIC").SoldBy("B01", "A002").IssuedOn(12.October(2026)).EffectiveOn(13.October(2026))
            .Premium(2_500m).CancelledOn(20.October(2026), 2_000m).Build();
        var s4 = Policies.Commercial("S4").SoldBy("B01", "A001").IssuedOn(10.August(2025)).EffectiveOn(15.August(2025))
            .Premium(5_000m).CancelledOn(5.October(2026), 300m).Build();
        var s5 = Policies.Commercial("S5").SoldBy("B02", "A003").Business(BusinessType.TRANSFER_IN).IssuedOn(15.October(2026))
            .EffectiveOn(16.October(2026)).Premium(1_800m).Build();
        var n1 = Policies.Commercial("N1").SoldBy("B02", "A003").NewCar().IssuedOn(16.October(2026)).EffectiveOn(16.October(2026)).Build();
        Claim[] claims =
        [
            Claims.On(s1, "C1").ReferredTo("B01").Assessed(20_000m),
            Claims.On(p4, "C2").ReferredTo("B01").Assessed(5_000m),
            Claims.On(p1, "C3").ReferredTo("B01").Withdrawn(),
            Claims.OnUnknownPolicy("CPIC", "X9", "C4").ReferredTo("B02").Assessed(7_000m),
            Claims.On(p2, "C5").RepairedAt(null),
            Claims.On(p2, "C6").ReportedOn(10.September(2026)),
        ];
        FollowUp[] followUps =
        [
            FollowUps.On(p2, "F1").ContactedOn(25.September(2026)).Outcome(FollowUpOutcome.QUOTED),
            FollowUps.On(p3, "F2").ContactedOn(20.September(2026)).Lost(LostReason.PRICE),
            FollowUps.On(p1, "F3").ContactedOn(10.August(2026)),
        ];
        return MetricsRun.For(AsOf, [p1, q1, p2, p3, p4, p5, q5, s1, s2, s3, s4, s5, n1], claims, followUps);
    }

    private static MetricsExplanation Explain(ExplainedMetric metric, string? branch = null, string? insurer = null, string? advisor = null) =>
        MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), metric, new ExplanationFilter(branch, insurer, advisor));

    /// <summary>The row of <paramref name="table"/> whose <paramref name="column"/> is <paramref name="value"/>, by column name.</summary>
    private static Dictionary<string, string?> Line(ExplanationTable table, string column, string value)
    {
        var rows = Enumerable.Range(0, table.Rows.Count).Where(r => table.Cell(r, column) == value).ToList();
        Assert.That(rows, Has.Count.EqualTo(1), $"one {table.Name} line with {column} = {value}");
        return table.Columns.Select((c, i) => (c, table.Rows[rows[0]][i])).ToDictionary(x => x.c, x => x.Item2, StringComparer.Ordinal);
    }

    [Test]
    public void Renewal_lines_show_each_cohort_policy_with_its_renewal_pending_date_or_lapse()
    {
        var renewal = Explain(ExplainedMetric.Renewal).Table("renewal");

        Assert.That(renewal.Column("policyNo"), Is.EqualTo(MetricsRun.Seq("P3", "P1", "P2", "P4", "P5")), "by branch, insurer, policy number");
        var p1 = Line(renewal, "policyNo", "P1");
        Assert.That(
            (p1["status"], p1["renewalInsurer"], p1["renewalPolicyNo"], p1["renewalBranch"], p1["renewalEffective"], p1["renewalIssue"], p1["lead"], p1["window"],
                p1["sameBranch"], p1["sameInsurer"], p1["premium"], p1["renewalPremium"]),
            Is.EqualTo(("renewed", "CPIC", "Q1", "B02", "2026-10-06", "2026-09-20", "15", "W30", "no", "no", "3000.00", "3200.00")));
        var p2 = Line(renewal, "policyNo", "P2");
        Assert.That((p2["status"], p2["graceEnds"], p2["renewalPolicyNo"]), Is.EqualTo(("pending", "2026-11-19", (string?)null)));
        Assert.That(Line(renewal, "policyNo", "P3")["status"], Is.EqualTo("lapsed"));
        Assert.That(Line(renewal, "policyNo", "P5")["window"], Is.EqualTo("EARLY"));
    }

    [Test]
    public void Conversion_lines_show_where_each_policy_was_at_risk_converted_and_contacted()
    {
        var conversion = Explain(ExplainedMetric.Conversion, branch: "B01").Table("conversion");

        var p1 = Line(conversion, "policyNo", "P1");
        Assert.That(
            (p1["W90"], p1["W60"], p1["W45"], p1["W30"], p1["W0"]),
            Is.EqualTo(("at risk", "at risk+contacted", "at risk", "converted", "renewed earlier")),
            "renewed with lead 15; contacted 56 days before expiry");
        var p2 = Line(conversion, "policyNo", "P2");
        Assert.That((p2["W30"], p2["W0"]), Is.EqualTo(("at risk+contacted", "at risk")));
    }

    [Test]
    public void Conversion_shows_windows_not_yet_begun()
    {
        var p = Policies.Commercial("P1").ExpiringOn(31.October(2026)).Build();
        var result = MetricsRun.For(15.August(2026), [p]);

        var line = MetricsExplanation.Explain(result, MetricsOptions.CreateDefault(), ExplainedMetric.Conversion).Table("conversion");

        Assert.That((line.Cell(0, "W90"), line.Cell(0, "W60")), Is.EqualTo(("at risk", "not begun")));
    }

    [Test]
    public void Referral_claims_show_their_role_for_each_branch()
    {
        var claims = Explain(ExplainedMetric.Referral).Table("claims");

        Assert.That(Line(claims, "claimNo", "C1")["role"], Is.EqualTo("referred repair value of B01; return-rate numerator and denominator of B01"));
        Assert.That(Line(claims, "claimNo", "C2")["role"], Is.EqualTo("referred repair value of B01; return-rate denominator of B02"));
        Assert.That(Line(claims, "claimNo", "C3")["role"], Is.EqualTo("not counted: withdrawn"));
        Assert.That(Line(claims, "claimNo", "C4")["role"], Is.EqualTo("referred repair value of B02"));
        Assert.That(Line(claims, "claimNo", "C5")["role"], Is.EqualTo("return-rate denominator of B01"));
        Assert.That(claims.Column("claimNo"), Does.Not.Contain("C6"), "reported in September");
    }

    [Test]
    public void Referral_written_premium_lines_are_sales_and_cancellations_of_the_month()
    {
        var written = Explain(ExplainedMetric.Referral, branch: "B01", insurer: "CPIC").Table("writtenPremium");

        Assert.That(
            Enumerable.Range(0, written.Rows.Count).Select(r => (written.Cell(r, "policyNo"), written.Cell(r, "kind"), written.Cell(r, "amount"))),
            Is.EqualTo(new[] { ("S3", "sale", "2500.00"), ("S3", "cancellation", "-2000.00") }));
    }

    [Test]
    public void Commission_shows_the_tier_the_figures_that_chose_it_and_every_tier_condition()
    {
        var explanation = Explain(ExplainedMetric.Commission, branch: "B01", insurer: "PICC");

        var tiers = explanation.Table("tiers");
        Assert.That(tiers.Column("month"), Is.EqualTo(MetricsRun.Seq("2026-10", "2025-08")), "the month first, then the clawback's issue month");
        var october = Line(tiers, "month", "2026-10");
        Assert.That(
            (october["writtenPremium"], october["lossRatioClaims"], october["lossRatioWrittenPremium"], october["lossRatio"], october["tier"], october["commercialRate"]),
            Is.EqualTo(("310650.00", "22000.00", "310650.00", "0.0708", "B", "0.15")));
        var conditions = explanation.Table("conditions");
        Assert.That(
            Enumerable.Range(0, 3).Select(r => (conditions.Cell(r, "tier"), conditions.Cell(r, "scaleMet"), conditions.Cell(r, "qualityMet"), conditions.Cell(r, "applies"))),
            Is.EqualTo(new[] { ("A", "no", "yes", "no"), ("B", "yes", "yes", "yes"), ("C", "yes", "yes", "no") }));
    }

    [Test]
    public void Commission_lines_and_clawbacks_show_premium_rate_and_amount()
    {
        var explanation = Explain(ExplainedMetric.Commission, branch: "B01");

        var s1 = Line(explanation.Table("sales"), "policyNo", "S1");
        Assert.That((s1["coverage"], s1["premium"], s1["tier"], s1["rate"], s1["commission"]), Is.EqualTo(("COMMERCIAL", "310000.00", "B", "0.15", "46500.00")));
        var s4 = Line(explanation.Table("clawbacks"), "policyNo", "S4");
        Assert.That(
            (s4["refund"], s4["issueMonth"], s4["tier"], s4["rate"], s4["clawback"]),
            Is.EqualTo(("300.00", "2025-08", "C", "0.12", "36.00")),
            "at the tier of the issue month, outside the 12 months");
        Assert.That(Line(explanation.Table("clawbacks"), "policyNo", "S3")["tier"], Is.EqualTo("C"), "CPIC's October tier");
    }

    [Test]
    public void A_tier_chosen_because_none_held_says_so()
    {
        var p = Policies.Commercial("P1").IssuedOn(5.August(2026)).CancelledOn(5.October(2026), 5_000m).Build();
        var result = MetricsRun.For(31.October(2026), [p]);

        var conditions = MetricsExplanation.Explain(result, MetricsOptions.CreateDefault(), ExplainedMetric.Commission).Table("conditions");

        Assert.That(conditions.Cell(2, "applies"), Is.EqualTo("yes (no tier held: the last applies)"), "written premium −5 000 meets no minimum");
    }

    [Test]
    public void Advisor_lines_show_band_and_kind_and_the_ranking_its_bonus()
    {
        var explanation = Explain(ExplainedMetric.Advisor);

        var lines = explanation.Table("incentives");
        var s1 = Line(lines, "policyNo", "S1");
        Assert.That((s1["band"], s1["kind"], s1["incentive"], s1["promotionCost"]), Is.EqualTo(("6000+", "earning", "40.00", "350.00")));
        var s3 = Line(lines, "policyNo", "S3");
        Assert.That((s3["kind"], s3["incentive"], s3["promotionCost"]), Is.EqualTo(("cancelled in issue month: no incentive; cost stands", "0.00", "80.00")));
        var s4 = Line(lines, "policyNo", "S4");
        Assert.That((s4["kind"], s4["clawback"]), Is.EqualTo(("clawback", "30.00")));
        Assert.That(lines.Column("policyNo"), Does.Not.Contain("N1"), "a new-car sale earns no incentive");
        var ranking = explanation.Table("ranking");
        Assert.That(
            Enumerable.Range(0, ranking.Rows.Count).Select(r => (ranking.Cell(r, "rank"), ranking.Cell(r, "advisor"), ranking.Cell(r, "bonus"))),
            Is.EqualTo(new[] { ("1", "A001", "300.00"), ("2", "A003", "200.00") }));
    }

    [Test]
    public void Lost_reason_lines_name_the_follow_up_the_reason_comes_from()
    {
        var lines = Explain(ExplainedMetric.LostReasons).Table("lostReasons");

        var p3 = Line(lines, "policyNo", "P3");
        Assert.That((p3["reason"], p3["lastLostFollowUp"], p3["lastLostContact"]), Is.EqualTo(("PRICE", "F2", "2026-09-20")));
        Assert.That(Line(lines, "policyNo", "P4")["reason"], Is.EqualTo("NOT_CONTACTED"));
        Assert.That(lines.Column("policyNo"), Does.Not.Contain("P2"), "pending, not lapsed");
    }

    [TestCase(ExplainedMetric.Renewal, "branch", "B02")]
    [TestCase(ExplainedMetric.Conversion, "branch", "B02")]
    [TestCase(ExplainedMetric.Renewal, "insurer", "CPIC")]
    [TestCase(ExplainedMetric.LostReasons, "advisor", "A003")]
    [TestCase(ExplainedMetric.Commission, "insurer", "CPIC")]
    [TestCase(ExplainedMetric.Advisor, "branch", "B02")]
    public void A_filter_narrows_the_lines_to_its_code(ExplainedMetric metric, string column, string code)
    {
        var explanation = Explain(
            metric,
            branch: column == "branch" ? code : null,
            insurer: column == "insurer" ? code : null,
            advisor: column == "advisor" ? code : null);

        var lines = explanation.Tables[0];
        Assert.That(lines.Rows, Is.Not.Empty);
        Assert.That(lines.Column(column), Is.All.EqualTo(code));
    }

    [TestCase(ExplainedMetric.Renewal, null, null, null)]
    [TestCase(ExplainedMetric.Renewal, "B01", null, null)]
    [TestCase(ExplainedMetric.Renewal, "B01", "PICC", null)]
    [TestCase(ExplainedMetric.Renewal, "B01", null, "A001")]
    [TestCase(ExplainedMetric.Renewal, "B02", null, null)]
    [TestCase(ExplainedMetric.Conversion, null, null, null)]
    [TestCase(ExplainedMetric.Conversion, "B01", null, null)]
    [TestCase(ExplainedMetric.Referral, null, null, null)]
    [TestCase(ExplainedMetric.Referral, "B01", null, null)]
    [TestCase(ExplainedMetric.Referral, "B02", "PICC", null)]
    [TestCase(ExplainedMetric.Commission, null, null, null)]
    [TestCase(ExplainedMetric.Commission, "B01", "PICC", null)]
    [TestCase(ExplainedMetric.Advisor, null, null, null)]
    [TestCase(ExplainedMetric.Advisor, "B01", null, "A001")]
    [TestCase(ExplainedMetric.LostReasons, null, null, null)]
    [TestCase(ExplainedMetric.LostReasons, "B02", null, null)]
    public void Totals_equal_the_metrics_rows_of_the_filter(ExplainedMetric metric, string? branch, string? insurer, string? advisor)
    {
        var result = Book();
        var explanation = MetricsExplanation.Explain(result, MetricsOptions.CreateDefault(), metric, new ExplanationFilter(branch, insurer, advisor));

        var totals = ExportSections.Parse(explanation.ToCsv()).GetValueOrDefault("totals") ?? [];
        var rows = ExportSections.Parse(MetricsExport.ToCsv(result.Report)).GetValueOrDefault(ExportSections.SectionOf(metric)) ?? [];

        Assert.That(totals, Is.Not.Empty);
        Assert.That(totals, Is.EqualTo(ExportSections.RowsOfFilter(rows, metric, branch, insurer, advisor)));
    }

    [Test]
    public void Totals_of_every_branch_add_up_to_the_group_renewal_row()
    {
        var result = Book();
        var group = result.Report.RenewalRow();

        var due = new[] { "B01", "B02" }
            .Select(b => MetricsExplanation.Explain(result, MetricsOptions.CreateDefault(), ExplainedMetric.Renewal, new ExplanationFilter(b)).Totals.Cell(0, "due"))
            .Sum(d => int.Parse(d!, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(due, Is.EqualTo(group.Due));
    }

    [Test]
    public void A_filter_that_does_not_apply_to_the_metric_is_refused()
    {
        Assert.That(() => Explain(ExplainedMetric.Referral, advisor: "A001"), Throws.ArgumentException.With.Message.Contains("not kept by an advisor"));
        Assert.That(() => Explain(ExplainedMetric.Advisor, insurer: "PICC"), Throws.ArgumentException.With.Message.Contains("not kept by an insurer"));
    }

    [Test]
    public void No_personal_data_appears_in_any_explanation()
    {
        // The builders give every policy the customer 张三, phone 13812341234, plate 粤B12345 and a VIN starting LVIN.
        foreach (var metric in Enum.GetValues<ExplainedMetric>())
        {
            var explanation = Explain(metric);
            foreach (var output in new[] { ExplainText.ToText(explanation), explanation.ToCsv() })
            {
                Assert.That(output, Does.Not.Contain("张三").And.Not.Contain("13812341234").And.Not.Contain("粤B").And.Not.Contain("LVIN"), metric.ToString());
            }
        }
    }

    [Test]
    public void Text_shows_money_with_2_decimals_rates_with_4_and_null_as_a_dash()
    {
        var text = ExplainText.ToText(Explain(ExplainedMetric.Renewal, branch: "B01"));

        Assert.That(text, Does.StartWith("explain renewal: month 2026-10 as of 2026-11-15, branch B01\n"));
        Assert.That(text, Does.Contain("3000.00").And.Contain("0.3333").And.Contain("—"));
    }

    [Test]
    public void Csv_has_a_heading_section_then_one_section_per_table()
    {
        var csv = Explain(ExplainedMetric.Renewal, branch: "B01").ToCsv();

        var blocks = csv.TrimEnd('\n').Split("\n\n");
        Assert.That(blocks[0], Is.EqualTo("section,metric,month,asOf,branch,insurer,advisor\nexplain,renewal,2026-10,2026-11-15,B01,,"));
        Assert.That(blocks.Select(b => b.Split('\n')[0].Split(',')[1]), Is.EqualTo(MetricsRun.Seq("metric", "insurer", "branch")));
        Assert.That(blocks[2].Split('\n')[1], Does.StartWith("totals,B01,*,*,3,"));
    }

    [Test]
    public void The_order_of_the_input_does_not_change_the_output()
    {
        var result = Book();
        var reversed = MetricsRun.For(
            AsOf,
            [.. result.Renewals.Select(v => v.Expiring).Reverse()],
            month: MetricsRun.October2026);

        var forward = MetricsRun.For(AsOf, [.. result.Renewals.Select(v => v.Expiring)], month: MetricsRun.October2026);

        Assert.That(
            ExplainText.ToText(MetricsExplanation.Explain(reversed, MetricsOptions.CreateDefault(), ExplainedMetric.LostReasons)),
            Is.EqualTo(ExplainText.ToText(MetricsExplanation.Explain(forward, MetricsOptions.CreateDefault(), ExplainedMetric.LostReasons))));
    }
}

/// <summary>Reads the CSV sections both the export and the explanation write, as rows of field → text.</summary>
internal static class ExportSections
{
    public static string SectionOf(ExplainedMetric metric) => metric == ExplainedMetric.LostReasons ? "lostReasons" : MetricsExplanation.NameOf(metric);

    /// <summary>Every section with rows, by name; the parsed fields hold no commas or quotes.</summary>
    public static Dictionary<string, List<Dictionary<string, string>>> Parse(string csv)
    {
        var sections = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var block in csv.TrimEnd('\n').Split("\n\n"))
        {
            var lines = block.Split('\n');
            var header = lines[0].Split(',');
            var rows = lines.Skip(1)
                .Select(l => l.Split(','))
                .Select(cells => header.Skip(1).Select((h, i) => (h, cells[i + 1])).ToDictionary(x => x.h, x => x.Item2, StringComparer.Ordinal))
                .ToList();
            if (lines.Length > 1)
            {
                sections[lines[1].Split(',')[0]] = rows;
            }
        }

        return sections;
    }

    /// <summary>The export rows a filter's totals must equal, by the keys each section is rolled up by.</summary>
    public static List<Dictionary<string, string>> RowsOfFilter(
        List<Dictionary<string, string>> rows, ExplainedMetric metric, string? branch, string? insurer, string? advisor)
    {
        bool Matches(Dictionary<string, string> row, string field, string? code) => code is null || row[field] == code;
        return metric switch
        {
            ExplainedMetric.Renewal => [.. rows.Where(r => r["branch"] == (branch ?? "*") && r["insurer"] == (insurer ?? "*") && r["advisor"] == (advisor ?? "*"))],
            ExplainedMetric.Conversion => [.. rows.Where(r => r["branch"] == (branch ?? "*"))],
            ExplainedMetric.Advisor => [.. rows.Where(r => Matches(r, "branch", branch) && Matches(r, "advisor", advisor))],
            ExplainedMetric.LostReasons => [.. rows.Where(r => Matches(r, "branch", branch))],
            _ => [.. rows.Where(r => Matches(r, "branch", branch) && Matches(r, "insurer", insurer))],
        };
    }
}
