using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports;

/// <summary>
/// The final renewal figures (due, renewed) of the last <see cref="Months"/> closed cohorts, per
/// branch and for the group, for the rate history of the morning emails (docs/reports.md, "Renewal
/// rate history").
/// </summary>
/// <remarks>
/// A cohort closes when nothing in it can be pending (<see cref="ClosedCohort"/>); from then on its
/// rates are final, so they are computed once — the first morning that needs them, as of that
/// business date, with the month's own metrics — and kept in the store (<c>cohort_finals</c>).
/// A morning then reads six small rows instead of six months of policies, and computes a cohort only
/// on the day it closes (or, on a new store, the six at once). A correction to a closed cohort's
/// policies that arrives after it was kept does not change the kept figures; the renewal review
/// and <c>metrics --month</c> compute from the store as of their date.
/// </remarks>
public static class CohortFinals
{
    /// <summary>How many closed cohorts the history shows.</summary>
    public const int Months = 6;

    /// <summary>The group's branch code in the kept rows, as in the §4.1 rows.</summary>
    public const string Group = "*";

    /// <summary>The last <see cref="Months"/> cohort months closed as of <paramref name="asOf"/>, oldest first.</summary>
    public static IReadOnlyList<BusinessMonth> ClosedMonths(DateOnly asOf, int graceDays)
    {
        var last = ClosedCohort.Of(asOf, graceDays);
        return [.. Enumerable.Range(0, Months).Select(i => last.AddMonths(i - Months + 1))];
    }

    /// <summary>
    /// The kept figures of <see cref="ClosedMonths"/>; a month not kept yet is computed as of
    /// <paramref name="asOf"/> and kept first.
    /// </summary>
    public static async Task<IReadOnlyList<CohortFinal>> LoadAsync(ReportContext context, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var months = ClosedMonths(asOf, context.Metrics.Renewal.GraceDays);
        var kept = (await context.Store.GetCohortFinalsAsync(months[0].ToString(), months[^1].ToString(), cancellationToken)).ToList();
        var missing = months.Where(m => !kept.Any(k => k.Month == m.ToString())).ToList();
        if (missing.Count == 0)
        {
            return kept;
        }

        var computed = new List<CohortFinal>();
        foreach (var month in missing)
        {
            computed.AddRange(From(month, await RenewalRowsAsync(context, asOf, month, cancellationToken), asOf));
        }

        await context.Store.SaveCohortFinalsAsync(computed, cancellationToken);
        return [.. kept.Concat(computed).OrderBy(f => f.Month, StringComparer.Ordinal).ThenBy(f => f.Branch, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The renewal rows of <paramref name="month"/> as of <paramref name="asOf"/>, as the month's
    /// metrics have them (SPEC §3.1), from the cohort and its candidate renewals alone: the rule
    /// reads nothing else, so the month's sales, cancellations, claims and follow-ups are not read
    /// (on the 5M book, the morning that keeps a newly closed cohort read a second month's whole
    /// metrics input beside its own).
    /// </summary>
    private static async Task<IReadOnlyList<RenewalRow>> RenewalRowsAsync(ReportContext context, DateOnly asOf, BusinessMonth month, CancellationToken cancellationToken)
    {
        var policies = await context.Store.GetPoliciesAsync(asOf, MetricsInputQuery.CohortAndCandidates(MetricsDateRanges.For(month, context.Metrics), context.Metrics), cancellationToken);
        return RenewalMatching.Rollup(RenewalMatching.Evaluate(policies, month, asOf, context.Metrics));
    }

    /// <summary>
    /// The figures to keep of one month's metrics: its branch rows and the group row (all insurers,
    /// all advisors); a month without any cohort policy keeps a group row of zero, so that it is
    /// not computed again.
    /// </summary>
    public static IReadOnlyList<CohortFinal> From(MetricsReport report, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(report);
        return From(report.Month, report.Renewal, asOf);
    }

    /// <summary>As above, from the month's renewal rows.</summary>
    public static IReadOnlyList<CohortFinal> From(BusinessMonth cohort, IEnumerable<RenewalRow> renewalRows, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(renewalRows);
        var month = cohort.ToString();
        var rows = renewalRows
            .Where(r => r.Insurer == "*" && r.Advisor == "*")
            .Select(r => new CohortFinal(month, r.Branch, r.Due, r.Renewed, asOf))
            .ToList();
        if (!rows.Any(r => r.Branch == Group))
        {
            rows.Add(new CohortFinal(month, Group, 0, 0, asOf));
        }

        return rows;
    }
}
