// SPEC §4 emails: how numbers, money, rates, dates and codes read in every email.
using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// The text of every figure an email shows, invariant culture, in one place. Templates call these
/// through <see cref="EmailFunctions"/> (<c>{{ percent cohort.rate }}</c>); subjects call them
/// directly. A null value (a rate with a zero denominator, a missing date) prints <c>—</c>, never 0.
/// </summary>
/// <remarks>
/// Morning emails: <c>percent</c> 0.6640 → 66.4%; <c>target</c> 0.70 → 70% (configured constants, up
/// to 2 decimals of a percent); <c>points</c> −0.0362 → −3.6 pp (a difference of rates, in percentage
/// points, signed); <c>money</c> 12345.6 → 12,345.60; <c>yuan</c> → ¥12,345.60; <c>count</c> 1234 →
/// 1,234; <c>date</c> → 2026-11-21; <c>datetime</c> → 2026-11-22 06:05; <c>month</c> → 2026-11;
/// <c>dash</c> → the value or —; <c>lead</c> lower upper → 到期前 61–90 天 / 到期后 0–30 天;
/// <c>coverage</c>, <c>outcome</c>, <c>dataset</c>, <c>freshness_status</c> → Chinese labels.
/// Monthly emails print their workbook's figures: <c>percent2</c> 0.7512 → 75.12% (the workbook's
/// <c>0.00%</c>); <c>configured_rate</c> 0.725 → 72.50% (as its format shows it); <c>variance</c>
/// −0.0362 → −3.62 个百分点.
/// </remarks>
public static class EmailFormats
{
    public const string Missing = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A rate (a 4-dp ratio) as a percentage with one decimal: 0.6640 → 66.4%.</summary>
    public static string Percent(decimal? rate) =>
        rate is { } r ? Math.Round(r * 100m, 1, MidpointRounding.AwayFromZero).ToString("0.0", Invariant) + "%" : Missing;

    /// <summary>A configured target as configured: 0.70 → 70%, 0.725 → 72.5%.</summary>
    public static string Target(decimal? target) =>
        target is { } t ? (t * 100m).ToString("0.##", Invariant) + "%" : Missing;

    /// <summary>A difference of rates in percentage points, signed: −0.0362 → −3.6 pp.</summary>
    public static string Points(decimal? difference)
    {
        if (difference is not { } d)
        {
            return Missing;
        }

        var points = Math.Round(d * 100m, 1, MidpointRounding.AwayFromZero);
        return (points > 0m ? "+" : points < 0m ? "−" : "") + Math.Abs(points).ToString("0.0", Invariant) + " pp";
    }

    public static string Money(decimal? amount) => amount is { } a ? a.ToString("#,##0.00", Invariant) : Missing;

    public static string Yuan(decimal? amount) => amount is { } a ? (a < 0m ? "-¥" : "¥") + Math.Abs(a).ToString("#,##0.00", Invariant) : Missing;

    public static string Count(decimal? count) => count is { } c ? c.ToString("#,##0", Invariant) : Missing;

    public static string Date(DateOnly? date) => date is { } d ? d.ToString("yyyy-MM-dd", Invariant) : Missing;

    public static string DateTimeText(DateTime? time) => time is { } t ? t.ToString("yyyy-MM-dd HH:mm", Invariant) : Missing;

    public static string Dash(object? value) => value switch
    {
        null => Missing,
        string s when s.Length == 0 => Missing,
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? Missing,
    };

    /// <summary>An expiry window's lead days in words: 61…90 → 到期前 61–90 天; −30…0 → 到期后 0–30 天.</summary>
    public static string Lead(decimal? lower, decimal? upper)
    {
        if (lower is not { } l || upper is not { } u)
        {
            return Missing;
        }

        return l >= 1m ? string.Create(Invariant, $"到期前 {l}–{u} 天")
            : u <= 0m ? string.Create(Invariant, $"到期后 {-u}–{-l} 天")
            : string.Create(Invariant, $"提前 {l}–{u} 天");
    }

    public static string CoverageLabel(Coverage coverage) => coverage switch
    {
        Coverage.COMMERCIAL => "商业险",
        Coverage.CTPL => "交强险",
        _ => coverage.ToString(),
    };

    public static string OutcomeLabel(FollowUpOutcome outcome) => outcome switch
    {
        FollowUpOutcome.NO_ANSWER => "未接通",
        FollowUpOutcome.CALLBACK => "约回电",
        FollowUpOutcome.QUOTED => "已报价",
        FollowUpOutcome.WON => "已成交",
        FollowUpOutcome.LOST => "战败",
        _ => outcome.ToString(),
    };

    public static string DatasetLabel(ExtractDataset dataset) => dataset switch
    {
        ExtractDataset.Policies => "保单",
        ExtractDataset.Claims => "理赔",
        ExtractDataset.FollowUps => "续保跟进",
        _ => dataset.ToString(),
    };

    public static string StatusLabel(FreshnessStatus status) => status switch
    {
        FreshnessStatus.OnTime => "按时 On time",
        FreshnessStatus.Late => "迟到 Late",
        FreshnessStatus.Failed => "失败 Failed",
        FreshnessStatus.Never => "未加载 Never",
        _ => status.ToString(),
    };

    /// <summary>A computed rate as its workbook cell shows it (<c>0.00%</c>): 0.7512 → 75.12%; null → —.</summary>
    public static string Percent2(decimal? rate) => WorkbookFormats.PercentText(rate);

    /// <summary>A configured rate as its workbook cell shows it: 0.7 → 70.00%, 0.725 → 72.50%, 0.12345 → 12.345%.</summary>
    public static string ConfiguredRate(decimal? rate) => rate is { } r ? WorkbookFormats.ConfiguredRateText(r) : Missing;

    /// <summary>A rate against its target in percentage points, 2 decimals: +5.00 个百分点, −3.62 个百分点; null → —.</summary>
    public static string Variance(decimal? variance) => variance is { } v
        ? (v >= 0 ? "+" : "−") + (Math.Abs(v) * 100m).ToString("0.00", Invariant) + " 个百分点"
        : Missing;
}
