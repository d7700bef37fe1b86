// SPEC §3 and §4.1: the policy and claim lines behind a metrics figure, with each rule's verdict ("why is my number this").
using System.Globalization;
using CsvHelper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>The figure an explanation is about: one section of the §4.1 export.</summary>
public enum ExplainedMetric
{
    Renewal,
    Conversion,
    Referral,
    Commission,
    Advisor,
    LostReasons,
}

/// <summary>Narrows the lines explained; a null code means "all".</summary>
public sealed record ExplanationFilter(string? Branch = null, string? Insurer = null, string? Advisor = null)
{
    public static ExplanationFilter None { get; } = new();

    internal bool BranchIs(string? branch) => Branch is null || string.Equals(Branch, branch, StringComparison.Ordinal);

    internal bool InsurerIs(string? insurer) => Insurer is null || string.Equals(Insurer, insurer, StringComparison.Ordinal);

    internal bool AdvisorIs(string? advisor) => Advisor is null || string.Equals(Advisor, advisor, StringComparison.Ordinal);
}

/// <summary>
/// One table of an explanation: already formatted cells (money 2 dp, rates 4 dp, configured
/// constants as configured, dates ISO, invariant culture); a null cell is a null figure.
/// </summary>
public sealed record ExplanationTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)
{
    /// <summary>The cell of <paramref name="column"/> in row <paramref name="row"/>.</summary>
    public string? Cell(int row, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        if (index < 0)
        {
            throw new ArgumentException($"Table {Name} has no column {column}.", nameof(column));
        }

        return Rows[row][index];
    }

    /// <summary>Every cell of <paramref name="column"/>, top to bottom.</summary>
    public IReadOnlyList<string?> Column(string column) => [.. Enumerable.Range(0, Rows.Count).Select(r => Cell(r, column))];
}

/// <summary>
/// The lines behind one section of the metrics export for a month as of a business date, each with
/// the rule's verdict, and totals recomputed from exactly the lines shown. Pure: it reads the
/// <see cref="MetricsResult"/> the report was rolled up from, so an explanation cannot disagree with
/// the figure it explains.
/// </summary>
/// <remarks>
/// <para>The totals table uses the §4.1 field names and formats, keyed like the metrics rows. When the
/// filter is one the metrics rows are keyed by (renewal <c>--branch B01</c> is the row
/// <c>B01,*,*</c>; <c>--branch B01 --insurer PICC</c> is <c>B01,PICC,*</c>; referral and commission by
/// branch and insurer; advisor by advisor and branch), each totals line equals that metrics row.
/// Other filters (renewal by insurer alone) give totals of the lines shown, which no metrics row
/// holds.</para>
/// <para>No personal data: policies are shown by insurer and policy number, never by customer
/// name, phone, ID number, plate or VIN; follow-ups by id and date, never by their free-text note.</para>
/// </remarks>
public sealed partial class MetricsExplanation
{
    private const string Yes = "yes";
    private const string No = "no";

    private static readonly string[] ConversionColumns = ["insurer", "policyNo", "branch", "advisor", "expiry", "status", "lead", "window"];

    private MetricsExplanation(DateOnly asOf, BusinessMonth month, ExplainedMetric metric, ExplanationFilter filter, IReadOnlyList<ExplanationTable> tables)
    {
        AsOf = asOf;
        Month = month;
        Metric = metric;
        Filter = filter;
        Tables = tables;
    }

    public DateOnly AsOf { get; }

    public BusinessMonth Month { get; }

    public ExplainedMetric Metric { get; }

    public ExplanationFilter Filter { get; }

    public IReadOnlyList<ExplanationTable> Tables { get; }

    /// <summary>The totals recomputed from the lines, in the metrics rows' shape.</summary>
    public ExplanationTable Totals => Table("totals");

