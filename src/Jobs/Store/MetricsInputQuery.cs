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

    public static async Task<MetricsInput> LoadAsync(
        IReportingStore store, DateOnly asOf, BusinessMonth month, MetricsOptions options, bool withCommission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var monthRange = new DateRange(month.First, month.Last);
        var ranges = MetricsDateRanges.For(month, options);

        var policiesRead = store.GetPoliciesAsync(
            asOf,
            new PolicySelection(
                Expiry: ranges.CohortExpiry,
                Effective: ranges.RenewalEffective,
                EffectiveOnExpiryVins: true,
                Issue: monthRange,
                Cancel: monthRange,
                ClaimsReported: monthRange,
                WithoutPersonalData: true,
                ExpiringCoverage: options.Renewal.Coverage),
            cancellationToken);
        var totalsRead = store.GetBranchMonthTotalsAsync(asOf, withCommission ? ranges.Activity : monthRange, cancellationToken);
        var claimsRead = store.GetClaimsAsync(asOf, monthRange, cancellationToken);
        var followUpsRead = store.GetFollowUpsAsync(asOf, ranges.CohortExpiry, options.Renewal.Coverage, cancellationToken);
        var policies = await policiesRead;

        // A clawback in the month uses the tier of the policy's issue month, whose loss ratio looks
        // back over the 12 months ending with that month: add the sums of the months outside the
        // twelve the month needs itself (before them; after them only for a policy cancelled
        // before it was issued).
        var totals = (await totalsRead).ToList();
        var earliestIssue = policies
            .Where(p => WrittenPremiumLedger.IsCancelledIn(p, month))
            .Select(p => (DateOnly?)p.IssueDate)
            .Min();
        if (withCommission && earliestIssue is { } issue)
        {
            var widened = ranges.WithClawbacksIssuedFrom(issue).Activity;
            if (widened.From < ranges.Activity.From)
            {
                totals.AddRange(await store.GetBranchMonthTotalsAsync(
                    asOf, new DateRange(widened.From, ranges.Activity.From.AddDays(-1)), cancellationToken));
            }

            if (widened.To > ranges.Activity.To)
            {
                totals.AddRange(await store.GetBranchMonthTotalsAsync(
                    asOf, new DateRange(ranges.Activity.To.AddDays(1), widened.To), cancellationToken));
            }
        }

        return new MetricsInput(asOf, month, policies, await claimsRead, await followUpsRead, options, totals, WithoutCommission: !withCommission);
    }
}
