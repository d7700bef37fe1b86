// SPEC §3 and §4.1: one section per metric of the explanation — the lines behind each figure, with each rule's verdict.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>The tables of each explained metric, in the spec's order: renewal, conversion, referral, commission, advisor, lost reasons.</summary>
public sealed partial class MetricsExplanation
{
    // §3.1: each cohort policy and its renewal Q; totals through the same rollup as the metrics rows.
    private static List<ExplanationTable> Renewal(MetricsResult result, ExplanationFilter filter)
    {
        var verdicts = Cohort(result, filter);
        var lines = verdicts.Select(v =>
        {
            var p = v.Expiring;
            var q = v.Renewal;
            return Row(
                p.InsurerCode, p.PolicyNo, p.BranchCode, p.AdvisorId, Date(p.ExpiryDate), Money(p.Premium), StatusOf(v.Status), Date(v.GraceEnds),
                q?.InsurerCode, q?.PolicyNo, q?.BranchCode, Date(q?.EffectiveDate), Date(q?.IssueDate), Int(v.LeadDays), v.Window,
                q is null ? null : YesNo(v.RenewedSameBranch), q is null ? null : YesNo(v.RenewedSameInsurer), q is null ? null : Money(q.Premium));
        });
        var group = RenewalMatching.Rollup(verdicts)[0];
        var total = group with { Branch = Key(filter.Branch), Insurer = Key(filter.Insurer), Advisor = Key(filter.Advisor) };
        return
        [
            new ExplanationTable(
                "renewal",
                "cohort policies (expiring in the month) and the renewal that counts for each; pending until graceEnds, lapsed after it",
                ["insurer", "policyNo", "branch", "advisor", "expiry", "premium", "status", "graceEnds", "renewalInsurer", "renewalPolicyNo", "renewalBranch",
                 "renewalEffective", "renewalIssue", "lead", "window", "sameBranch", "sameInsurer", "renewalPremium"],
                [.. lines]),
            new ExplanationTable(
                "totals",
                "totals of these lines, as the metrics renewal row",
                ["branch", "insurer", "advisor", "due", "duePremium", "renewed", "renewedPremium", "renewedSameBranch", "renewedSameInsurer", "pending", "lapsed", "rate"],
                [Row(total.Branch, total.Insurer, total.Advisor, Int(total.Due), Money(total.DuePremium), Int(total.Renewed), Money(total.RenewedPremium),
                    Int(total.RenewedSameBranch), Int(total.RenewedSameInsurer), Int(total.Pending), Int(total.Lapsed), Rate(total.Rate))]),
        ];
    }

    // §3.2: each cohort policy against every window.
    private static List<ExplanationTable> Conversion(MetricsResult result, MetricsOptions options, ExplanationFilter filter)
    {
        var verdicts = Cohort(result, filter);
        var keys = verdicts.Select(v => v.Expiring.Key).ToHashSet();
        var windows = options.Renewal.Windows;
        var byPolicy = result.Windows.Where(w => keys.Contains(w.Policy)).ToLookup(w => w.Policy);
        var lines = verdicts.Select(v =>
        {
            var p = v.Expiring;
            var cells = new List<string?> { p.InsurerCode, p.PolicyNo, p.BranchCode, p.AdvisorId, Date(p.ExpiryDate), StatusOf(v.Status), Int(v.LeadDays), v.Window };
            var perWindow = byPolicy[p.Key].ToDictionary(w => w.Window, StringComparer.Ordinal);
            cells.AddRange(windows.Select(w => perWindow.TryGetValue(w.Name, out var line) ? WindowCell(line) : null));
            return (IReadOnlyList<string?>)cells;
        });
        var due = verdicts.Count;
        var totals = windows.Select(w =>
        {
            var inWindow = result.Windows.Where(l => keys.Contains(l.Policy) && string.Equals(l.Window, w.Name, StringComparison.Ordinal)).ToList();
            var atRisk = inWindow.Count(l => l.AtRisk);
            var converted = inWindow.Count(l => l.Converted);
            return Row(
                Key(filter.Branch), w.Name, Int(atRisk), Int(converted), Int(inWindow.Count(l => l.Contacted)),
                Rate(Rounding.Rate(converted, atRisk)), Rate(Rounding.Rate(inWindow.Count(l => l.Cumulative), due)));
        });
        return
        [
            new ExplanationTable(
                "conversion",
                "cohort policies by expiry window: not begun, renewed earlier (not at risk), at risk, converted (renewed with a lead inside the window), +contacted",
                [.. ConversionColumns.Concat(windows.Select(w => w.Name))],
                [.. lines]),
            new ExplanationTable(
                "totals",
                "totals of these lines, as the metrics conversion rows (cumulative over due = " + Int(due) + ")",
                ["branch", "window", "atRisk", "converted", "contacted", "rate", "cumulative"],
                [.. totals]),
        ];
    }

