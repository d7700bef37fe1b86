// SPEC §3 composed: every rule over one MetricsInput, giving the §4.1 report and the per-line verdicts behind it.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>
/// The report and the verdicts it is rolled up from, so that a report and an explanation of any
/// of its figures come from the same computation.
/// </summary>
public sealed record MetricsResult(
    MetricsReport Report,
    IReadOnlyList<RenewalVerdict> Renewals,
    IReadOnlyList<WindowVerdict> Windows,
    IReadOnlyList<ClaimReferralVerdict> ReferralClaims,
    IReadOnlyList<TierVerdict> Tiers,
    IReadOnlyList<CommissionLine> CommissionLines,
    IReadOnlyList<IncentiveLine> IncentiveLines,
    IReadOnlyList<AdvisorRanking> Ranking,
    IReadOnlyList<LostReasonVerdict> LostReasons);

/// <summary>Runs the rules of SPEC §3 for one business date and month. Pure: no clock, no I/O.</summary>
public static class MetricsCalculator
{
    public static MetricsReport Report(MetricsInput input) => Calculate(input).Report;

    public static MetricsResult Calculate(MetricsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = input.Options;
        var month = input.Month;
        var policies = ByKey(input.Policies);
        RequireUnique(input.Claims, c => (c.InsurerCode, c.ClaimNo), "claim (insurer_code, claim_no)");
        RequireUnique(input.FollowUps, f => f.FollowUpId, "follow-up followup_id");

        var renewals = RenewalMatching.Evaluate(input.Policies, month, input.AsOf, options);
        var windows = ExpiryWindowConversion.Evaluate(renewals, input.FollowUps, input.AsOf, options.Renewal.Windows);

        var totals = input.Totals ?? BranchMonthTotals.From(input.Policies, input.Claims);
        var writtenPremium = WrittenPremiumLedger.From(totals);
        var referralClaims = RepairReferral.EvaluateClaims(input.Claims, policies, month);

        var tiers = new CommissionTierBook(totals, writtenPremium, options.Commission);
        var commissionLines = input.WithoutCommission ? [] : CommissionTiers.Lines(input.Policies, month, tiers);
        var commission = input.WithoutCommission ? [] : CommissionTiers.Rollup(commissionLines, month, tiers);

        var incentiveLines = AdvisorIncentive.Lines(input.Policies, month, options.Incentive);
        var ranking = AdvisorIncentive.Rank(incentiveLines, options.Incentive);
        var lostReasons = LostReasons.Evaluate(renewals, input.FollowUps);

        var report = new MetricsReport(
            input.AsOf,
            month,
            RenewalMatching.Rollup(renewals),
            ExpiryWindowConversion.Rollup(renewals, windows, options.Renewal.Windows),
            RepairReferral.Rollup(referralClaims, input.Policies, writtenPremium, month, options.Referral),
            commission,
            AdvisorIncentive.Rollup(incentiveLines, ranking),
            LostReasons.Rollup(lostReasons));

        return new MetricsResult(
            report, renewals, windows, referralClaims, tiers.Computed, commissionLines, incentiveLines, ranking, lostReasons);
    }

    private static Dictionary<PolicyKey, Policy> ByKey(IEnumerable<Policy> policies)
    {
        var byKey = new Dictionary<PolicyKey, Policy>();
        foreach (var policy in policies)
        {
            if (!byKey.TryAdd(policy.Key, policy))
            {
                throw new ArgumentException(
                    $"The run sees one version per policy; policy ({policy.InsurerCode}, {policy.PolicyNo}) appears twice.",
                    nameof(policies));
            }
        }

        return byKey;
    }

    private static void RequireUnique<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key, string what)
    {
        var seen = new HashSet<TKey>();
        foreach (var row in rows)
        {
            if (!seen.Add(key(row)))
            {
                throw new ArgumentException($"The run sees one version per key; {what} {key(row)} appears twice.", nameof(rows));
            }
        }
    }
}