    public ExplanationTable Table(string name) =>
        Tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"The {NameOf(Metric)} explanation has no table {name}.", nameof(name));

    /// <summary>The command-line name of a metric: <c>renewal</c>, …, <c>lostreasons</c>.</summary>
    public static string NameOf(ExplainedMetric metric) => metric.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> MetricNames { get; } = [.. Enum.GetValues<ExplainedMetric>().Select(NameOf)];

    public static bool TryParseMetric(string? text, out ExplainedMetric metric)
    {
        foreach (var candidate in Enum.GetValues<ExplainedMetric>())
        {
            if (string.Equals(NameOf(candidate), text, StringComparison.Ordinal))
            {
                metric = candidate;
                return true;
            }
        }

        metric = default;
        return false;
    }

    /// <summary>Which of branch, insurer and advisor narrow the lines of <paramref name="metric"/>.</summary>
    public static (bool Branch, bool Insurer, bool Advisor) FiltersOf(ExplainedMetric metric) => metric switch
    {
        ExplainedMetric.Referral or ExplainedMetric.Commission => (true, true, false),
        ExplainedMetric.Advisor => (true, false, true),
        _ => (true, true, true),
    };

    /// <summary>
    /// Explains <paramref name="metric"/>. <paramref name="options"/> must be those the result was
    /// computed with (windows, referral targets and commission schedules are printed from them).
    /// </summary>
    /// <exception cref="ArgumentException">A filter that does not apply to the metric (an advisor for referral).</exception>
    public static MetricsExplanation Explain(MetricsResult result, MetricsOptions options, ExplainedMetric metric, ExplanationFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        filter ??= ExplanationFilter.None;
        var applies = FiltersOf(metric);
        if ((filter.Insurer is not null && !applies.Insurer) || (filter.Advisor is not null && !applies.Advisor))
        {
            var which = filter.Insurer is not null && !applies.Insurer ? "an insurer" : "an advisor";
            throw new ArgumentException($"The {NameOf(metric)} figures are not kept by {which}; filter them by {Applicable(applies)}.", nameof(filter));
        }

        var tables = metric switch
        {
            ExplainedMetric.Renewal => Renewal(result, filter),
            ExplainedMetric.Conversion => Conversion(result, options, filter),
            ExplainedMetric.Referral => Referral(result, options, filter),
            ExplainedMetric.Commission => Commission(result, options, filter),
            ExplainedMetric.Advisor => Advisor(result, filter),
            _ => Lost(result, filter),
        };
        return new MetricsExplanation(result.Report.AsOf, result.Report.Month, metric, filter, tables);
    }

    private static string Applicable((bool Branch, bool Insurer, bool Advisor) applies) =>
        string.Join(" and ", new[] { (applies.Branch, "branch"), (applies.Insurer, "insurer"), (applies.Advisor, "advisor") }.Where(a => a.Item1).Select(a => a.Item2));

    /// <summary>
    /// The first line of the text form: metric, month, as-of date and filter
    /// (<c>explain renewal: month 2026-10 as of 2026-11-15, branch B01</c>). The text form itself,
    /// a console table per <see cref="Tables"/> entry, is the command line's (<c>ExplainText</c>).
    /// </summary>
    public string Heading => string.Create(CultureInfo.InvariantCulture, $"explain {NameOf(Metric)}: month {Month} as of {Date(AsOf)}, {FilterText()}");

    private string FilterText()
    {
        var parts = new[] { ("branch", Filter.Branch), ("insurer", Filter.Insurer), ("advisor", Filter.Advisor) }
            .Where(p => p.Item2 is not null)
            .Select(p => p.Item1 + " " + p.Item2)
            .ToList();
        return parts.Count == 0 ? "all branches" : string.Join(", ", parts);
    }

    /// <summary>
    /// The columns, in every table, whose cells are numbers this explanation formatted itself
    /// (money, rates, counts, days, configured constants): written into CSV as they are. Every other
    /// column — codes, policy and claim numbers, dates, months, verdicts, and the columns named by
    /// expiry windows — is text, and <see cref="ToCsv"/> neutralises its cells (<see cref="CsvCell"/>).
    /// A column is one or the other by its name, the same in every table; a column missing here is
    /// text, so a number column left out shows with a <c>'</c>, never a formula that runs.
    /// </summary>
    public static IReadOnlySet<string> NumberColumns { get; } = System.Collections.Frozen.FrozenSet.ToFrozenSet(
    [
        "due", "duePremium", "renewed", "renewedPremium", "renewedSameBranch", "renewedSameInsurer", "pending", "lapsed", "rate",
        "premium", "renewalPremium", "lead", "atRisk", "converted", "contacted", "cumulative",
        "assessed", "amount", "referredRepairValue", "writtenPremium", "ratio", "target", "variance", "returnRate",
        "lossRatioClaims", "lossRatioWrittenPremium", "lossRatio", "commercialRate", "ctplRate", "minWrittenPremium", "maxLossRatio",
        "policies", "commission", "refund", "clawback", "net", "incentive", "promotionCost", "rank", "bonus", "count",
    ], StringComparer.Ordinal);

    /// <summary>
    /// CSV as the metrics export writes it (RFC 4180, comma, LF): an <c>explain</c> section with the
    /// metric, month, date and filter, then one section per table, each a header line
    /// (<c>section</c> then the column names) and rows starting with the section name; sections are
    /// separated by one empty line; a null figure is an empty field. Cells of
    /// <see cref="NumberColumns"/> are written as they are; every other cell is text and is
    /// neutralised when it begins like a formula (<see cref="CsvCell.WriteText"/>).
    /// </summary>
    public string ToCsv()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Section(writer, "explain", ["metric", "month", "asOf", "branch", "insurer", "advisor"], [Row(NameOf(Metric), Month.ToString(), Date(AsOf), Filter.Branch, Filter.Insurer, Filter.Advisor)]);
        foreach (var table in Tables)
        {
            writer.Write('\n');
            Section(writer, table.Name, table.Columns, table.Rows);
        }

        return writer.ToString();
    }

    /// <summary>One section: a CSV table of its own (CsvHelper's writer, every row as wide as its header).</summary>
    private static void Section(TextWriter writer, string name, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var numbers = columns.Select(NumberColumns.Contains).ToArray();
        using var csv = CsvWriter.Create(writer, CsvCell.Options, leaveOpen: true);
        csv.WriteText("section");
        foreach (var column in columns)
        {
            csv.WriteText(column);
        }

        csv.EndRecord();
        foreach (var row in rows)
        {
            csv.WriteText(name);
            for (var i = 0; i < row.Count; i++)
            {
                if (numbers[i])
                {
                    csv.WriteNumber(row[i]);
                }
                else
                {
                    csv.WriteText(row[i]);
                }
            }

            csv.EndRecord();
        }
    }

    private static string?[] Row(params string?[] cells) => cells;

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);

    private static string Key(string? code) => code ?? MetricsKeys.All;

    private static string StatusOf(RenewalStatus status) => status.ToString().ToLowerInvariant();

    private static string YesNo(bool value) => value ? Yes : No;

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Int(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => Rounding.Money(amount).ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Rate(decimal? rate) => rate is { } r ? Rounding.Rate(r).ToString("0.0000", CultureInfo.InvariantCulture) : null;

    private static string Configured(decimal constant) => constant.ToString(CultureInfo.InvariantCulture);

    private sealed class PairOrder : IComparer<(string Branch, string Insurer)>
    {
        public static PairOrder Instance { get; } = new();

        public int Compare((string Branch, string Insurer) x, (string Branch, string Insurer) y)
        {
            var order = string.CompareOrdinal(x.Branch, y.Branch);
            return order != 0 ? order : string.CompareOrdinal(x.Insurer, y.Insurer);
        }
    }
}