    private static string WindowCell(WindowVerdict line)
    {
        if (!line.Begun)
        {
            return "not begun";
        }

        if (!line.AtRisk)
        {
            return "renewed earlier";
        }

        var verdict = line.Converted ? "converted" : "at risk";
        return line.Contacted ? verdict + "+contacted" : verdict;
    }

    // §3.3: each claim of the month with its role, and the written premium lines of each branch × insurer.
    private static List<ExplanationTable> Referral(MetricsResult result, MetricsOptions options, ExplanationFilter filter)
    {
        var month = result.Report.Month;
        var claims = result.ReferralClaims
            .Where(c => filter.InsurerIs(c.Claim.InsurerCode)
                && (filter.Branch is null || filter.BranchIs(c.Claim.RepairBranchCode) || filter.BranchIs(c.SellingBranch)))
            .ToList();
        var written = result.CommissionLines.Where(l => filter.BranchIs(l.Policy.BranchCode) && filter.InsurerIs(l.Policy.InsurerCode)).ToList();

        var pairs = new SortedSet<(string Branch, string Insurer)>(PairOrder.Instance);
        foreach (var line in written)
        {
            pairs.Add((line.Policy.BranchCode!, line.Policy.InsurerCode));
        }

        foreach (var verdict in claims)
        {
            if (verdict.CountsAsReferredRepair)
            {
                pairs.Add((verdict.Claim.RepairBranchCode!, verdict.Claim.InsurerCode));
            }

            if (verdict.CountsForReturnRate)
            {
                pairs.Add((verdict.SellingBranch!, verdict.Claim.InsurerCode));
            }
        }

        var totals = pairs.Where(k => filter.BranchIs(k.Branch)).Select(k =>
        {
            var value = claims
                .Where(c => c.CountsAsReferredRepair && Same(c.Claim.RepairBranchCode, k.Branch) && Same(c.Claim.InsurerCode, k.Insurer))
                .Sum(c => Rounding.Money(c.Claim.AssessedAmount));
            var premium = written.Where(l => Same(l.Policy.BranchCode, k.Branch) && Same(l.Policy.InsurerCode, k.Insurer)).Sum(Written);
            var returns = claims.Where(c => c.CountsForReturnRate && Same(c.SellingBranch, k.Branch) && Same(c.Claim.InsurerCode, k.Insurer)).ToList();
            var ratio = Rounding.Ratio(value, premium);
            var target = options.Referral.TargetFor(k.Insurer);
            return Row(
                k.Branch, k.Insurer, Money(value), Money(premium), Rate(ratio), Configured(target), Rate(ratio - target),
                Rate(Rounding.Rate(returns.Count(c => c.ReturnedToSellingBranch), returns.Count)));
        });

        return
        [
            new ExplanationTable(
                "claims",
                "claims reported in " + month + " and how each counts",
                ["insurer", "claimNo", "policyNo", "reportDate", "status", "referred", "repairBranch", "sellingBranch", "assessed", "role"],
                [.. claims.Select(c => Row(
                    c.Claim.InsurerCode, c.Claim.ClaimNo, c.Claim.PolicyNo, Date(c.Claim.ReportDate), c.Claim.Status.ToString(), c.Claim.Referred ? "Y" : "N",
                    c.Claim.RepairBranchCode, c.SellingBranch, Money(c.Claim.AssessedAmount), RoleOf(c)))]),
            new ExplanationTable(
                "writtenPremium",
                "written premium in " + month + ": policies sold (+premium) and cancelled (−refund), both coverages",
                ["branch", "insurer", "policyNo", "coverage", "kind", "issueDate", "cancelDate", "amount"],
                [.. written.Select(l => Row(
                    l.Policy.BranchCode, l.Policy.InsurerCode, l.Policy.PolicyNo, l.Policy.Coverage.ToString(),
                    l.Kind == CommissionLineKind.Sale ? "sale" : "cancellation", Date(l.Policy.IssueDate),
                    l.Kind == CommissionLineKind.Sale ? null : Date(l.Policy.CancelDate), Money(Written(l))))]),
            new ExplanationTable(
                "totals",
                "totals of these lines, as the metrics referral rows",
                ["branch", "insurer", "referredRepairValue", "writtenPremium", "ratio", "target", "variance", "returnRate"],
                [.. totals]),
        ];
    }

