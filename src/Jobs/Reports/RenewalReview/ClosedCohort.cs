using Reporting.Jobs.Metrics;

namespace Reporting.Jobs.Reports.RenewalReview;

/// <summary>Which month's renewal cohort is final (closed) as of a business date (SPEC §3.1 "final once nothing is pending").</summary>
/// <remarks>
/// A cohort policy is pending while <c>D &lt;= expiry_date + grace</c>, so month m's cohort can
/// have nothing pending once <c>m.Last + grace &lt; D</c>. The review covers the latest such month.
/// With grace 30: as of 2026-10-31, September (09-30 + 30 = 10-30 &lt; 10-31) — October 31st is the
/// first day September is final; as of 2026-10-30 it is still August. As of 2027-02-28, December
/// 2026, since 2027-01-31 + 30 = 2027-03-02 is not before it.
/// </remarks>
public static class ClosedCohort
{
    public static BusinessMonth Of(DateOnly asOf, int graceDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(graceDays);
        var month = BusinessMonth.Of(asOf);
        while (month.Last.AddDays(graceDays) >= asOf)
        {
            month = month.AddMonths(-1);
        }

        return month;
    }
}
