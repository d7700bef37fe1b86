using System.Globalization;
using CsvHelper;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>
/// Issue 14, defect 8: formula injection. Codes from the extracts that begin like a formula are
/// neutralised (a <c>'</c> in front) in every CSV the product writes for people — the metrics export
/// and the explanations — and those still parse as CSV; numbers, negative ones included, are
/// written as they are.
/// </summary>
public sealed class CsvInjectionTests
{
    private const string Hyperlink = "=HYPERLINK(\"http://evil.example/a\",\"adv\")";
    private const string Branch2 = "-2+3";
    private const string Advisor1 = "@SUM(1+1)*cmd|' /C calc'!A0";
    private const string Advisor2 = "\t=1+1";
    private const string Advisor3 = "\r=1+1";
    private const string Insurer = "+PICC";
    private const string PolicyLikeANumber = "-12.50";

    private static readonly DateOnly AsOf = 15.November(2026);

    [TestCase("=1+1", "'=1+1")]
    [TestCase("+1", "'+1")]
    [TestCase("-1", "'-1")]
    [TestCase("@SUM(A1)", "'@SUM(A1)")]
    [TestCase("\t=1", "'\t=1")]
    [TestCase("\r=1", "\"'\r=1\"")]
    [TestCase(Hyperlink, "\"'=HYPERLINK(\"\"http://evil.example/a\"\",\"\"adv\"\")\"")]
    [TestCase("B01", "B01")]
    [TestCase("a,b", "\"a,b\"")]
    [TestCase(" =1", " =1")]
    [TestCase("", "")]
    public void A_text_field_that_begins_like_a_formula_gets_a_quote_in_front(string value, string written)
    {
        Assert.That(Written(csv => csv.WriteText(value)), Is.EqualTo(written + ",end\n"));
    }

    [TestCase("-12.50")]
    [TestCase("+1")]
    [TestCase("0.1800")]
    [TestCase("")]
    public void A_number_field_is_written_as_it_is(string value)
    {
        Assert.That(Written(csv => csv.WriteNumber(value)), Is.EqualTo(value + ",end\n"));
    }

    [Test]
    public void A_null_text_or_number_is_an_empty_field()
    {
        Assert.That(Written(csv => { csv.WriteText(null); csv.WriteNumber(null); }), Is.EqualTo(",,end\n"));
    }

    [Test]
    public void The_metrics_export_neutralises_every_hostile_code_and_still_parses_as_csv()
    {
        var sections = Sections(MetricsExport.ToCsv(Book().Report));

        var codes = sections.Values.SelectMany(rows => rows).SelectMany(r => r.Where(f => f.Key is "branch" or "insurer" or "advisor").Select(f => f.Value)).ToHashSet();
        Assert.That(codes, Is.SupersetOf(new[] { "'" + Hyperlink, "'" + Branch2, "'" + Advisor1, "'" + Advisor2, "'" + Advisor3, "'" + Insurer }));
        Assert.That(TextFields(sections, MetricsExplanation.NumberColumns).Where(StartsLikeAFormula), Is.Empty);
    }

    [Test]
    public void The_metrics_export_writes_numbers_as_they_are_negative_ones_included()
    {
        var report = Book().Report;
        var sections = Sections(MetricsExport.ToCsv(report));

        var advisor3 = sections["advisor"].Single(r => r["advisor"] == "'" + Advisor3);
        var expected = report.Advisor.Single(a => a.Advisor == Advisor3).Net;
        Assert.That(expected, Is.LessThan(0m), "the book has a negative figure");
        Assert.That(advisor3["net"], Is.EqualTo(expected.ToString("0.00", CultureInfo.InvariantCulture)));
        Assert.That(NumberFields(sections, MetricsExplanation.NumberColumns).Where(f => !IsNumber(f)), Is.Empty);
    }

