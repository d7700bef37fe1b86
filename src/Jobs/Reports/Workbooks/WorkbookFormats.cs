using System.Globalization;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Number formats of the workbooks and the text a cell shows with them (for column widths and
/// for the emails, which print the same figures).
/// </summary>
public static class WorkbookFormats
{
    /// <summary>Yuan, 2 decimals with thousands separators.</summary>
    public const string Yuan = "#,##0.00";

    /// <summary>A computed rate (a ratio rounded to 4 decimals) as a percentage with 2 decimals.</summary>
    public const string Percent = "0.00%";

    public const string Count = "#,##0";

    public const string Date = "yyyy-mm-dd";

    /// <summary>What a rate with a zero denominator shows (SPEC §3: null, never 0).</summary>
    public const string NoRate = "—";

    /// <summary>
    /// The percent format that shows a configured rate exactly as configured: 0.18 is 18.00%,
    /// 0.125 is 12.50%, 0.12345 is 12.345% (never rounded away by the format).
    /// </summary>
    public static string ConfiguredRate(decimal rate) => ConfiguredRates[Math.Max(2, rate.Scale - 2)];

    /// <summary>The format for each count of decimals (a decimal's scale is at most 28), made once: every policy line asks.</summary>
    private static readonly string[] ConfiguredRates = [.. Enumerable.Range(0, 29).Select(decimals => "0." + new string('0', decimals) + "%")];

    public static string YuanText(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string CountText(long count) => count.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A ratio as a percentage with 2 decimals (0.7512 is 75.12%); null is "—".</summary>
    public static string PercentText(decimal? rate) =>
        rate is { } r ? (r * 100m).ToString("0.00", CultureInfo.InvariantCulture) + "%" : NoRate;

    /// <summary>A configured rate as its format shows it.</summary>
    public static string ConfiguredRateText(decimal rate)
    {
        var format = ConfiguredRate(rate);
        return (rate * 100m).ToString(format[..^1], CultureInfo.InvariantCulture) + "%";
    }

    public static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
