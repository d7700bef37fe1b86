// SPEC §3.3 Repair referral (送修比) and return-to-dealer rate (返修率), read with §3.7.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>How one claim reported in the month counts.</summary>
/// <remarks>
/// <para><c>SellingBranch</c>: The branch of the claim's policy, when the policy is in the store and has one.</para>
/// <para><c>CountsAsReferredRepair</c>: Referred (Y), not withdrawn, repaired at a branch: adds its assessed amount to that branch's <c>referredRepairValue</c>.</para>
/// <para><c>CountsForReturnRate</c>: Not withdrawn, on a policy sold by a branch: counts in that branch's <c>returnRate</c> denominator.</para>
/// <para><c>ReturnedToSellingBranch</c>: Counts for the return rate and was repaired at the selling branch.</para>
/// </remarks>
public sealed record ClaimReferralVerdict(
    Claim Claim,
    string? SellingBranch,
    bool CountsAsReferredRepair,
    bool CountsForReturnRate,
    bool ReturnedToSellingBranch);

/// <summary>One row of the referral section of SPEC §4.1.</summary>
/// <remarks>
/// <para><c>Target</c>: The configured target, printed as configured.</para>
/// <para><c>Variance</c>: <c>ratio - target</c> from the unrounded ratio, then rounded.</para>
/// </remarks>
public sealed record ReferralRow(
    string Branch,
    string Insurer,
    decimal ReferredRepairValue,
    decimal WrittenPremium,
    decimal? Ratio,
    decimal Target,
    decimal? Variance,
    decimal? ReturnRate);

/// <summary>Repair value the insurer referred to a branch, against the premium the branch wrote with it.</summary>
/// <remarks>
/// <para>B01 wrote 100 000.00 with PICC in October and PICC referred claims assessed at 50 001.00
/// to B01's workshop: ratio 0.5000 (0.50001 rounded), target 0.5, variance 0.0000 (0.00001
/// rounded from the unrounded ratio). With written premium exactly 0 the ratio and variance are
/// null; with −1 000.00 the ratio is negative.</para>
/// <para>A referred claim counts for the repairing branch even when its policy is not in the store;
/// the return rate only counts claims whose policy (linked by insurer and policy number) is in the
/// store with a branch.</para>
/// </remarks>
public static class RepairReferral
{
    /// <summary>Every claim reported in <paramref name="month"/>, with how it counts.</summary>
    public static IReadOnlyList<ClaimReferralVerdict> EvaluateClaims(
        IEnumerable<Claim> claims, IReadOnlyDictionary<PolicyKey, Policy> policies, BusinessMonth month)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(policies);
        return claims
            .Where(c => month.Contains(c.ReportDate))
            .OrderBy(c => c.InsurerCode, StringComparer.Ordinal)
            .ThenBy(c => c.ClaimNo, StringComparer.Ordinal)
            .Select(c =>
            {
                var counted = c.Status != ClaimStatus.WITHDRAWN;
                var sellingBranch = policies.TryGetValue(c.PolicyKey, out var policy) && MetricsKeys.HasText(policy.BranchCode)
                    ? policy.BranchCode
                    : null;
                var forReturnRate = counted && sellingBranch is not null;
                return new ClaimReferralVerdict(
                    c,
                    sellingBranch,
                    CountsAsReferredRepair: counted && c.Referred && MetricsKeys.HasText(c.RepairBranchCode),
                    CountsForReturnRate: forReturnRate,
                    ReturnedToSellingBranch: forReturnRate && string.Equals(c.RepairBranchCode, sellingBranch, StringComparison.Ordinal));
            })
            .ToList();
    }

    /// <summary>
    /// The referral rows of SPEC §4.1: one per (branch, insurer) with a policy issued or cancelled,
    /// or a claim counted, in the month; ordered by branch then insurer (ordinal).
    /// </summary>
    public static IReadOnlyList<ReferralRow> Rollup(
        IEnumerable<ClaimReferralVerdict> claims,
        IEnumerable<Policy> policies,
        WrittenPremiumLedger writtenPremium,
        BusinessMonth month,
        ReferralOptions options)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(writtenPremium);
        ArgumentNullException.ThrowIfNull(options);
        var keys = new HashSet<(string Branch, string Insurer)>();
        foreach (var p in policies)
        {
            if (MetricsKeys.HasText(p.BranchCode)
                && (WrittenPremiumLedger.IsIssuedIn(p, month) || WrittenPremiumLedger.IsCancelledIn(p, month)))
            {
                keys.Add((p.BranchCode!, p.InsurerCode));
            }
        }

        var referred = new Dictionary<(string, string), decimal>();
        var returns = new Dictionary<(string, string), (int All, int Returned)>();
        foreach (var verdict in claims)
        {
            var claim = verdict.Claim;
            if (verdict.CountsAsReferredRepair)
            {
                var key = (claim.RepairBranchCode!, claim.InsurerCode);
                keys.Add(key);
                referred[key] = referred.GetValueOrDefault(key) + Rounding.Money(claim.AssessedAmount);
            }

            if (verdict.CountsForReturnRate)
            {
                var key = (verdict.SellingBranch!, claim.InsurerCode);
                keys.Add(key);
                var (all, returned) = returns.GetValueOrDefault(key);
                returns[key] = (all + 1, returned + (verdict.ReturnedToSellingBranch ? 1 : 0));
            }
        }

        return keys
            .OrderBy(k => k.Branch, StringComparer.Ordinal)
            .ThenBy(k => k.Insurer, StringComparer.Ordinal)
            .Select(k =>
            {
                var value = referred.GetValueOrDefault(k);
                var written = writtenPremium.For(k.Branch, k.Insurer, month);
                var ratio = Rounding.Ratio(value, written);
                var target = options.TargetFor(k.Insurer);
                var (all, returned) = returns.GetValueOrDefault(k);
                return new ReferralRow(
                    k.Branch,
                    k.Insurer,
                    value,
                    written,
                    ratio is { } r ? Rounding.Rate(r) : null,
                    target,
                    ratio is { } u ? Rounding.Rate(u - target) : null,
                    Rounding.Rate(returned, all));
            })
            .ToList();
    }
}