    private static decimal Written(CommissionLine line) => line.Kind == CommissionLineKind.Sale ? line.Base : -line.Base;

    private static string RoleOf(ClaimReferralVerdict verdict)
    {
        var roles = new List<string>();
        if (verdict.CountsAsReferredRepair)
        {
            roles.Add($"referred repair value of {verdict.Claim.RepairBranchCode}");
        }

        if (verdict.CountsForReturnRate)
        {
            roles.Add(verdict.ReturnedToSellingBranch
                ? $"return-rate numerator and denominator of {verdict.SellingBranch}"
                : $"return-rate denominator of {verdict.SellingBranch}");
        }

        if (roles.Count > 0)
        {
            return string.Join("; ", roles);
        }

        return verdict.Claim.Status == ClaimStatus.WITHDRAWN
            ? "not counted: withdrawn"
            : "not counted: not referred to a branch, policy not sold by a branch";
    }

    // §3.4: the tiers with the figures that chose them, the conditions of every tier, the lines.
    private static List<ExplanationTable> Commission(MetricsResult result, MetricsOptions options, ExplanationFilter filter)
    {
        var month = result.Report.Month;
        var tiers = result.Tiers.Where(t => filter.BranchIs(t.Branch) && filter.InsurerIs(t.Insurer))
            .OrderBy(t => t.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Insurer, StringComparer.Ordinal)
            .ThenByDescending(t => t.Month == month)
            .ThenBy(t => t.Month)
            .ToList();
        var conditions = new List<IReadOnlyList<string?>>();
        foreach (var verdict in tiers)
        {
            var schedule = options.Commission.ScheduleFor(verdict.Insurer);
            var held = schedule.Select(t => (Tier: t, Scale: verdict.WrittenPremium >= t.MinWrittenPremium, Quality: verdict.LossRatio is null || t.MaxLossRatio is null || verdict.LossRatio <= t.MaxLossRatio)).ToList();
            var anyHeld = held.Exists(h => h.Scale && h.Quality);
            foreach (var (tier, scale, quality) in held)
            {
                var applies = string.Equals(tier.Name, verdict.Tier, StringComparison.Ordinal);
                conditions.Add(Row(
                    verdict.Branch, verdict.Insurer, verdict.Month.ToString(), tier.Name, Configured(tier.MinWrittenPremium), Money(verdict.WrittenPremium), YesNo(scale),
                    tier.MaxLossRatio is { } max ? Configured(max) : null, Rate(verdict.LossRatio), YesNo(quality),
                    !applies ? No : anyHeld ? Yes : "yes (no tier held: the last applies)"));
            }
        }

        var lines = result.CommissionLines.Where(l => filter.BranchIs(l.Policy.BranchCode) && filter.InsurerIs(l.Policy.InsurerCode)).ToList();
        var sales = lines.Where(l => l.Kind == CommissionLineKind.Sale).ToList();
        var clawbacks = lines.Where(l => l.Kind == CommissionLineKind.Clawback).ToList();
        var monthTiers = result.Tiers.Where(t => t.Month == month).ToDictionary(t => (t.Branch, t.Insurer));
        var totals = lines
            .GroupBy(l => (Branch: l.Policy.BranchCode!, Insurer: l.Policy.InsurerCode, Coverage: l.Policy.Coverage.ToString()))
            .OrderBy(g => g.Key.Branch, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Insurer, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Coverage, StringComparer.Ordinal)
            .Select(g =>
            {
                var tier = monthTiers[(g.Key.Branch, g.Key.Insurer)];
                var sold = g.Where(l => l.Kind == CommissionLineKind.Sale).ToList();
                var commission = sold.Sum(l => l.Amount);
                var clawback = g.Where(l => l.Kind == CommissionLineKind.Clawback).Sum(l => l.Amount);
                return Row(
                    g.Key.Branch, g.Key.Insurer, g.Key.Coverage, tier.Tier, Configured(tier.RateFor(g.First().Policy.Coverage)), Int(sold.Count),
                    Money(sold.Sum(l => l.Base)), Money(commission), Money(clawback), Money(commission - clawback));
            });

        return
        [
            new ExplanationTable(
                "tiers",
                "tier of each branch × insurer for " + month + " (and for the issue months of clawed-back policies); loss ratio over the 12 months ending with the month",
                ["branch", "insurer", "month", "writtenPremium", "lossRatioClaims", "lossRatioWrittenPremium", "lossRatio", "tier", "commercialRate", "ctplRate"],
                [.. tiers.Select(t => Row(
                    t.Branch, t.Insurer, t.Month.ToString(), Money(t.WrittenPremium), Money(t.LossRatioClaims), Money(t.LossRatioWrittenPremium),
                    Rate(t.LossRatio), t.Tier, Configured(t.CommercialRate), Configured(t.CtplRate)))]),
            new ExplanationTable(
                "conditions",
                "each tier of the schedule, best first: written premium at least the minimum, loss ratio at most the maximum (a null loss ratio meets any)",
                ["branch", "insurer", "month", "tier", "minWrittenPremium", "writtenPremium", "scaleMet", "maxLossRatio", "lossRatio", "qualityMet", "applies"],
                conditions),
            new ExplanationTable(
                "sales",
                "commission lines: policies issued in " + month + ", at the month's tier",
                ["branch", "insurer", "policyNo", "coverage", "issueDate", "premium", "tier", "rate", "commission"],
                [.. sales.Select(l => Row(
                    l.Policy.BranchCode, l.Policy.InsurerCode, l.Policy.PolicyNo, l.Policy.Coverage.ToString(), Date(l.Policy.IssueDate),
                    Money(l.Base), l.Tier, Configured(l.Rate), Money(l.Amount)))]),
            new ExplanationTable(
                "clawbacks",
                "clawbacks: policies cancelled in " + month + ", at the tier of their issue month",
                ["branch", "insurer", "policyNo", "coverage", "issueDate", "cancelDate", "refund", "issueMonth", "tier", "rate", "clawback"],
                [.. clawbacks.Select(l => Row(
                    l.Policy.BranchCode, l.Policy.InsurerCode, l.Policy.PolicyNo, l.Policy.Coverage.ToString(), Date(l.Policy.IssueDate),
                    Date(l.Policy.CancelDate), Money(l.Base), l.TierMonth.ToString(), l.Tier, Configured(l.Rate), Money(l.Amount)))]),
            new ExplanationTable(
                "totals",
                "totals of these lines, as the metrics commission rows",
                ["branch", "insurer", "coverage", "tier", "rate", "policies", "premium", "commission", "clawback", "net"],
                [.. totals]),
        ];
    }

