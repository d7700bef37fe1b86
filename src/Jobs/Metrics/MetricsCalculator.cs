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

        // Two independent halves, each pure, computed side by side: the renewal side (§3.1, §3.2,
        // §3.6) and the money side (§3.3 to §3.5); on a month of a large book each is about a
        // second of work. A rule's exception comes out as itself.
        var renewalSide = Task.Run(() => RenewalSideOf(input));
        var money = MoneySideOf(input);
        var renewal = renewalSide.GetAwaiter().GetResult();

        var report = new MetricsReport(
            input.AsOf,
            input.Month,
            renewal.Rollup,
            renewal.WindowRollup,
            money.ReferralRollup,
            money.Commission,
            money.IncentiveRollup,
            renewal.LostReasonRollup);

        return new MetricsResult(
            report, renewal.Renewals, renewal.Windows, money.ReferralClaims, money.Tiers.Computed, money.CommissionLines, money.IncentiveLines, money.Ranking, renewal.LostReasons);
    }

    private static RenewalSide RenewalSideOf(MetricsInput input)
    {
        var options = input.Options;
        RequireUnique(input.FollowUps, f => f.FollowUpId, "follow-up followup_id");
        var renewals = RenewalMatching.Evaluate(input.Policies, input.Month, input.AsOf, options);
        var windows = ExpiryWindowConversion.Evaluate(renewals, input.FollowUps, input.AsOf, options.Renewal.Windows);
        var lostReasons = LostReasons.Evaluate(renewals, input.FollowUps);
        return new RenewalSide(
            renewals,
            windows,
            lostReasons,
            RenewalMatching.Rollup(renewals),
            ExpiryWindowConversion.Rollup(renewals, windows, options.Renewal.Windows),
            LostReasons.Rollup(lostReasons));
    }

    private static MoneySide MoneySideOf(MetricsInput input)
    {
        var options = input.Options;
        var month = input.Month;
        var policies = ByKey(input.Policies);
        RequireUnique(input.Claims, c => (c.InsurerCode, c.ClaimNo), "claim (insurer_code, claim_no)");

        var totals = input.Totals ?? BranchMonthTotals.From(input.Policies, input.Claims);
        var writtenPremium = WrittenPremiumLedger.From(totals);
        var referralClaims = RepairReferral.EvaluateClaims(input.Claims, policies, month);

        var tiers = new CommissionTierBook(totals, writtenPremium, options.Commission);
        var commissionLines = input.WithoutCommission ? [] : CommissionTiers.Lines(input.Policies, month, tiers);
        var commission = input.WithoutCommission ? [] : CommissionTiers.Rollup(commissionLines, month, tiers);

        var incentiveLines = AdvisorIncentive.Lines(input.Policies, month, options.Incentive);
        var ranking = AdvisorIncentive.Rank(incentiveLines, options.Incentive);
        return new MoneySide(
            referralClaims,
            RepairReferral.Rollup(referralClaims, input.Policies, writtenPremium, month, options.Referral),
            tiers,
            commissionLines,
            commission,
            incentiveLines,
            ranking,
            AdvisorIncentive.Rollup(incentiveLines, ranking));
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

    private sealed record RenewalSide(
        IReadOnlyList<RenewalVerdict> Renewals,
        IReadOnlyList<WindowVerdict> Windows,
        IReadOnlyList<LostReasonVerdict> LostReasons,
        IReadOnlyList<RenewalRow> Rollup,
        IReadOnlyList<ConversionRow> WindowRollup,
        IReadOnlyList<LostReasonRow> LostReasonRollup);

    private sealed record MoneySide(
        IReadOnlyList<ClaimReferralVerdict> ReferralClaims,
        IReadOnlyList<ReferralRow> ReferralRollup,
        CommissionTierBook Tiers,
        IReadOnlyList<CommissionLine> CommissionLines,
        IReadOnlyList<CommissionRow> Commission,
        IReadOnlyList<IncentiveLine> IncentiveLines,
        IReadOnlyList<AdvisorRanking> Ranking,
        IReadOnlyList<AdvisorRow> IncentiveRollup);
}
