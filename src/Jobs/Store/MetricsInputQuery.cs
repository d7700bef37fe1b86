using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;

namespace Reporting.Jobs.Store;

/// <summary>
/// Feeds the metric rules exactly the rows they need for one month as of one business date
/// (<see cref="MetricsDateRanges"/>), never a whole table: the month's cohort and the candidate
/// renewals on its VINs (of the renewal coverage: the renewal rules look at no other), the
/// policies sold or cancelled in the month and those its claims are on, the claims reported in
/// it, the cohort's follow-ups — and, summed in the store, the monthly
/// written premium and claims of the twelve months behind each tier (<see cref="BranchMonthTotals"/>).
/// The reads run side by side, each on its own connection. The policies come without plate, name
/// or phone (<see cref="PolicySelection.WithoutPersonalData"/>): no rule uses them.
/// </summary>
/// <remarks>
/// <c>withCommission: false</c> (the morning emails) leaves the commission section out
/// (<see cref="MetricsInput.WithoutCommission"/>) and sums the month alone, for the referral's
/// written premium, not the two years behind the tiers.
/// </remarks>
public static class MetricsInputQuery
{
    public static Task<MetricsInput> LoadAsync(IReportingStore store, DateOnly asOf, BusinessMonth month, MetricsOptions options, CancellationToken cancellationToken = default) =>
        LoadAsync(store, asOf, month, options, withCommission: true, cancellationToken);

    public static Task<MetricsInput> LoadAsync(
        IReportingStore store, DateOnly asOf, BusinessMonth month, MetricsOptions options, bool withCommission, CancellationToken cancellationToken = default) =>
        LoadAsync(store, asOf, month, options, withCommission, followUpsRead: null, cancellationToken);

    /// <summary>
    /// As above, with the follow-ups read by the caller: at least those on the policies of the
    /// renewal coverage expiring in the month's <see cref="MetricsDateRanges.CohortExpiry"/>. A wider
    /// read changes no figure (the rules look a follow-up up by its policy); the morning emails read
    /// the month's and the call list's in one read.
    /// </summary>
    public static async Task<MetricsInput> LoadAsync(
        IReportingStore store,
        DateOnly asOf,
        BusinessMonth month,
        MetricsOptions options,
        bool withCommission,
        Task<IReadOnlyList<FollowUp>>? followUpsRead,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var monthRange = new DateRange(month.First, month.Last);
        var ranges = MetricsDateRanges.For(month, options);

        var policiesRead = store.GetPoliciesAsync(
            asOf,
            CohortAndCandidates(ranges, options) with { Issue = monthRange, Cancel = monthRange, ClaimsReported = monthRange },
            cancellationToken);
        var totalsRead = store.GetBranchMonthTotalsAsync(asOf, withCommission ? ranges.Activity : monthRange, cancellationToken);
        var claimsRead = store.GetClaimsAsync(asOf, monthRange, cancellationToken);
        followUpsRead ??= store.GetFollowUpsAsync(asOf, ranges.CohortExpiry, options.Renewal.Coverage, cancellationToken);
        var policies = await policiesRead;

        // The clawbacks' tiers look further back than the month's own twelve (the rule is
        // MetricsDateRanges.ClawbackTotalsBeyondActivity); their sums are read after the policies.
        var totals = (await totalsRead).ToList();
        if (withCommission)
        {
            foreach (var beyond in ranges.ClawbackTotalsBeyondActivity(policies, month))
            {
                totals.AddRange(await store.GetBranchMonthTotalsAsync(asOf, beyond, cancellationToken));
            }
        }

        return new MetricsInput(asOf, month, policies, await claimsRead, await followUpsRead, options, totals, WithoutCommission: !withCommission);
    }

    /// <summary>
    /// The policies the renewal rule of a month reads (SPEC §3.1): its cohort and the candidate
    /// renewals on its VINs (<paramref name="ranges"/>), of the renewal coverage, without personal data.
    /// </summary>
    public static PolicySelection CohortAndCandidates(MetricsDateRanges ranges, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(options);
        return new PolicySelection(
            Expiry: ranges.CohortExpiry,
            Effective: ranges.RenewalEffective,
            EffectiveOnExpiryVins: true,
            WithoutPersonalData: true,
            ExpiringCoverage: options.Renewal.Coverage);
    }
}
