// SPEC §3.5 Advisor incentive (续保提成) and promotion cost (外促成本), read with §3.7: bands, clawbacks, ranking bonuses.
using System.Globalization;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

public enum IncentiveLineKind
{
    /// <summary>Issued in the month and not cancelled in it: earns its band's incentive and cost.</summary>
    Earning,

    /// <summary>Issued and cancelled in the month: no incentive, not counted or ranked, the promotion cost stands.</summary>
    CancelledInIssueMonth,

    /// <summary>Cancelled in the month, issued in an earlier month: the band's incentive is clawed back.</summary>
    Clawback,
}

/// <summary>One eligible policy's effect on its advisor's row (advisor, the policy's branch) in the month.</summary>
/// <remarks>
/// <para><c>Band</c>: The premium band's label, e.g. <c>2000-3000</c> or <c>6000+</c>.</para>
/// </remarks>
public sealed record IncentiveLine(
    Policy Policy,
    IncentiveLineKind Kind,
    string Band,
    decimal Incentive,
    decimal PromotionCost,
    decimal Clawback)
{
    public string AdvisorId => Policy.AdvisorId!;

    public string? Branch => Policy.BranchCode;
}

/// <summary>An advisor's place in the month's group-wide ranking and the bonus won.</summary>
/// <remarks>
/// <para><c>Premium</c>: Σ premium of the earning policies, the first tie-break.</para>
/// <para><c>BonusBranch</c>: The row that carries the bonus: the advisor's first branch in code order (<c>null</c> = the row without a branch).</para>
/// </remarks>
public sealed record AdvisorRanking(string AdvisorId, int Rank, int Policies, decimal Premium, decimal Bonus, string? BonusBranch);

/// <summary>One row of the advisor section of SPEC §4.1; <see cref="Branch"/> is <c>null</c> for policies sold without a branch.</summary>
public sealed record AdvisorRow(
    string Advisor,
    string? Branch,
    int Policies,
    decimal Incentive,
    decimal Clawback,
    decimal Bonus,
    decimal PromotionCost,
    decimal Net);

/// <summary>What a renewal sale earns its advisor, what it costs, and who is ranked top three.</summary>
/// <remarks>
/// <para>Eligible: COMMERCIAL, an advisor, <c>business_type</c> other than NEW_CAR; no branch needed.
/// Bands include their lower bound: a premium of exactly 2 000.00 earns 15 and costs 80, 1 999.99
/// earns 10 and costs 50.</para>
/// <para>Sold 2026-10-05 and cancelled 2026-10-20: nothing earned and not ranked, but the 80
/// promotion cost stays in October (on the row, if the advisor has one in that branch). Sold
/// 2026-09-05 and cancelled 2026-10-20: 15 earned in September, 15 clawed back in October; the
/// cost is not clawed back.</para>
/// <para>Two advisors with 5 earning policies each rank by premium, then by id (A001 before A002).
/// An advisor with rows in B02 and B01 takes the bonus on B01.</para>
/// </remarks>
public static class AdvisorIncentive
{
    /// <summary>The policy earns incentive and carries promotion cost when sold.</summary>
    public static bool IsEligible(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Coverage == Coverage.COMMERCIAL
            && MetricsKeys.HasText(policy.AdvisorId)
            && policy.BusinessType != BusinessType.NEW_CAR;
    }

    /// <summary>The band whose lower bound is the highest at or below <paramref name="premium"/>.</summary>
    public static PremiumBandOptions BandOf(decimal premium, IReadOnlyList<PremiumBandOptions> bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        PremiumBandOptions? band = null;
        foreach (var candidate in bands.OrderBy(b => b.MinPremium))
        {
            if (band is null || premium >= candidate.MinPremium)
            {
                band = candidate;
            }
        }

        return band ?? throw new ArgumentException("Premium bands are empty.", nameof(bands));
    }

