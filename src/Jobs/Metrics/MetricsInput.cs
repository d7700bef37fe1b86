// SPEC §2.5 "what a run sees" and §3: the plain data the rules compute over, and the date ranges it must cover.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>
/// Everything the metrics of one run are computed from: the policies, claims and follow-ups the
/// run sees as of <see cref="AsOf"/> (one version per key, SPEC §2.5), the configuration, and the
/// month reported. The rules filter by date themselves, so more data than needed is harmless;
/// less is not. The data must cover (see <see cref="MetricsDateRanges"/>):
/// <list type="bullet">
/// <item>policies expiring in the month (the cohort, §3.1);</item>
/// <item>policies of the cohort's VINs effective in [month start − 60, month end + 1 + grace]
/// (candidate renewals, §3.1; the rule itself also requires <c>issue_date &lt;= AsOf</c>);</item>
/// <item>policies issued or cancelled in the 12 months ending with the month (written premium and
/// loss ratio, §3.3–§3.4; advisor incentive and clawbacks, §3.5);</item>
/// <item>for the commission clawbacks of the month, policies issued or cancelled in the 12 months
/// ending with the issue month of each policy cancelled in the month, and claims reported in them
/// (the clawback uses the tier of the issue month, recomputed, §3.7);</item>
/// <item>claims reported in the 12 months ending with the month (the loss ratio, §3.4; referral
/// and return rate, §3.3), and every policy those claims are made on, whenever issued (a claim is
/// linked to its policy's branch by insurer and policy number);</item>
/// <item>every follow-up on a cohort policy, of any date (contacted, §3.2; lost reasons, §3.6).</item>
/// </list>
/// With <see cref="Totals"/> given, the written premium and loss ratios (§3.3–§3.4) come from them
/// instead, and the policies and claims need only cover the month itself: the policies issued or
/// cancelled in it and those its claims are on, and the claims reported in it. The store's reads
/// (<c>MetricsInputQuery</c>) do that, so a month never reads two years of policies.
/// </summary>
/// <remarks>
/// <para><c>AsOf</c>: The business date D of the run.</para>
/// <para><c>Month</c>: The month reported: cohort, commission, advisor and referral month.</para>
/// <para><c>Totals</c>: The monthly sums of <see cref="BranchMonthTotals"/> over (at least) the months
/// of <see cref="MetricsDateRanges.Activity"/>, widened for clawbacks; null derives them from
/// <c>Policies</c> and <c>Claims</c> with <see cref="BranchMonthTotals.From"/>.</para>
/// <para><c>WithoutCommission</c>: Leaves out the commission section (§3.4: tiers, lines, rows),
/// whose tiers need two years of monthly sums; then <c>Totals</c> need only cover the month. For
/// reports that show no commission figure (the morning emails).</para>
/// </remarks>
public sealed record MetricsInput(
    DateOnly AsOf,
    BusinessMonth Month,
    IReadOnlyList<Policy> Policies,
    IReadOnlyList<Claim> Claims,
    IReadOnlyList<FollowUp> FollowUps,
    MetricsOptions Options,
    IReadOnlyList<BranchMonthTotals>? Totals = null,
    bool WithoutCommission = false);

/// <summary>
/// The date ranges of data <see cref="MetricsInput"/> needs for a month, so the store can query only
/// those. Pure. Read as rows, <see cref="MetricsInput"/> needs
/// <list type="bullet">
/// <item>policies with <c>expiry_date</c> in <see cref="CohortExpiry"/>;</item>
/// <item>policies with <c>effective_date</c> in <see cref="RenewalEffective"/> on those VINs;</item>
/// <item>policies with <c>issue_date</c> or <c>cancel_date</c> in <see cref="Activity"/>;</item>
/// <item>claims with <c>report_date</c> in <see cref="ClaimsReported"/>, and the policies they are made on;</item>
/// <item>follow-ups on the cohort's policies;</item>
/// </list>
/// and, for clawbacks, the wider <see cref="Activity"/> and <see cref="ClaimsReported"/> of
/// <see cref="WithClawbacksIssuedFrom"/> (the earliest <c>issue_date</c> of the policies cancelled in
/// the month). The store's reads (<c>MetricsInputQuery</c>) read rows for the month only and give
/// <see cref="Activity"/>, widened, as <see cref="BranchMonthTotals"/> (which cover the claims of
/// <see cref="ClaimsReported"/>, the same months).
/// </summary>
/// <remarks>
/// For 2026-10 with grace 30: cohort expiry 2026-10-01 … 2026-10-31; renewals effective
/// 2026-08-02 … 2026-12-01; activity and claims 2025-11-01 … 2026-10-31. A policy issued
/// 2025-06-15 and cancelled in October widens activity and claims to start 2024-07-01.
/// </remarks>
public sealed record MetricsDateRanges(
    DateRange CohortExpiry,
    DateRange RenewalEffective,
    DateRange Activity,
    DateRange ClaimsReported)
{
    public static MetricsDateRanges For(BusinessMonth month, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var year = TwelveMonthsEndingWith(month);
        return new MetricsDateRanges(
            new DateRange(month.First, month.Last),
            new DateRange(
                month.First.AddDays(-RenewalMatching.EarliestEffectiveDaysBeforeExpiry),
                month.Last.AddDays(1 + options.Renewal.GraceDays)),
            year,
            year);
    }

    /// <summary>Widens the activity and claim ranges to the 12 months ending with the issue month of the earliest clawed-back policy.</summary>
    public MetricsDateRanges WithClawbacksIssuedFrom(DateOnly earliestIssueDate)
    {
        var history = TwelveMonthsEndingWith(BusinessMonth.Of(earliestIssueDate));
        return this with { Activity = Activity.Union(history), ClaimsReported = ClaimsReported.Union(history) };
    }

    /// <summary>
    /// The months of totals the clawbacks in <paramref name="month"/> need beyond <see cref="Activity"/>:
    /// a clawback uses the tier of the policy's issue month, whose loss ratio looks back over the 12
    /// months ending with that month. Before <see cref="Activity"/> for a policy issued earlier,
    /// after it only for a policy cancelled before it was issued; none without clawbacks.
    /// </summary>
    public IReadOnlyList<DateRange> ClawbackTotalsBeyondActivity(IEnumerable<Policy> policies, BusinessMonth month)
    {
        var earliestIssue = policies
            .Where(p => WrittenPremiumLedger.IsCancelledIn(p, month))
            .Select(p => (DateOnly?)p.IssueDate)
            .Min();
        if (earliestIssue is not { } issue)
        {
            return [];
        }

        var widened = WithClawbacksIssuedFrom(issue).Activity;
        var beyond = new List<DateRange>(2);
        if (widened.From < Activity.From)
        {
            beyond.Add(new DateRange(widened.From, Activity.From.AddDays(-1)));
        }

        if (widened.To > Activity.To)
        {
            beyond.Add(new DateRange(Activity.To.AddDays(1), widened.To));
        }

        return beyond;
    }

    /// <summary>The 12 months ending with <paramref name="month"/>, as dates.</summary>
    public static DateRange TwelveMonthsEndingWith(BusinessMonth month) =>
        new(month.AddMonths(1 - CommissionTiers.LossRatioMonths).First, month.Last);
}