    // §3.5: each incentive line, the ranking, and the advisor rows.
    private static List<ExplanationTable> Advisor(MetricsResult result, ExplanationFilter filter)
    {
        var lines = result.IncentiveLines.Where(l => filter.AdvisorIs(l.AdvisorId) && filter.BranchIs(l.Branch)).ToList();
        var advisors = lines.Select(l => l.AdvisorId).ToHashSet(StringComparer.Ordinal);
        var ranking = filter.Branch is null && filter.Advisor is null
            ? result.Ranking
            : [.. result.Ranking.Where(r => advisors.Contains(r.AdvisorId))];
        // The totals are the metrics rollup of the lines shown, so they equal the advisor rows.
        var totals = AdvisorIncentive.Rollup(lines, result.Ranking).Select(r => Row(
            r.Advisor, r.Branch, Int(r.Policies), Money(r.Incentive), Money(r.Clawback), Money(r.Bonus), Money(r.PromotionCost), Money(r.Net)));
        return
        [
            new ExplanationTable(
                "incentives",
                "commercial non-new-car policies with an advisor, issued or cancelled in " + result.Report.Month,
                ["advisor", "branch", "insurer", "policyNo", "issueDate", "cancelDate", "premium", "band", "kind", "incentive", "promotionCost", "clawback"],
                [.. lines.Select(l => Row(
                    l.AdvisorId, l.Branch, l.Policy.InsurerCode, l.Policy.PolicyNo, Date(l.Policy.IssueDate), Date(l.Policy.CancelDate),
                    Money(l.Policy.Premium), l.Band, KindOf(l.Kind), Money(l.Incentive), Money(l.PromotionCost), Money(l.Clawback)))]),
            new ExplanationTable(
                "ranking",
                "group-wide ranking by earning policies, then premium, then advisor id; the bonus goes on the bonusBranch row",
                ["rank", "advisor", "policies", "premium", "bonus", "bonusBranch"],
                [.. ranking.Select(r => Row(Int(r.Rank), r.AdvisorId, Int(r.Policies), Money(r.Premium), Money(r.Bonus), r.BonusBranch))]),
            new ExplanationTable(
                "totals",
                "totals of these lines, as the metrics advisor rows (a row needs an earning policy or a clawback)",
                ["advisor", "branch", "policies", "incentive", "clawback", "bonus", "promotionCost", "net"],
                [.. totals]),
        ];
    }

