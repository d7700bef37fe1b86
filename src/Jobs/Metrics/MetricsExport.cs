// SPEC §4.1 Metrics export format: the report as JSON (camelCase, "*" rows, money 2 dp, rates 4 dp, null) or as CSV sections.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>Writes a <see cref="MetricsReport"/> exactly as SPEC §4.1 shows it, or as CSV.</summary>
/// <remarks>
/// <para>JSON: one object; each row on one line, fields in SPEC's order. Money always has two
/// decimals (<c>0.00</c>, <c>-120.50</c>), computed rates four (<c>0.7500</c>), a rate with a zero
/// denominator is <c>null</c>; configured constants (referral <c>target</c>, commission
/// <c>rate</c>) keep the digits they were configured with (<c>0.5</c>, <c>0.18</c>). An advisor
/// row for policies sold without a branch has <c>"branch": null</c>.</para>
/// <para>CSV (RFC 4180, comma, LF; CsvHelper's writer, one per section): a <c>report</c> section with <c>asOf</c> and <c>month</c>, then
/// one section per list in JSON order, each a header line (<c>section</c> then the JSON field
/// names) and its rows, whose first field is the section name; sections are separated by an
/// empty line; null is an empty field; numbers are formatted as in JSON. Fields are written through
/// <see cref="CsvCell"/>: the code fields (branch, insurer, advisor, coverage, tier, window,
/// reason, and the dates of the <c>report</c> section) are text, neutralised when they begin like a
/// formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab, carriage return: a <c>'</c> in front);
/// the money, rate, count and configured fields are numbers and are written as they are.</para>
/// </remarks>
public static class MetricsExport
{
    private static readonly string[] RenewalFields =
        ["branch", "insurer", "advisor", "due", "duePremium", "renewed", "renewedPremium", "renewedSameBranch", "renewedSameInsurer", "pending", "lapsed", "rate"];

    private static readonly string[] ConversionFields =
        ["branch", "window", "atRisk", "converted", "contacted", "rate", "cumulative"];

    private static readonly string[] ReferralFields =
        ["branch", "insurer", "referredRepairValue", "writtenPremium", "ratio", "target", "variance", "returnRate"];

    private static readonly string[] CommissionFields =
        ["branch", "insurer", "coverage", "tier", "rate", "policies", "premium", "commission", "clawback", "net"];

    private static readonly string[] AdvisorFields =
        ["advisor", "branch", "policies", "incentive", "clawback", "bonus", "promotionCost", "net"];

    private static readonly string[] LostReasonFields = ["branch", "reason", "count"];

