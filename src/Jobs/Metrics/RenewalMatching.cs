// SPEC §3.1 Renewal rate (续保率), read with §3.7: the cohort, its matching renewal Q, and its status as of the business date.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>Where a cohort policy stands as of the business date (已续 / 待续 / 脱保).</summary>
public enum RenewalStatus
{
    Renewed,
    Pending,
    Lapsed,
}

/// <summary>
/// One cohort policy P (应续) and the verdict on it: the renewal Q chosen (if any), the lead of Q,
/// the expiry window the lead falls in (<c>EARLY</c> above the top window, <c>null</c> below the
/// lowest or unrenewed), and the last day of grace.
/// </summary>
public sealed record RenewalVerdict(
    Policy Expiring,
    Policy? Renewal,
    RenewalStatus Status,
    int? LeadDays,
    string? Window,
    DateOnly GraceEnds)
{
    public string Branch => Expiring.BranchCode!;

    public bool IsRenewed => Status == RenewalStatus.Renewed;

    /// <summary>Q was sold by P's branch.</summary>
    public bool RenewedSameBranch =>
        Renewal is not null && string.Equals(Renewal.BranchCode, Expiring.BranchCode, StringComparison.Ordinal);

    /// <summary>Q is with P's insurer (续保, as opposed to 转保).</summary>
    public bool RenewedSameInsurer =>
        Renewal is not null && string.Equals(Renewal.InsurerCode, Expiring.InsurerCode, StringComparison.Ordinal);
}

/// <summary>One row of the renewal section of SPEC §4.1; <c>*</c> stands for "all".</summary>
public sealed record RenewalRow(
    string Branch,
    string Insurer,
    string Advisor,
    int Due,
    decimal DuePremium,
    int Renewed,
    decimal RenewedPremium,
    int RenewedSameBranch,
    int RenewedSameInsurer,
    int Pending,
    int Lapsed,
    decimal? Rate)
{
    /// <summary>The rate is final once nothing is pending (SPEC §3.1).</summary>
    public bool IsFinal => Pending == 0;
}

/// <summary>The cohort of a month, the renewal of each of its policies, and the rollups.</summary>
/// <remarks>
/// <para>With grace 30 and P expiring 2026-10-31, a Q effective from 2026-09-01 (expiry − 60) to
/// 2026-12-01 (expiry + 1 + 30) inclusive renews P; effective 2026-12-02 it does not. Q must
/// also be issued on or before the business date: as of 2026-10-20, a Q issued 2026-10-21 does not
/// count yet, and P is pending.</para>
/// <para>P cancelled on its expiry day 2026-10-31 is out of the cohort; cancelled 2026-11-01 it is
/// in. As of 2026-11-30 an unrenewed P is pending (2026-11-30 = expiry + grace); as of 2026-12-01
/// it is lapsed.</para>
/// <para>When several Q qualify, the earliest <c>effective_date</c> wins, then the earliest
/// <c>issue_date</c>, then the lowest <c>policy_no</c> (ordinal), then the lowest
/// <c>insurer_code</c>. One Q may renew several P.</para>
/// </remarks>
public static class RenewalMatching
{
    /// <summary>Q may start this many days before P's expiry.</summary>
    public const int EarliestEffectiveDaysBeforeExpiry = 60;

