using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;

namespace Reporting.Jobs.Store;

/// <summary>
/// Feeds the metric rules exactly the rows they need for one month as of one business date
/// (<see cref="MetricsDateRanges"/>), never a whole table: the month's cohort, its candidate
/// renewals, twelve months of sales, cancellations and claims, the policies those claims are on,
/// and the cohort's follow-ups.
/// </summary>
public static class MetricsInputQuery
{
    public static async Task<MetricsInput> LoadAsync(IReportingStore store, DateOnly asOf, BusinessMonth month, MetricsOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var monthRange = new DateRange(month.First, month.Last);
        var ranges = MetricsDateRanges.For(month, options);

        // A clawback in the month uses the tier of the policy's issue month, whose loss ratio looks
        // back over the 12 months ending with that month: widen the sales and claims ranges to cover
        // them. Any issue month before the reported month reaches before the twelve months, so widen
        // whenever there is a clawback, not only for a policy issued before them.
        var cancelled = await store.GetPoliciesAsync(asOf, new PolicySelection(Cancel: monthRange), cancellationToken);
        var earliestIssue = cancelled
            .Where(p => p.IsCancelled && p.CancelDate is { } c && monthRange.Contains(c))
            .Select(p => (DateOnly?)p.IssueDate)
            .Min();
        if (earliestIssue is { } issue)
        {
            ranges = ranges.WithClawbacksIssuedFrom(issue);
        }

        var policies = await store.GetPoliciesAsync(
            asOf,
            new PolicySelection(
                Expiry: ranges.CohortExpiry,
                Effective: ranges.RenewalEffective,
                Issue: ranges.Activity,
                Cancel: ranges.Activity,
                ClaimsReported: ranges.ClaimsReported),
            cancellationToken);
        var claims = await store.GetClaimsAsync(asOf, ranges.ClaimsReported, cancellationToken);
        var followUps = await store.GetFollowUpsAsync(asOf, ranges.CohortExpiry, cancellationToken);
        return new MetricsInput(asOf, month, policies, claims, followUps, options);
    }
}
