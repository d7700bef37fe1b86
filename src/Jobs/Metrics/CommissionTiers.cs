// SPEC §3.4 Insurer commission and tiers (手续费, 档位), read with §3.7: tier per branch × insurer × month, lines, clawbacks, rollup.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>
/// The tier of a branch with an insurer for a month, and the figures that chose it: the month's
/// written premium, and the loss ratio over the 12 months ending with the month (null when that
/// written premium is 0). <see cref="CtplRate"/> is already capped.
/// </summary>
public sealed record TierVerdict(
    string Branch,
    string Insurer,
    BusinessMonth Month,
    decimal WrittenPremium,
    decimal LossRatioClaims,
    decimal LossRatioWrittenPremium,
    decimal? LossRatio,
    string Tier,
    decimal CommercialRate,
    decimal CtplRate)
{
    public decimal RateFor(Coverage coverage) => coverage == Coverage.CTPL ? CtplRate : CommercialRate;
}

public enum CommissionLineKind
{
    /// <summary>Commission on a policy issued in the month.</summary>
    Sale,

    /// <summary>A cancellation in the month clawing back at the rate of the policy's issue month.</summary>
    Clawback,
}

/// <summary>
/// One commission line: <see cref="Amount"/> = round(<see cref="Base"/> × <see cref="Rate"/>), where
/// the base is the premium of a sale or the refund of a clawback, and the rate is that of the tier
/// of <see cref="TierMonth"/> (the issue month, for both).
/// </summary>
public sealed record CommissionLine(
    Policy Policy,
    CommissionLineKind Kind,
    BusinessMonth TierMonth,
    string Tier,
    decimal Rate,
    decimal Base,
    decimal Amount);

/// <summary>One row of the commission section of SPEC §4.1 (month × branch × insurer × coverage).</summary>
/// <remarks>
/// <para><c>Tier</c>: The month's tier of the branch with the insurer (also on a clawback-only row).</para>
/// <para><c>Rate</c>: The month's rate for the coverage, printed as configured.</para>
/// <para><c>Premium</c>: Gross premium of the month's sale lines.</para>
/// </remarks>
public sealed record CommissionRow(
    string Branch,
    string Insurer,
    Coverage Coverage,
    string Tier,
    decimal Rate,
    int Policies,
    decimal Premium,
    decimal Commission,
    decimal Clawback,
    decimal Net);

/// <summary>The first tier whose scale and quality conditions hold applies to the whole month.</summary>
/// <remarks>
/// <para>With the default schedule, written premium of exactly 1 000 000.00 and a loss ratio of
/// exactly 0.55 is tier A (both bounds inclusive); 999 999.99 is B. A loss ratio of 0.5501 fails A's
/// 0.55 and is B if the premium reaches 300 000. A null loss ratio (no written premium in the 12
/// months) meets any maximum. Written premium of −500.00 meets no minimum, not even C's 0, so the
/// last tier applies, as it does whenever no tier holds.</para>
/// <para>A COMMERCIAL sale of 3 333.33 at 0.18 earns round(599.9994) = 600.00. A policy sold in
/// August at tier C (0.12) and cancelled in October with a refund of 1 000.00 claws back 120.00 in
/// October, whatever the October tier. A CTPL rate of 0.05 configured above the 0.04 cap pays 0.04.</para>
/// </remarks>
public static class CommissionTiers
{
    /// <summary>The loss ratio looks back over this many months, ending with the tier's month.</summary>
    public const int LossRatioMonths = 12;