    private static string KindOf(IncentiveLineKind kind) => kind switch
    {
        IncentiveLineKind.Earning => "earning",
        IncentiveLineKind.CancelledInIssueMonth => "cancelled in issue month: no incentive; cost stands",
        _ => "clawback",
    };

    // §3.6: each lapsed cohort policy and the follow-up its reason comes from.
    private static List<ExplanationTable> Lost(MetricsResult result, ExplanationFilter filter)
    {
        var lapsed = Cohort(result, filter).Where(v => v.Status == RenewalStatus.Lapsed).Select(v => v.Expiring.Key).ToHashSet();
        var verdicts = result.LostReasons.Where(l => lapsed.Contains(l.Policy.Key)).ToList();
        var graceEnds = result.Renewals.ToDictionary(v => v.Expiring.Key, v => v.GraceEnds);
        var order = LostReasons.Order.ToList();
        var totals = verdicts
            .GroupBy(v => (v.Branch, v.Reason))
            .OrderBy(g => g.Key.Branch, StringComparer.Ordinal)
            .ThenBy(g => order.IndexOf(g.Key.Reason))
            .Select(g => Row(g.Key.Branch, g.Key.Reason, Int(g.Count())));
        return
        [
            new ExplanationTable(
                "lostReasons",
                "cohort policies lapsed as of " + Date(result.Report.AsOf) + ", by the reason of their last LOST follow-up",
                ["insurer", "policyNo", "branch", "advisor", "expiry", "graceEnds", "reason", "lastLostFollowUp", "lastLostContact"],
                [.. verdicts.Select(v => Row(
                    v.Policy.InsurerCode, v.Policy.PolicyNo, v.Branch, v.Policy.AdvisorId, Date(v.Policy.ExpiryDate), Date(graceEnds[v.Policy.Key]),
                    v.Reason, v.LastLost?.FollowUpId, Date(v.LastLost?.ContactDate)))]),
            new ExplanationTable("totals", "totals of these lines, as the metrics lostReasons rows", ["branch", "reason", "count"], [.. totals]),
        ];
    }

    private static List<RenewalVerdict> Cohort(MetricsResult result, ExplanationFilter filter) =>
        [.. result.Renewals.Where(v => filter.BranchIs(v.Branch) && filter.InsurerIs(v.Expiring.InsurerCode) && filter.AdvisorIs(v.Expiring.AdvisorId))];
}