    /// <summary>P is in the month's cohort (SPEC §3.1, "cancelled" as read in §3.7).</summary>
    public static bool IsInCohort(Policy policy, BusinessMonth month, Coverage renewalCoverage)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Coverage == renewalCoverage
            && MetricsKeys.HasText(policy.BranchCode)
            && month.Contains(policy.ExpiryDate)
            && !IsCancelledOnOrBeforeExpiry(policy);
    }

    /// <summary>A null <c>cancel_date</c> on a cancelled policy compares as "not on or before expiry".</summary>
    private static bool IsCancelledOnOrBeforeExpiry(Policy policy) =>
        policy.CancelledOn is { } cancelled && cancelled <= policy.ExpiryDate;

    /// <summary>Q qualifies as a renewal of P as of <paramref name="asOf"/>.</summary>
    public static bool Renews(Policy renewal, Policy expiring, int graceDays, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(renewal);
        ArgumentNullException.ThrowIfNull(expiring);
        return string.Equals(renewal.Vin, expiring.Vin, StringComparison.Ordinal)
            && renewal.Coverage == expiring.Coverage
            && MetricsKeys.HasText(renewal.BranchCode)
            && renewal.Status == PolicyStatus.ACTIVE
            && renewal.Key != expiring.Key
            && renewal.EffectiveDate >= expiring.ExpiryDate.AddDays(-EarliestEffectiveDaysBeforeExpiry)
            && renewal.EffectiveDate <= expiring.ExpiryDate.AddDays(1 + graceDays)
            && renewal.IssueDate <= asOf;
    }

    /// <summary>The chosen renewal of P among <paramref name="candidates"/>, or <c>null</c>.</summary>
    public static Policy? FindRenewal(Policy expiring, IEnumerable<Policy> candidates, int graceDays, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        Policy? best = null;
        foreach (var candidate in candidates)
        {
            if (Renews(candidate, expiring, graceDays, asOf) && (best is null || Precedes(candidate, best)))
            {
                best = candidate;
            }
        }

        return best;
    }

    private static bool Precedes(Policy a, Policy b)
    {
        var order = a.EffectiveDate.CompareTo(b.EffectiveDate);
        if (order == 0)
        {
            order = a.IssueDate.CompareTo(b.IssueDate);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.PolicyNo, b.PolicyNo);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.InsurerCode, b.InsurerCode);
        }

        return order < 0;
    }

    /// <summary>
    /// The verdict on every cohort policy of <paramref name="month"/> as of <paramref name="asOf"/>,
    /// ordered by branch, insurer and policy number.
    /// </summary>
    public static IReadOnlyList<RenewalVerdict> Evaluate(
        IEnumerable<Policy> policies, BusinessMonth month, DateOnly asOf, MetricsOptions options) =>
        Evaluate(policies, [month], asOf, options);

    /// <summary>
    /// The verdicts of several months' cohorts: month by month in the order given, each month's
    /// ordered as above. The candidates are indexed by VIN once for all the months (the morning
    /// email evaluates seven months' cohorts at once; when it read every policy of those cohorts,
    /// 1.4M on the 5M book, an index per month took 5.2 s of its run).
    /// </summary>
    public static IReadOnlyList<RenewalVerdict> Evaluate(
        IEnumerable<Policy> policies, IReadOnlyList<BusinessMonth> months, DateOnly asOf, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(months);
        ArgumentNullException.ThrowIfNull(options);
        var renewal = options.Renewal;
        var all = policies as IReadOnlyCollection<Policy> ?? [.. policies];
        var byVin = all
            .Where(p => p.Coverage == renewal.Coverage)
            .ToLookup(p => p.Vin, StringComparer.Ordinal);

        var verdicts = new List<RenewalVerdict>();
        foreach (var month in months)
        {
            verdicts.AddRange(all
                .Where(p => IsInCohort(p, month, renewal.Coverage))
                .OrderBy(p => p.BranchCode, StringComparer.Ordinal)
                .ThenBy(p => p.InsurerCode, StringComparer.Ordinal)
                .ThenBy(p => p.PolicyNo, StringComparer.Ordinal)
                .Select(p => Verdict(p, byVin[p.Vin], asOf, renewal)));
        }

        return verdicts;
    }

    private static RenewalVerdict Verdict(Policy expiring, IEnumerable<Policy> sameVin, DateOnly asOf, RenewalOptions options)
    {
        var graceEnds = expiring.ExpiryDate.AddDays(options.GraceDays);
        var renewal = FindRenewal(expiring, sameVin, options.GraceDays, asOf);
        if (renewal is null)
        {
            var status = asOf <= graceEnds ? RenewalStatus.Pending : RenewalStatus.Lapsed;
            return new RenewalVerdict(expiring, null, status, null, null, graceEnds);
        }

        var lead = LeadDays(expiring, renewal.IssueDate);
        return new RenewalVerdict(
            expiring, renewal, RenewalStatus.Renewed, lead, ExpiryWindowConversion.WindowOf(lead, options.Windows), graceEnds);
    }

    /// <summary>SPEC §1: <c>lead = P.expiry_date - date</c> in days, positive before expiry.</summary>
    public static int LeadDays(Policy expiring, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(expiring);
        return expiring.ExpiryDate.DayNumber - date.DayNumber;
    }

    /// <summary>
    /// The renewal rows of SPEC §4.1: the group (<c>*</c>, <c>*</c>, <c>*</c>) always, and per branch,
    /// branch × insurer and branch × advisor where the cohort has a policy; ordered ordinally by
    /// branch, insurer, advisor (<c>*</c> sorts first).
    /// </summary>
    public static IReadOnlyList<RenewalRow> Rollup(IEnumerable<RenewalVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        var totals = new Dictionary<(string Branch, string Insurer, string Advisor), Totals>
        {
            [(MetricsKeys.All, MetricsKeys.All, MetricsKeys.All)] = new Totals(),
        };

        foreach (var verdict in verdicts)
        {
            var p = verdict.Expiring;
            Add(totals, (MetricsKeys.All, MetricsKeys.All, MetricsKeys.All), verdict);
            Add(totals, (verdict.Branch, MetricsKeys.All, MetricsKeys.All), verdict);
            Add(totals, (verdict.Branch, p.InsurerCode, MetricsKeys.All), verdict);
            if (MetricsKeys.HasText(p.AdvisorId))
            {
                Add(totals, (verdict.Branch, MetricsKeys.All, p.AdvisorId!), verdict);
            }
        }

        return totals
            .OrderBy(t => t.Key.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Insurer, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Advisor, StringComparer.Ordinal)
            .Select(t => new RenewalRow(
                t.Key.Branch,
                t.Key.Insurer,
                t.Key.Advisor,
                t.Value.Due,
                t.Value.DuePremium,
                t.Value.Renewed,
                t.Value.RenewedPremium,
                t.Value.RenewedSameBranch,
                t.Value.RenewedSameInsurer,
                t.Value.Pending,
                t.Value.Lapsed,
                Rounding.Rate(t.Value.Renewed, t.Value.Due)))
            .ToList();
    }

    private static void Add(
        Dictionary<(string, string, string), Totals> totals, (string, string, string) key, RenewalVerdict verdict)
    {
        if (!totals.TryGetValue(key, out var total))
        {
            total = new Totals();
            totals[key] = total;
        }

        total.Due++;
        total.DuePremium += Rounding.Money(verdict.Expiring.Premium);
        switch (verdict.Status)
        {
            case RenewalStatus.Renewed:
                total.Renewed++;
                total.RenewedPremium += Rounding.Money(verdict.Renewal!.Premium);
                total.RenewedSameBranch += verdict.RenewedSameBranch ? 1 : 0;
                total.RenewedSameInsurer += verdict.RenewedSameInsurer ? 1 : 0;
                break;
            case RenewalStatus.Pending:
                total.Pending++;
                break;
            default:
                total.Lapsed++;
                break;
        }
    }

    private sealed class Totals
    {
        public int Due { get; set; }

        public decimal DuePremium { get; set; }

        public int Renewed { get; set; }

        public decimal RenewedPremium { get; set; }

        public int RenewedSameBranch { get; set; }

        public int RenewedSameInsurer { get; set; }

        public int Pending { get; set; }

        public int Lapsed { get; set; }
    }
}