    public static string ToJson(MetricsReport report)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteJson(report, writer);
        return writer.ToString();
    }

    public static string ToCsv(MetricsReport report)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(report, writer);
        return writer.ToString();
    }

    public static void WriteJson(MetricsReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("{\n");
        writer.Write($"  \"asOf\": {Text(Date(report.AsOf))},\n");
        writer.Write($"  \"month\": {Text(report.Month.ToString())},\n");
        Section(writer, "renewal", RenewalFields, report.Renewal.Select(Values), last: false);
        Section(writer, "conversion", ConversionFields, report.Conversion.Select(Values), last: false);
        Section(writer, "referral", ReferralFields, report.Referral.Select(Values), last: false);
        Section(writer, "commission", CommissionFields, report.Commission.Select(Values), last: false);
        Section(writer, "advisor", AdvisorFields, report.Advisor.Select(Values), last: false);
        Section(writer, "lostReasons", LostReasonFields, report.LostReasons.Select(Values), last: true);
        writer.Write("}\n");
    }

    public static void WriteCsv(MetricsReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        CsvSection(writer, "report", ["asOf", "month"], [[Value.Of(Date(report.AsOf)), Value.Of(report.Month.ToString())]]);
        CsvSection(writer, "renewal", RenewalFields, report.Renewal.Select(Values));
        CsvSection(writer, "conversion", ConversionFields, report.Conversion.Select(Values));
        CsvSection(writer, "referral", ReferralFields, report.Referral.Select(Values));
        CsvSection(writer, "commission", CommissionFields, report.Commission.Select(Values));
        CsvSection(writer, "advisor", AdvisorFields, report.Advisor.Select(Values));
        CsvSection(writer, "lostReasons", LostReasonFields, report.LostReasons.Select(Values), last: true);
    }

    private static Value[] Values(RenewalRow r) =>
    [
        Value.Of(r.Branch), Value.Of(r.Insurer), Value.Of(r.Advisor), Value.Of(r.Due), Value.Money(r.DuePremium),
        Value.Of(r.Renewed), Value.Money(r.RenewedPremium), Value.Of(r.RenewedSameBranch), Value.Of(r.RenewedSameInsurer),
        Value.Of(r.Pending), Value.Of(r.Lapsed), Value.Rate(r.Rate),
    ];

    private static Value[] Values(ConversionRow r) =>
    [
        Value.Of(r.Branch), Value.Of(r.Window), Value.Of(r.AtRisk), Value.Of(r.Converted), Value.Of(r.Contacted),
        Value.Rate(r.Rate), Value.Rate(r.Cumulative),
    ];

    private static Value[] Values(ReferralRow r) =>
    [
        Value.Of(r.Branch), Value.Of(r.Insurer), Value.Money(r.ReferredRepairValue), Value.Money(r.WrittenPremium),
        Value.Rate(r.Ratio), Value.Configured(r.Target), Value.Rate(r.Variance), Value.Rate(r.ReturnRate),
    ];

    private static Value[] Values(CommissionRow r) =>
    [
        Value.Of(r.Branch), Value.Of(r.Insurer), Value.Of(r.Coverage.ToString()), Value.Of(r.Tier), Value.Configured(r.Rate),
        Value.Of(r.Policies), Value.Money(r.Premium), Value.Money(r.Commission), Value.Money(r.Clawback), Value.Money(r.Net),
    ];

    private static Value[] Values(AdvisorRow r) =>
    [
        Value.Of(r.Advisor), Value.Of(r.Branch), Value.Of(r.Policies), Value.Money(r.Incentive), Value.Money(r.Clawback),
        Value.Money(r.Bonus), Value.Money(r.PromotionCost), Value.Money(r.Net),
    ];

    private static Value[] Values(LostReasonRow r) => [Value.Of(r.Branch), Value.Of(r.Reason), Value.Of(r.Count)];

    private static void Section(TextWriter writer, string name, string[] fields, IEnumerable<Value[]> rows, bool last)
    {
        var lines = rows
            .Select(values => "    {" + string.Join(", ", fields.Select((f, i) => $"{Text(f)}: {values[i].Json}")) + "}")
            .ToList();
        var comma = last ? "" : ",";
        if (lines.Count == 0)
        {
            writer.Write($"  {Text(name)}: []{comma}\n");
            return;
        }

        writer.Write($"  {Text(name)}: [\n");
        writer.Write(string.Join(",\n", lines));
        writer.Write($"\n  ]{comma}\n");
    }

    /// <summary>One section: a CSV table of its own (CsvHelper's writer, every row as wide as its header), then an empty line.</summary>
    private static void CsvSection(TextWriter writer, string name, string[] fields, IEnumerable<Value[]> rows, bool last = false)
    {
        using (var csv = CsvWriter.Create(writer, CsvCell.Options, leaveOpen: true))
        {
            csv.WriteText("section");
            foreach (var field in fields)
            {
                csv.WriteText(field);
            }

            csv.EndRecord();
            foreach (var values in rows)
            {
                csv.WriteText(name);
                foreach (var value in values)
                {
                    value.WriteCsv(csv);
                }

                csv.EndRecord();
            }
        }

        if (!last)
        {
            writer.Write('\n');
        }
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A JSON string literal; non-ASCII text (Chinese codes, if any) is kept readable.</summary>
    private static string Text(string value) =>
        "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";

    /// <summary>One field: its JSON literal, and its CSV text written as text (neutralised) or as a number (as it is).</summary>
    private readonly record struct Value(string Json, string? Csv, bool IsNumber)
    {
        private const string Null = "null";

        public static Value Of(string? text) => text is null ? new(Null, null, false) : new(Text(text), text, false);

        public static Value Of(int number) => Number(number.ToString(CultureInfo.InvariantCulture));

        public static Value Money(decimal amount) => Number(Rounding.Money(amount).ToString("0.00", CultureInfo.InvariantCulture));

        public static Value Rate(decimal? rate) =>
            rate is { } r ? Number(Rounding.Rate(r).ToString("0.0000", CultureInfo.InvariantCulture)) : new(Null, null, true);

        /// <summary>A configured constant, with the digits it was configured with.</summary>
        public static Value Configured(decimal constant) => Number(constant.ToString(CultureInfo.InvariantCulture));

        public void WriteCsv(CsvWriter csv)
        {
            if (IsNumber)
            {
                csv.WriteNumber(Csv);
            }
            else
            {
                csv.WriteText(Csv);
            }
        }

        private static Value Number(string text) => new(text, text, true);
    }
}
