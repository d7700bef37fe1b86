// SPEC §3.3 written premium and §3.4 loss ratio: the monthly sums both are made of, per branch × insurer × month.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>
/// What a branch did with an insurer in a month, summed: the premium of the policies it sold that
/// were issued in the month, the refunds of its policies cancelled in the month, and the assessed
/// amounts of the non-withdrawn claims reported in the month on its policies. Written premium
/// (§3.3) is <see cref="IssuedPremium"/> − <see cref="CancelledRefund"/>; the loss ratio (§3.4) sums
/// <see cref="ClaimsAssessed"/> and written premium over twelve of these months.
/// </summary>
/// <remarks>
/// The tier of a clawed-back policy's issue month looks back twelve months from that month, so a
/// month's commission needs about two years of these sums. <see cref="From"/> is the definition;
/// the store gives the same sums (<c>IReportingStore.GetBranchMonthTotalsAsync</c>) without reading
/// two years of policies: each file keeps its premium and refund sums as it loads, and the claims
/// are kept as dated changes (docs/loading.md). Tests hold the store's sums equal to <see cref="From"/> over everything it
/// holds, on both providers.
/// </remarks>
public sealed record BranchMonthTotals(
    string Branch,
    string Insurer,
    BusinessMonth Month,
    decimal IssuedPremium,
    decimal CancelledRefund,
    decimal ClaimsAssessed)
{
    /// <summary>
    /// The sums over the policies and claims a run sees: policies without a branch are nobody's;
    /// a claim counts for the branch of the policy it is on (by insurer and policy number), and not
    /// at all when that policy is unknown or has no branch; withdrawn claims never count. One row
    /// per (branch, insurer, month) with a sum other than zero (a row of zeros changes no written
    /// premium and no loss ratio), ordered by branch, insurer, month.
    /// </summary>
    public static IReadOnlyList<BranchMonthTotals> From(IEnumerable<Policy> policies, IEnumerable<Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(claims);
        var sums = new Dictionary<(string Branch, string Insurer, BusinessMonth Month), (decimal Issued, decimal Refund, decimal Claims)>();
        var branches = new Dictionary<PolicyKey, string>();
        foreach (var policy in policies)
        {
            if (ShareOf(policy) is not { } share)
            {
                continue;
            }

            branches[policy.Key] = share.Branch;
            Add(sums, (share.Branch, share.Insurer, share.IssueMonth), issued: share.Premium);
            if (share.RefundMonth is { } refundMonth)
            {
                Add(sums, (share.Branch, share.Insurer, refundMonth), refund: share.Refund);
            }
        }

        foreach (var claim in claims.Where(c => c.Status != ClaimStatus.WITHDRAWN))
        {
            if (branches.TryGetValue(claim.PolicyKey, out var branch))
            {
                Add(sums, (branch, claim.InsurerCode, BusinessMonth.Of(claim.ReportDate)), claims: Rounding.Money(claim.AssessedAmount));
            }
        }

        return [.. sums
            .Select(s => new BranchMonthTotals(s.Key.Branch, s.Key.Insurer, s.Key.Month, s.Value.Issued, s.Value.Refund, s.Value.Claims))
            .Where(t => !t.IsZero)
            .OrderBy(t => t.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Insurer, StringComparer.Ordinal)
            .ThenBy(t => t.Month)];
    }

    /// <summary>
    /// What one policy adds to the sums (§3.3): its premium in its issue month and, when it is
    /// cancelled, its refund in its cancel month, on its branch with its insurer; null for a policy
    /// without a branch, which is nobody's. The one statement of the rule: <see cref="From"/> and the
    /// store's sums kept as a file loads both add what it gives.
    /// </summary>
    public static PolicyShare? ShareOf(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!MetricsKeys.HasText(policy.BranchCode))
        {
            return null;
        }

        return new PolicyShare(
            policy.BranchCode!,
            policy.InsurerCode,
            BusinessMonth.Of(policy.IssueDate),
            Rounding.Money(policy.Premium),
            policy.CancelledOn is { } cancelled ? BusinessMonth.Of(cancelled) : null,
            policy.CancelledOn is null ? 0m : Rounding.Money(policy.RefundPremium));
    }

    /// <summary>All three sums are zero: the row changes no written premium and no loss ratio.</summary>
    public bool IsZero => IssuedPremium == 0m && CancelledRefund == 0m && ClaimsAssessed == 0m;

    /// <summary>Only the rows of months <paramref name="from"/> … <paramref name="to"/>, inclusive.</summary>
    public static IReadOnlyList<BranchMonthTotals> Between(IEnumerable<BranchMonthTotals> totals, BusinessMonth from, BusinessMonth to) =>
        [.. totals.Where(t => t.Month >= from && t.Month <= to)];

    private static void Add(
        Dictionary<(string, string, BusinessMonth), (decimal Issued, decimal Refund, decimal Claims)> sums,
        (string, string, BusinessMonth) key,
        decimal issued = 0m,
        decimal refund = 0m,
        decimal claims = 0m)
    {
        var (i, r, c) = sums.GetValueOrDefault(key);
        sums[key] = (i + issued, r + refund, c + claims);
    }
}

/// <summary>What one policy adds to <see cref="BranchMonthTotals"/> (<see cref="BranchMonthTotals.ShareOf"/>).</summary>
/// <param name="Branch">The policy's branch.</param>
/// <param name="Insurer">The policy's insurer.</param>
/// <param name="IssueMonth">The month its premium is written in.</param>
/// <param name="Premium">Its premium, in yuan.</param>
/// <param name="RefundMonth">The month its refund is taken off in; null unless it is cancelled.</param>
/// <param name="Refund">Its refund, in yuan; zero unless it is cancelled.</param>
public readonly record struct PolicyShare(string Branch, string Insurer, BusinessMonth IssueMonth, decimal Premium, BusinessMonth? RefundMonth, decimal Refund);
