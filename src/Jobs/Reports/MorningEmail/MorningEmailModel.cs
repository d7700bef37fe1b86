// SPEC §4 Branch morning email and group email: what each email shows, before it is rendered.
using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Email;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>A branch (门店) as the emails name it.</summary>
public sealed record BranchName(string Code, string Name, string Region)
{
    /// <summary>The name, or the code for a branch the reference data does not list.</summary>
    public string Display => Name.Length > 0 ? Name : Code;
}

/// <summary>
/// Renewals sold on the business date (昨日续保): cohort policies of any month whose chosen renewal
/// was issued that day, and the premium of those renewals.
/// </summary>
public sealed record YesterdayRenewals(int Count, decimal Premium)
{
    public static readonly YesterdayRenewals None = new(0, 0m);
}

/// <summary>The current month's cohort of a branch or the group, with its target (续保率 vs 目标).</summary>
/// <remarks><c>Gap</c> is <c>rate - target</c>, null with the rate.</remarks>
public sealed record CohortSummary(
    BusinessMonth Month,
    int Due,
    decimal DuePremium,
    int Renewed,
    decimal RenewedPremium,
    int Pending,
    int Lapsed,
    decimal? Rate,
    decimal Target)
{
    public decimal? Gap => Rate - Target;

    public bool BelowTarget => Rate is { } rate && rate < Target;

    public bool MeetsTarget => Rate is { } rate && rate >= Target;

    public static CohortSummary From(RenewalRow? row, BusinessMonth month, decimal target) =>
        row is null
            ? new CohortSummary(month, 0, 0m, 0, 0m, 0, 0, null, target)
            : new CohortSummary(month, row.Due, row.DuePremium, row.Renewed, row.RenewedPremium, row.Pending, row.Lapsed, row.Rate, target);
}

/// <summary>
/// One bar of a branch's renewal-rate history: a closed cohort month's final rate, or the current
/// month's rate to date (<see cref="Current"/>), against the branch's target. A null rate (no policy
/// due) shows as "—" and no bar.
/// </summary>
public sealed record RatePoint(BusinessMonth Month, int Due, int Renewed, decimal? Rate, decimal Target, bool Current)
{
    public bool BelowTarget => Rate is { } rate && rate < Target;

    /// <summary>The bar of the rate against the target line (<see cref="BarChart.Rate"/>).</summary>
    public BarTrack Bar => BarChart.Rate(Rate, Target);
}

/// <summary>One expiry window (到期时段) of the conversion table.</summary>
public sealed record WindowLine(
    string Window,
    int LowerDays,
    int UpperDays,
    int AtRisk,
    int Converted,
    int Contacted,
    decimal? Rate,
    decimal? Cumulative)
{
    /// <summary>The window's conversion rate as a bar (no target: windows have none).</summary>
    public BarTrack Bar => BarChart.Of(Rate, null, BarChart.Neutral);
}

/// <summary>
/// One line of the call list (待跟进名单). Customer fields are masked here, before any template
/// sees them; the ID number is not carried at all.
/// </summary>
public sealed record CallListEntry(
    string PolicyNo,
    string InsurerCode,
    string InsurerName,
    Coverage Coverage,
    DateOnly ExpiryDate,
    int DaysToExpiry,
    decimal Premium,
    string MaskedName,
    string MaskedPhone,
    string MaskedPlate,
    DateOnly? LastContactDate,
    FollowUpOutcome? LastOutcome,
    string AdvisorName)
{
    /// <summary>Expires within a week of the business date: shown in red.</summary>
    public bool Urgent => DaysToExpiry <= 7;
}

/// <summary>One insurer's repair referral month to date (送修比, 返修率).</summary>
public sealed record ReferralLine(
    string InsurerCode,
    string InsurerName,
    decimal ReferredRepairValue,
    decimal WrittenPremium,
    decimal? Ratio,
    decimal Target,
    decimal? Variance,
    decimal? ReturnRate)
{
    public bool BelowTarget => Variance is < 0m;
}