    [TestCase(ExplainedMetric.Renewal)]
    [TestCase(ExplainedMetric.Conversion)]
    [TestCase(ExplainedMetric.Referral)]
    [TestCase(ExplainedMetric.Commission)]
    [TestCase(ExplainedMetric.Advisor)]
    [TestCase(ExplainedMetric.LostReasons)]
    public void An_explanation_neutralises_every_text_cell_that_begins_like_a_formula_and_still_parses_as_csv(ExplainedMetric metric)
    {
        var explanation = MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), metric);

        var sections = Sections(explanation.ToCsv());

        Assert.That(sections.Keys, Is.EqualTo(explanation.Tables.Where(t => t.Rows.Count > 0).Select(t => t.Name).Prepend("explain")));
        Assert.That(TextFields(sections, MetricsExplanation.NumberColumns).Where(StartsLikeAFormula), Is.Empty);
        var hostile = explanation.Tables.SelectMany(t => t.Rows).SelectMany(r => r).Where(c => c is not null && StartsLikeAFormula(c) && !IsNumber(c)).ToHashSet();
        Assert.That(hostile, Is.Not.Empty, "the book puts hostile codes into this explanation");
        Assert.That(TextFields(sections, MetricsExplanation.NumberColumns).ToHashSet(), Is.SupersetOf(hostile.Select(c => "'" + c)));
    }

    [TestCase(ExplainedMetric.Renewal)]
    [TestCase(ExplainedMetric.Conversion)]
    [TestCase(ExplainedMetric.Referral)]
    [TestCase(ExplainedMetric.Commission)]
    [TestCase(ExplainedMetric.Advisor)]
    [TestCase(ExplainedMetric.LostReasons)]
    public void An_explanation_writes_its_numbers_as_they_are(ExplainedMetric metric)
    {
        var explanation = MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), metric);

        var sections = Sections(explanation.ToCsv());

        var numbers = explanation.Tables.SelectMany(t => t.Columns.Select((c, i) => (c, i)).Where(x => MetricsExplanation.NumberColumns.Contains(x.c))
            .SelectMany(x => t.Rows.Select(r => r[x.i] ?? ""))).ToList();
        Assert.That(numbers.Where(n => !IsNumber(n)), Is.Empty, "every cell of a number column is a number: no text column is declared a number");
        Assert.That(NumberFields(sections, MetricsExplanation.NumberColumns), Is.EquivalentTo(numbers));
    }

    [Test]
    public void The_written_premium_of_a_cancellation_stays_negative_in_the_referral_explanation()
    {
        var explanation = MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), ExplainedMetric.Referral);

        var cancellation = Sections(explanation.ToCsv())["writtenPremium"].Single(r => r["kind"] == "cancellation");

        Assert.That(cancellation["amount"], Is.EqualTo("-300.00"));
    }

    [Test]
    public void A_policy_number_that_looks_like_a_negative_number_is_text_and_is_neutralised()
    {
        var explanation = MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), ExplainedMetric.Renewal);

        var lines = Sections(explanation.ToCsv())["renewal"];

        Assert.That(lines.Select(r => r["policyNo"]), Does.Contain("'" + PolicyLikeANumber));
    }

    [Test]
    public void A_hostile_filter_is_neutralised_in_the_explain_section()
    {
        var explanation = MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), ExplainedMetric.Renewal, new ExplanationFilter(Hyperlink));

        var heading = Sections(explanation.ToCsv())["explain"].Single();

        Assert.That(heading["branch"], Is.EqualTo("'" + Hyperlink));
    }

    [Test]
    public void Every_column_an_explanation_leaves_as_text_holds_text()
    {
        // A number column missing from NumberColumns would show its numbers with a quote in front.
        foreach (var metric in Enum.GetValues<ExplainedMetric>())
        {
            foreach (var table in MetricsExplanation.Explain(Book(), MetricsOptions.CreateDefault(), metric).Tables)
            {
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    var cells = table.Rows.Select(r => r[c]).OfType<string>().Where(v => v.Length > 0).ToList();
                    if (!MetricsExplanation.NumberColumns.Contains(table.Columns[c]) && cells.Count > 0)
                    {
                        Assert.That(cells.All(IsNumber), Is.False, $"{metric} {table.Name}.{table.Columns[c]}: {string.Join(" ", cells)}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// October 2026 as of 2026-11-15, every code an extract gives hostile: a cohort policy renewed
    /// (its number looks like a negative amount), one lapsed and lost, a sale with a referred claim,
    /// a clawback of a 2025 sale (negative written premium, an advisor with a negative net).
    /// </summary>
    private static MetricsResult Book()
    {
        var p1 = Policies.Commercial(PolicyLikeANumber).Insurer(Insurer).SoldBy(Hyperlink, Advisor1).ExpiringOn(5.October(2026)).Premium(3_000m).Build();
        var q1 = Policies.RenewalOf(p1, "=Q1").Premium(3_200m).Build();
        var p2 = Policies.Commercial("@P2").Insurer(Insurer).SoldBy(Branch2, Advisor2).ExpiringOn(3.October(2026)).Build();
        var s1 = Policies.Commercial("+S1").Insurer(Insurer).SoldBy(Branch2, Advisor2).IssuedOn(8.October(2026)).EffectiveOn(9.October(2026)).Premium(5_000m).Build();
        var s4 = Policies.Commercial("\tS4").Insurer(Insurer).SoldBy(Hyperlink, Advisor3).IssuedOn(10.August(2025)).EffectiveOn(15.August(2025))
            .Premium(5_000m).CancelledOn(5.October(2026), 300m).Build();
        Claim[] claims = [Claims.On(s1, "=CLAIM()").ReferredTo(Branch2).Assessed(1_000m)];
        FollowUp[] followUps = [FollowUps.On(p2, "+F1").ContactedOn(20.September(2026)).Lost(LostReason.PRICE)];
        return MetricsRun.For(AsOf, [p1, q1, p2, s1, s4], claims, followUps);
    }

    /// <summary>The sections of an export or explanation, read with CsvHelper (RFC 4180): per section its rows as field → value.</summary>
    private static Dictionary<string, List<Dictionary<string, string>>> Sections(string csv)
    {
        var sections = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        var options = new CsvReaderOptions { HasHeader = false, Mode = CsvMode.Rfc4180, AllowLineBreaksInQuotes = true, SkipEmptyLines = true };
        using var parser = CsvReader.Create(new StringReader(csv), options);
        string[] header = [];
        while (parser.Read())
        {
            var record = Enumerable.Range(0, parser.FieldCount).Select(parser.GetString).ToArray();
            if (record[0] == "section")
            {
                header = record;
                continue;
            }

            Assert.That(record, Has.Length.EqualTo(header.Length), "every row has its header's fields: " + string.Join("|", record));
            var row = header.Skip(1).Select((h, i) => (h, record[i + 1])).ToDictionary(x => x.h, x => x.Item2, StringComparer.Ordinal);
            if (!sections.TryGetValue(record[0], out var rows))
            {
                sections[record[0]] = rows = [];
            }

            rows.Add(row);
        }

        return sections;
    }

    private static IEnumerable<string> TextFields(Dictionary<string, List<Dictionary<string, string>>> sections, IReadOnlySet<string> numbers) =>
        sections.Values.SelectMany(rows => rows).SelectMany(r => r.Where(f => !numbers.Contains(f.Key)).Select(f => f.Value));

    private static IEnumerable<string> NumberFields(Dictionary<string, List<Dictionary<string, string>>> sections, IReadOnlySet<string> numbers) =>
        sections.Values.SelectMany(rows => rows).SelectMany(r => r.Where(f => numbers.Contains(f.Key)).Select(f => f.Value));

    /// <summary>One record as the exports write it: the fields <paramref name="write"/> writes, then a field <c>end</c>.</summary>
    private static string Written(Action<CsvWriter> write)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvCell.Options, leaveOpen: true))
        {
            write(csv);
            csv.WriteField("end");
            csv.EndRecord();
        }

        return text.ToString();
    }

    private static bool StartsLikeAFormula(string value) => value.Length > 0 && CsvCell.FormulaStarts.Contains(value[0], StringComparison.Ordinal);

    private static bool IsNumber(string value) =>
        value.Length == 0 || decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
}