    /// <summary>A readable label of a band: <c>0-2000</c>, …, <c>6000+</c>.</summary>
    public static string LabelOf(PremiumBandOptions band, IReadOnlyList<PremiumBandOptions> bands)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(bands);
        var next = bands.Where(b => b.MinPremium > band.MinPremium).OrderBy(b => b.MinPremium).FirstOrDefault();
        var lower = band.MinPremium.ToString(CultureInfo.InvariantCulture);
        return next is null ? lower + "+" : lower + "-" + next.MinPremium.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Every eligible policy issued or cancelled in <paramref name="month"/>, as lines.</summary>
    public static IReadOnlyList<IncentiveLine> Lines(IEnumerable<Policy> policies, BusinessMonth month, IncentiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(options);
        var lines = new List<IncentiveLine>();
        var ordered = policies
            .Where(p => IsEligible(p) && (month.Contains(p.IssueDate) || WrittenPremiumLedger.IsCancelledIn(p, month)))
            .OrderBy(p => p.AdvisorId, StringComparer.Ordinal)
            .ThenBy(p => p.BranchCode, StringComparer.Ordinal)
            .ThenBy(p => p.InsurerCode, StringComparer.Ordinal)
            .ThenBy(p => p.PolicyNo, StringComparer.Ordinal);
        foreach (var policy in ordered)
        {
            var band = BandOf(policy.Premium, options.Bands);
            var label = LabelOf(band, options.Bands);
            var issueMonth = BusinessMonth.Of(policy.IssueDate);
            var cancelMonth = policy.CancelledOn is { } cancelled ? BusinessMonth.Of(cancelled) : (BusinessMonth?)null;
            var incentive = Rounding.Money(band.Incentive);
            if (issueMonth == month)
            {
                lines.Add(cancelMonth == month
                    ? new IncentiveLine(policy, IncentiveLineKind.CancelledInIssueMonth, label, 0m, Rounding.Money(band.PromotionCost), 0m)
                    : new IncentiveLine(policy, IncentiveLineKind.Earning, label, incentive, Rounding.Money(band.PromotionCost), 0m));
            }
            else if (cancelMonth == month && issueMonth < month)
            {
                lines.Add(new IncentiveLine(policy, IncentiveLineKind.Clawback, label, 0m, 0m, incentive));
            }
        }

        return lines;
    }

    /// <summary>
    /// The month's ranking, group-wide over advisors with an earning policy: most earning policies
    /// first, then most premium, then advisor id (ordinal); bonuses go to the first ranks.
    /// </summary>
    public static IReadOnlyList<AdvisorRanking> Rank(IEnumerable<IncentiveLine> lines, IncentiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(options);
        var all = lines.ToList();
        var firstBranch = all
            .Where(CreatesRow)
            .GroupBy(l => l.AdvisorId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, FirstBranch, StringComparer.Ordinal);
        return all
            .Where(l => l.Kind == IncentiveLineKind.Earning)
            .GroupBy(l => l.AdvisorId, StringComparer.Ordinal)
            .Select(g => (Advisor: g.Key, Policies: g.Count(), Premium: g.Sum(l => Rounding.Money(l.Policy.Premium))))
            .OrderByDescending(a => a.Policies)
            .ThenByDescending(a => a.Premium)
            .ThenBy(a => a.Advisor, StringComparer.Ordinal)
            .Select((a, i) => new AdvisorRanking(
                a.Advisor,
                i + 1,
                a.Policies,
                a.Premium,
                i < options.RankingBonuses.Count ? Rounding.Money(options.RankingBonuses[i]) : 0m,
                firstBranch[a.Advisor]))
            .ToList();
    }

    /// <summary>The first branch, in code order, among the advisor's rows (a row without a branch sorts first).</summary>
    private static string? FirstBranch(IEnumerable<IncentiveLine> advisorRows) =>
        advisorRows.Select(l => l.Branch).Order(StringComparer.Ordinal).First();

    private static bool CreatesRow(IncentiveLine line) => line.Kind != IncentiveLineKind.CancelledInIssueMonth;

    /// <summary>
    /// The advisor rows of SPEC §4.1: one per (advisor, branch) with an earning policy or a clawback
    /// in the month; ordered by advisor then branch (ordinal, no branch first).
    /// </summary>
    public static IReadOnlyList<AdvisorRow> Rollup(IEnumerable<IncentiveLine> lines, IEnumerable<AdvisorRanking> ranking)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(ranking);
        var bonuses = ranking.ToDictionary(r => (r.AdvisorId, r.BonusBranch), r => r.Bonus);
        return lines
            .GroupBy(l => (Advisor: l.AdvisorId, l.Branch))
            .Where(g => g.Any(CreatesRow))
            .OrderBy(g => g.Key.Advisor, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Branch, StringComparer.Ordinal)
            .Select(g =>
            {
                var incentive = g.Sum(l => l.Incentive);
                var clawback = g.Sum(l => l.Clawback);
                var bonus = bonuses.GetValueOrDefault((g.Key.Advisor, g.Key.Branch));
                return new AdvisorRow(
                    g.Key.Advisor,
                    g.Key.Branch,
                    g.Count(l => l.Kind == IncentiveLineKind.Earning),
                    incentive,
                    clawback,
                    bonus,
                    g.Sum(l => l.PromotionCost),
                    incentive - clawback + bonus);
            })
            .ToList();
    }
}
