// SPEC §2.5 what a run sees, §4 morning emails: the store reads behind one morning, each bounded by date.
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// Reads what the morning emails of business date D need, as of D, never a whole table: the
/// metrics input of month(D) (<see cref="MetricsInputQuery"/>), the policies of the cars sold on D
/// and of the call list's cars (<see cref="MorningEmailRanges.SoldOn"/>,
/// <see cref="MorningEmailRanges.CallList"/>), the follow-ups on the call list's policies and the
/// month's cohort (one read for both), and the ingest ledger for the freshness footer.
/// </summary>
public static class MorningEmailLoader
{
    /// <summary>The business time zone when the context does not say otherwise (SPEC §1).</summary>
    public const string DefaultBusinessZone = Hosting.ConfigurationDefaults.TimeZone;

    public static async Task<MorningEmailInput> LoadAsync(
        ReportContext context, DateOnly businessDate, TimeZoneInfo businessZone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(businessZone);
        var store = context.Store;
        var options = context.Metrics;
        var month = BusinessMonth.Of(businessDate);
        var ranges = MorningEmailRanges.For(businessDate, options);

        // The reads are independent: they run side by side, each on its own connection.
        // The emails show no commission figure: leave out its two years of monthly sums.
        // The follow-ups of the month's metrics and of the call list in one read: the policies
        // expiring in either range, of the renewal coverage (the call list's policies are cohort
        // policies); the rules and the builder look a follow-up up by its policy, so the wider
        // set changes neither, and the store scans its follow-ups once (PostgreSQL: the whole table).
        var followUpsRead = store.GetFollowUpsAsync(
            businessDate,
            MetricsDateRanges.For(month, options).CohortExpiry.Union(ranges.CallListExpiry),
            options.Renewal.Coverage,
            cancellationToken);
        var metricsRead = MetricsInputQuery.LoadAsync(store, businessDate, month, options, withCommission: false, followUpsRead, cancellationToken);
        var soldRead = store.GetPoliciesAsync(businessDate, ranges.SoldOn(options), cancellationToken);
        var callListRead = store.GetPoliciesAsync(businessDate, ranges.CallList(options), cancellationToken);
        var freshnessRead = DataFreshness.ForAsync(store, context.Sources, businessDate, cancellationToken);
        var historyRead = CohortFinals.LoadAsync(context, businessDate, cancellationToken);
        // The cars' verdicts as soon as their two reads are in, beside the other reads and the
        // month's metrics (on the 5M book 0.7 s of work that ran after the metrics' 1.4 s).
        var renewalsRun = RenewalsAsync(soldRead, callListRead, ranges, businessDate, options);
        var metrics = MetricsCalculator.Calculate(await metricsRead);
        var renewals = await renewalsRun;
        var followUps = await followUpsRead;
        var freshness = await freshnessRead;
        var history = await historyRead;

        return new MorningEmailInput(
            businessDate, metrics, renewals, followUps, freshness, context.Reference, options, context.Sources, businessZone, context.Banner, history,
            (context.Morning ?? MorningEmailOptions.Default).CallListRows);
    }

    private static async Task<IReadOnlyList<RenewalVerdict>> RenewalsAsync(
        Task<IReadOnlyList<Policy>> soldRead, Task<IReadOnlyList<Policy>> callListRead, MorningEmailRanges ranges, DateOnly businessDate, MetricsOptions options)
    {
        var sold = await soldRead;
        var callList = await callListRead;
        return await Task.Run(() =>
        {
            // A car both sold on D and on the call list is in both reads: its policies once.
            IReadOnlyList<Policy> policies = [.. sold.Concat(callList).DistinctBy(p => p.Key)];
            return ranges.Renewals(policies, businessDate, options);
        });
    }
}
