// SPEC §3 and §4.1: the policy and claim lines behind a metrics figure, with each rule's verdict ("why is my number this").
using System.Globalization;
using CsvHelper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>The figure an explanation is about: one section of the §4.1 export.</summary>
public enum ExplainedMetric
{
    Renewal,
    Conversion,
    Referral,
    Commission,
    Advisor,
    LostReasons,
}

/// <summary>Narrows the lines explained; a null code means "all".</summary>
public sealed record ExplanationFilter(string? Branch = null, string? Insurer = null, string? Advisor = null)
{
    public static ExplanationFilter None { get; } = new();

    internal bool BranchIs(string? branch) => Branch is null || string.Equals(Branch, branch, StringComparison.Ordinal);

    internal bool InsurerIs(string? insurer) => Insurer is null || string.Equals(Insurer, insurer, StringComparison.Ordinal);

    internal bool AdvisorIs(string? advisor) => Advisor is null || string.Equals(Advisor, advisor, StringComparison.Ordinal);
}

/// <summary>
/// One table of an explanation: already formatted cells (money 2 dp, rates 4 dp, configured
/// constants as configured, dates ISO, invariant culture); a null cell is a null figure.
/// </summary>
public sealed record ExplanationTable(string Name, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)
{
    /// <summary>The cell of <paramref name="column"/> in row <paramref name="row"/>.</summary>
    public string? Cell(int row, string column)
    {
        var index = Columns.ToList().IndexOf(column);
        if (index < 0)
        {
            throw new ArgumentException($"Table {Name} has no column {column}.", nameof(column));
        }

        return Rows[row][index];
    }

    /// <summary>Every cell of <paramref name="column"/>, top to bottom.</summary>
    public IReadOnlyList<string?> Column(string column) => [.. Enumerable.Range(0, Rows.Count).Select(r => Cell(r, column))];
}

/// <summary>
/// The lines behind one section of the metrics export for a month as of a business date, each with
/// the rule's verdict, and totals recomputed from exactly the lines shown. Pure: it reads the
/// <see cref="MetricsResult"/> the report was rolled up from, so an explanation cannot disagree with
/// the figure it explains.
/// </summary>
/// <remarks>
/// <para>The totals table uses the §4.1 field names and formats, keyed like the metrics rows. When the
/// filter is one the metrics rows are keyed by (renewal <c>--branch B01</c> is the row
/// <c>B01,*,*</c>; <c>--branch B01 --insurer PICC</c> is <c>B01,PICC,*</c>; referral and commission by
/// branch and insurer; advisor by advisor and branch), each totals line equals that metrics row.
/// Other filters (renewal by insurer alone) give totals of the lines shown, which no metrics row
/// holds.</para>
/// <para>No personal data: policies are shown by insurer and policy number, never by customer
/// name, phone, ID number, plate or VIN; follow-ups by id and date, never by their free-text note.</para>
/// </remarks>
public sealed class MetricsExplanation
{
    private const string Yes = "yes";
    private const string No = "no";

    private static readonly string[] ConversionColumns = ["insurer", "policyNo", "branch", "advisor", "expiry", "status", "lead", "window"];

    private MetricsExplanation(DateOnly asOf, BusinessMonth month, ExplainedMetric metric, ExplanationFilter filter, IReadOnlyList<ExplanationTable> tables)
    {
        AsOf = asOf;
        Month = month;
        Metric = metric;
        Filter = filter;
        Tables = tables;
    }

    public DateOnly AsOf { get; }

    public BusinessMonth Month { get; }

    public ExplainedMetric Metric { get; }

    public ExplanationFilter Filter { get; }

    public IReadOnlyList<ExplanationTable> Tables { get; }

    /// <summary>The totals recomputed from the lines, in the metrics rows' shape.</summary>
    public ExplanationTable Totals => Table("totals");