/// <summary>A branch manager's morning email for business date D (sent D + 1, 07:30).</summary>
/// <remarks>
/// <para><c>CallList</c> is the branch's whole call list, most urgent first; the email shows its first
/// <c>CallListRows</c> (<see cref="CallListShown"/>) and says how many more there are
/// (<see cref="CallListMore"/>). <c>CallListAttached</c>: the whole list travels with the email as
/// <see cref="CallListFileName"/> (set when the message is made, <see cref="MorningReport"/>).</para>
/// </remarks>
public sealed record BranchMorningEmail(
    DateOnly BusinessDate,
    BranchName Branch,
    string? Banner,
    YesterdayRenewals Yesterday,
    CohortSummary Cohort,
    IReadOnlyList<WindowLine> Conversion,
    IReadOnlyList<CallListEntry> CallList,
    IReadOnlyList<ReferralLine> Referral,
    IReadOnlyList<FreshnessLine> Freshness,
    IReadOnlyList<RatePoint>? RateHistory = null,
    int CallListRows = MorningEmailOptions.DefaultCallListRows,
    bool CallListAttached = false)
{
    public string Title => Branch.Display + " 续保日报";

    /// <summary>The rows the email shows: the first <see cref="CallListRows"/> of the call list.</summary>
    public IReadOnlyList<CallListEntry> CallListShown => CallList.Count <= CallListRows ? CallList : [.. CallList.Take(CallListRows)];

    /// <summary>Call-list rows the email does not show (0 when it shows them all).</summary>
    public int CallListMore => Math.Max(0, CallList.Count - CallListRows);

    /// <summary>The whole call list's workbook: <c>call_list_B01_2026-11-21.xlsx</c>.</summary>
    public string CallListFileName => CallListWorkbook.FileName(Branch.Code, BusinessDate);

    /// <summary>The last six closed cohorts' final rates, oldest first, then the current month's (续保率趋势).</summary>
    public IReadOnlyList<RatePoint> History => RateHistory ?? [];

    public string Subtitle => string.Create(
        CultureInfo.InvariantCulture, $"{Branch.Code} · 业务日期 {BusinessDate:yyyy-MM-dd}（数据截至当日 24:00）· Renewal morning report");

    public DateOnly CallListFrom => BusinessDate;

    public DateOnly CallListTo => BusinessDate.AddDays(MorningEmailRanges.CallListDays);

    public DateOnly RecentContactFrom => BusinessDate.AddDays(1 - MorningEmailRanges.RecentContactDays);
}

/// <summary>One branch, or the group total, in the group email; <c>Rank</c> is null without a rate.</summary>
public sealed record GroupBranchLine(
    int? Rank,
    BranchName Branch,
    CohortSummary Cohort,
    YesterdayRenewals Yesterday,
    int CallListSize,
    decimal ReferredRepairValue,
    decimal WrittenPremium,
    decimal? ReferralRatio)
{
    /// <summary>The branch's renewal rate as a bar against its target line.</summary>
    public BarTrack Bar => BarChart.Rate(Cohort.Rate, Cohort.Target);
}

/// <summary>Group management's morning email: every branch side by side, ranked. No customer data.</summary>
public sealed record GroupMorningEmail(
    DateOnly BusinessDate,
    string? Banner,
    IReadOnlyList<GroupBranchLine> Branches,
    GroupBranchLine Total,
    IReadOnlyList<FreshnessLine> Freshness)
{
    public string Title { get; } = "集团 续保日报";

    public string Subtitle => string.Create(
        CultureInfo.InvariantCulture, $"全部门店 · 业务日期 {BusinessDate:yyyy-MM-dd}（数据截至当日 24:00）· Group renewal morning report");
}

/// <summary>Every email of one morning.</summary>
public sealed record MorningEmails(IReadOnlyList<BranchMorningEmail> Branches, GroupMorningEmail Group);