    /// <summary>The first tier of <paramref name="schedule"/> whose conditions hold, else the last.</summary>
    public static CommissionTierOptions Select(
        IReadOnlyList<CommissionTierOptions> schedule, decimal writtenPremium, decimal? lossRatio)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Count == 0)
        {
            throw new ArgumentException("A commission schedule needs at least one tier.", nameof(schedule));
        }

        foreach (var tier in schedule)
        {
            var scale = writtenPremium >= tier.MinWrittenPremium;
            var quality = lossRatio is null || tier.MaxLossRatio is null || lossRatio <= tier.MaxLossRatio;
            if (scale && quality)
            {
                return tier;
            }
        }

        return schedule[^1];
    }

    /// <summary>The sale lines of <paramref name="month"/> and the clawbacks of its cancellations, for policies with a branch.</summary>
    public static IReadOnlyList<CommissionLine> Lines(IEnumerable<Policy> policies, BusinessMonth month, CommissionTierBook tiers)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(tiers);
        var lines = new List<CommissionLine>();
        var ordered = policies
            .Where(p => MetricsKeys.HasText(p.BranchCode)
                && (WrittenPremiumLedger.IsIssuedIn(p, month) || WrittenPremiumLedger.IsCancelledIn(p, month)))
            .OrderBy(p => p.BranchCode, StringComparer.Ordinal)
            .ThenBy(p => p.InsurerCode, StringComparer.Ordinal)
            .ThenBy(p => p.PolicyNo, StringComparer.Ordinal);
        foreach (var policy in ordered)
        {
            var issueMonth = BusinessMonth.Of(policy.IssueDate);
            if (WrittenPremiumLedger.IsIssuedIn(policy, month))
            {
                lines.Add(Line(policy, CommissionLineKind.Sale, issueMonth, policy.Premium, tiers));
            }

            if (WrittenPremiumLedger.IsCancelledIn(policy, month))
            {
                lines.Add(Line(policy, CommissionLineKind.Clawback, issueMonth, policy.RefundPremium, tiers));
            }
        }

        return lines;
    }

    private static CommissionLine Line(
        Policy policy, CommissionLineKind kind, BusinessMonth tierMonth, decimal amount, CommissionTierBook tiers)
    {
        var tier = tiers.TierOf(policy.BranchCode!, policy.InsurerCode, tierMonth);
        var rate = tier.RateFor(policy.Coverage);
        var lineBase = Rounding.Money(amount);
        return new CommissionLine(policy, kind, tierMonth, tier.Tier, rate, lineBase, Rounding.Money(lineBase * rate));
    }

    /// <summary>
    /// The commission rows of SPEC §4.1: one per (branch, insurer, coverage) with a sale or a
    /// clawback in the month; ordered by branch, insurer, coverage (ordinal).
    /// </summary>
    public static IReadOnlyList<CommissionRow> Rollup(IEnumerable<CommissionLine> lines, BusinessMonth month, CommissionTierBook tiers)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(tiers);
        return lines
            .GroupBy(l => (Branch: l.Policy.BranchCode!, Insurer: l.Policy.InsurerCode, l.Policy.Coverage))
            .OrderBy(g => g.Key.Branch, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Insurer, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Coverage.ToString(), StringComparer.Ordinal)
            .Select(g =>
            {
                var tier = tiers.TierOf(g.Key.Branch, g.Key.Insurer, month);
                var sales = g.Where(l => l.Kind == CommissionLineKind.Sale).ToList();
                var commission = sales.Sum(l => l.Amount);
                var clawback = g.Where(l => l.Kind == CommissionLineKind.Clawback).Sum(l => l.Amount);
                return new CommissionRow(
                    g.Key.Branch,
                    g.Key.Insurer,
                    g.Key.Coverage,
                    tier.Tier,
                    tier.RateFor(g.Key.Coverage),
                    sales.Count,
                    sales.Sum(l => l.Base),
                    commission,
                    clawback,
                    commission - clawback);
            })
            .ToList();
    }
}

/// <summary>
/// Computes, and remembers, the tier of any (branch, insurer, month) from the data the run sees:
/// the month's tier for the rows, and each clawed-back policy's issue-month tier.
/// </summary>
public sealed class CommissionTierBook
{
    private readonly WrittenPremiumLedger _writtenPremium;
    private readonly Dictionary<(string Branch, string Insurer, BusinessMonth Month), decimal> _claimsByMonth = [];
    private readonly Dictionary<(string, string, BusinessMonth), TierVerdict> _tiers = [];
    private readonly CommissionOptions _options;

    /// <summary>The tier book over the monthly sums the run sees (<see cref="BranchMonthTotals.From"/>, or the store's).</summary>
    public CommissionTierBook(IEnumerable<BranchMonthTotals> totals, WrittenPremiumLedger writtenPremium, CommissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(writtenPremium);
        ArgumentNullException.ThrowIfNull(options);
        _writtenPremium = writtenPremium;
        _options = options;
        foreach (var t in totals)
        {
            var key = (t.Branch, t.Insurer, t.Month);
            _claimsByMonth[key] = _claimsByMonth.GetValueOrDefault(key) + t.ClaimsAssessed;
        }
    }

    public TierVerdict TierOf(string branch, string insurer, BusinessMonth month)
    {
        if (_tiers.TryGetValue((branch, insurer, month), out var known))
        {
            return known;
        }

        var first = month.AddMonths(1 - CommissionTiers.LossRatioMonths);
        var written = _writtenPremium.For(branch, insurer, month);
        var claims = 0m;
        for (var m = first; m <= month; m = m.AddMonths(1))
        {
            claims += _claimsByMonth.GetValueOrDefault((branch, insurer, m));
        }

        var writtenOverYear = _writtenPremium.For(branch, insurer, first, month);
        var lossRatio = Rounding.Ratio(claims, writtenOverYear);
        var tier = CommissionTiers.Select(_options.ScheduleFor(insurer), written, lossRatio);
        var verdict = new TierVerdict(
            branch,
            insurer,
            month,
            written,
            claims,
            writtenOverYear,
            lossRatio,
            tier.Name,
            tier.CommercialRate,
            Math.Min(tier.CtplRate, _options.CtplRateCap));
        _tiers[(branch, insurer, month)] = verdict;
        return verdict;
    }

    /// <summary>Every tier computed so far (the month's rows and the clawbacks' issue months).</summary>
    public IReadOnlyList<TierVerdict> Computed =>
        _tiers.Values
            .OrderBy(t => t.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Insurer, StringComparer.Ordinal)
            .ThenBy(t => t.Month)
            .ToList();
}
