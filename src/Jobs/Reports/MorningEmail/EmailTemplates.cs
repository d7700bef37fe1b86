// SPEC §4 emails "render well in common mail clients", §7 "templates escape every value": the Handlebars environment.
using System.Globalization;
using HandlebarsDotNet;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;
using Reporting.Templates;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// A Handlebars environment for report emails: the shared partials of <c>src/Templates/Partials</c>
/// (<c>EmailLayout</c>, <c>Banner</c>, <c>SectionHeading</c>, <c>FreshnessFooter</c>) and the
/// formatting helpers, all invariant-culture. Every value goes through the HTML encoder: templates
/// use <c>{{ }}</c> only, never <c>{{{ }}}</c>.
/// </summary>
/// <remarks>
/// Helpers (a null or missing value prints <c>—</c>): <c>percent</c> 0.6640 → 66.4%;
/// <c>target</c> 0.70 → 70% (configured constants, up to 2 decimals of a percent); <c>points</c>
/// −0.0362 → −3.6 pp (a difference of rates, in percentage points, signed); <c>money</c> 12345.6 →
/// 12,345.60; <c>yuan</c> → ¥12,345.60; <c>count</c> 1234 → 1,234; <c>date</c> → 2026-11-21;
/// <c>datetime</c> → 2026-11-22 06:05; <c>month</c> → 2026-11; <c>dash</c> → the value or —;
/// <c>lead</c> lower upper → 到期前 61–90 天 / 到期后 0–30 天; <c>coverage</c>, <c>outcome</c>,
/// <c>dataset</c>, <c>freshnessStatus</c> → Chinese labels.
/// </remarks>
public static class EmailTemplates
{
    /// <summary>The partials every report email may use, by name (file <c>Partials/&lt;name&gt;.hbs</c>).</summary>
    public static readonly IReadOnlyList<string> Partials = ["EmailLayout", "Banner", "SectionHeading", "FreshnessFooter"];

    public const string Missing = "—";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A new environment with the partials and helpers registered.</summary>
    public static IHandlebars CreateEnvironment()
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration
        {
            FormatProvider = Invariant,
            ThrowOnUnresolvedBindingExpression = true,
        });
        foreach (var partial in Partials)
        {
            handlebars.RegisterTemplate(partial, TemplateAssembly.Read(partial + ".hbs"));
        }

        handlebars.RegisterHelper("percent", (in HelperOptions _, in Context _, in Arguments a) => Percent(Decimal(a, 0)));
        handlebars.RegisterHelper("target", (in HelperOptions _, in Context _, in Arguments a) => Target(Decimal(a, 0)));
        handlebars.RegisterHelper("points", (in HelperOptions _, in Context _, in Arguments a) => Points(Decimal(a, 0)));
        handlebars.RegisterHelper("money", (in HelperOptions _, in Context _, in Arguments a) => Money(Decimal(a, 0)));
        handlebars.RegisterHelper("yuan", (in HelperOptions _, in Context _, in Arguments a) => Yuan(Decimal(a, 0)));
        handlebars.RegisterHelper("count", (in HelperOptions _, in Context _, in Arguments a) => Count(Decimal(a, 0)));
        handlebars.RegisterHelper("date", (in HelperOptions _, in Context _, in Arguments a) => Date(Arg(a, 0) as DateOnly?));
        handlebars.RegisterHelper("datetime", (in HelperOptions _, in Context _, in Arguments a) => DateTimeText(Arg(a, 0) as DateTime?));
        handlebars.RegisterHelper("month", (in HelperOptions _, in Context _, in Arguments a) => Arg(a, 0) is BusinessMonth m ? m.ToString() : Missing);
        handlebars.RegisterHelper("dash", (in HelperOptions _, in Context _, in Arguments a) => Dash(Arg(a, 0)));
        handlebars.RegisterHelper("lead", (in HelperOptions _, in Context _, in Arguments a) => Lead(Decimal(a, 0), Decimal(a, 1)));
        handlebars.RegisterHelper("coverage", (in HelperOptions _, in Context _, in Arguments a) => Arg(a, 0) is Coverage c ? CoverageLabel(c) : Missing);
        handlebars.RegisterHelper("outcome", (in HelperOptions _, in Context _, in Arguments a) => Arg(a, 0) is FollowUpOutcome o ? OutcomeLabel(o) : Missing);
        handlebars.RegisterHelper("dataset", (in HelperOptions _, in Context _, in Arguments a) => Arg(a, 0) is ExtractDataset d ? DatasetLabel(d) : Missing);
        handlebars.RegisterHelper("freshnessStatus", (in HelperOptions _, in Context _, in Arguments a) => Arg(a, 0) is FreshnessStatus s ? StatusLabel(s) : Missing);
        return handlebars;
    }

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
        null or UndefinedBindingResult => Missing,
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

    private static object? Arg(Arguments arguments, int index)
    {
        if (index >= arguments.Length)
        {
            return null;
        }

        var value = arguments[index];
        return value is UndefinedBindingResult ? null : value;
    }

    private static decimal? Decimal(Arguments arguments, int index) => Arg(arguments, index) switch
    {
        decimal d => d,
        int i => i,
        long l => l,
        _ => null,
    };
}