    public ExplanationTable Table(string name) =>
        Tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"The {NameOf(Metric)} explanation has no table {name}.", nameof(name));

    /// <summary>The command-line name of a metric: <c>renewal</c>, …, <c>lostreasons</c>.</summary>
    public static string NameOf(ExplainedMetric metric) => metric.ToString().ToLowerInvariant();

    public static IReadOnlyList<string> MetricNames { get; } = [.. Enum.GetValues<ExplainedMetric>().Select(NameOf)];

    public static bool TryParseMetric(string? text, out ExplainedMetric metric)
    {
        foreach (var candidate in Enum.GetValues<ExplainedMetric>())
        {
            if (string.Equals(NameOf(candidate), text, StringComparison.Ordinal))
            {
                metric = candidate;
                return true;
            }
        }

        metric = default;
        return false;
    }

    /// <summary>Which of branch, insurer and advisor narrow the lines of <paramref name="metric"/>.</summary>
    public static (bool Branch, bool Insurer, bool Advisor) FiltersOf(ExplainedMetric metric) => metric switch
    {
        ExplainedMetric.Referral or ExplainedMetric.Commission => (true, true, false),
        ExplainedMetric.Advisor => (true, false, true),
        _ => (true, true, true),
    };

    /// <summary>
    /// Explains <paramref name="metric"/>. <paramref name="options"/> must be those the result was
    /// computed with (windows, referral targets and commission schedules are printed from them).
    /// </summary>
    /// <exception cref="ArgumentException">A filter that does not apply to the metric (an advisor for referral).</exception>
    public static MetricsExplanation Explain(MetricsResult result, MetricsOptions options, ExplainedMetric metric, ExplanationFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        filter ??= ExplanationFilter.None;
        var applies = FiltersOf(metric);
        if ((filter.Insurer is not null && !applies.Insurer) || (filter.Advisor is not null && !applies.Advisor))
        {
            var which = filter.Insurer is not null && !applies.Insurer ? "an insurer" : "an advisor";
            throw new ArgumentException($"The {NameOf(metric)} figures are not kept by {which}; filter them by {Applicable(applies)}.", nameof(filter));
        }

        var tables = metric switch
        {
            ExplainedMetric.Renewal => Renewal(result, filter),
            ExplainedMetric.Conversion => Conversion(result, options, filter),
            ExplainedMetric.Referral => Referral(result, options, filter),
            ExplainedMetric.Commission => Commission(result, options, filter),
            ExplainedMetric.Advisor => Advisor(result, filter),
            _ => Lost(result, filter),
        };
        return new MetricsExplanation(result.Report.AsOf, result.Report.Month, metric, filter, tables);
    }

    private static string Applicable((bool Branch, bool Insurer, bool Advisor) applies) =>
        string.Join(" and ", new[] { (applies.Branch, "branch"), (applies.Insurer, "insurer"), (applies.Advisor, "advisor") }.Where(a => a.Item1).Select(a => a.Item2));

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

    /// <summary>
    /// The first line of the text form: metric, month, as-of date and filter
    /// (<c>explain renewal: month 2026-10 as of 2026-11-15, branch B01</c>). The text form itself,
    /// a console table per <see cref="Tables"/> entry, is the command line's (<c>ExplainText</c>).
    /// </summary>
    public string Heading => string.Create(CultureInfo.InvariantCulture, $"explain {NameOf(Metric)}: month {Month} as of {Date(AsOf)}, {FilterText()}");

    private string FilterText()
    {
        var parts = new[] { ("branch", Filter.Branch), ("insurer", Filter.Insurer), ("advisor", Filter.Advisor) }
            .Where(p => p.Item2 is not null)
            .Select(p => p.Item1 + " " + p.Item2)
            .ToList();
        return parts.Count == 0 ? "all branches" : string.Join(", ", parts);
    }

    /// <summary>
    /// The columns, in every table, whose cells are numbers this explanation formatted itself
    /// (money, rates, counts, days, configured constants): written into CSV as they are. Every other
    /// column — codes, policy and claim numbers, dates, months, verdicts, and the columns named by
    /// expiry windows — is text, and <see cref="ToCsv"/> neutralises its cells (<see cref="CsvCell"/>).
    /// A column is one or the other by its name, the same in every table; a column missing here is
    /// text, so a number column left out shows with a <c>'</c>, never a formula that runs.
    /// </summary>
    public static IReadOnlySet<string> NumberColumns { get; } = System.Collections.Frozen.FrozenSet.ToFrozenSet(
    [
        "due", "duePremium", "renewed", "renewedPremium", "renewedSameBranch", "renewedSameInsurer", "pending", "lapsed", "rate",
        "premium", "renewalPremium", "lead", "atRisk", "converted", "contacted", "cumulative",
        "assessed", "amount", "referredRepairValue", "writtenPremium", "ratio", "target", "variance", "returnRate",
        "lossRatioClaims", "lossRatioWrittenPremium", "lossRatio", "commercialRate", "ctplRate", "minWrittenPremium", "maxLossRatio",
        "policies", "commission", "refund", "clawback", "net", "incentive", "promotionCost", "rank", "bonus", "count",
    ], StringComparer.Ordinal);

    /// <summary>
    /// CSV as the metrics export writes it (RFC 4180, comma, LF): an <c>explain</c> section with the
    /// metric, month, date and filter, then one section per table, each a header line
    /// (<c>section</c> then the column names) and rows starting with the section name; sections are
    /// separated by one empty line; a null figure is an empty field. Cells of
    /// <see cref="NumberColumns"/> are written as they are; every other cell is text and is
    /// neutralised when it begins like a formula (<see cref="CsvCell.WriteText"/>).
    /// </summary>
    public string ToCsv()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Section(writer, "explain", ["metric", "month", "asOf", "branch", "insurer", "advisor"], [Row(NameOf(Metric), Month.ToString(), Date(AsOf), Filter.Branch, Filter.Insurer, Filter.Advisor)]);
        foreach (var table in Tables)
        {
            writer.Write('\n');
            Section(writer, table.Name, table.Columns, table.Rows);
        }

        return writer.ToString();
    }

    /// <summary>One section: a CSV table of its own (CsvHelper's writer, every row as wide as its header).</summary>
    private static void Section(TextWriter writer, string name, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var numbers = columns.Select(NumberColumns.Contains).ToArray();
        using var csv = CsvWriter.Create(writer, CsvCell.Options, leaveOpen: true);
        csv.WriteText("section");
        foreach (var column in columns)
        {
            csv.WriteText(column);
        }

        csv.EndRecord();
        foreach (var row in rows)
        {
            csv.WriteText(name);
            for (var i = 0; i < row.Count; i++)
            {
                if (numbers[i])
                {
                    csv.WriteNumber(row[i]);
                }
                else
                {
                    csv.WriteText(row[i]);
                }
            }

            csv.EndRecord();
        }
    }

    private static string?[] Row(params string?[] cells) => cells;

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);

    private static string Key(string? code) => code ?? MetricsKeys.All;

    private static string StatusOf(RenewalStatus status) => status.ToString().ToLowerInvariant();

    private static string YesNo(bool value) => value ? Yes : No;

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Int(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal amount) => Rounding.Money(amount).ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Rate(decimal? rate) => rate is { } r ? Rounding.Rate(r).ToString("0.0000", CultureInfo.InvariantCulture) : null;

    private static string Configured(decimal constant) => constant.ToString(CultureInfo.InvariantCulture);

    private sealed class PairOrder : IComparer<(string Branch, string Insurer)>
    {
        public static PairOrder Instance { get; } = new();

        public int Compare((string Branch, string Insurer) x, (string Branch, string Insurer) y)
        {
            var order = string.CompareOrdinal(x.Branch, y.Branch);
            return order != 0 ? order : string.CompareOrdinal(x.Insurer, y.Insurer);
        }
    }
}
