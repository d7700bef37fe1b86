using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

/// <summary>The date ranges of data the rules need, for the store to query.</summary>
public class MetricsDateRangesTests
{
    private static readonly MetricsDateRanges October = MetricsDateRanges.For(MetricsRun.October2026, MetricsOptions.CreateDefault());

    [Test]
    public void Cohort_is_the_policies_expiring_in_the_month()
    {
        Assert.That(October.CohortExpiry, Is.EqualTo(new DateRange(1.October(2026), 31.October(2026))));
    }

    [Test]
    public void Candidate_renewals_are_effective_from_month_start_minus_60_to_month_end_plus_1_plus_grace()
    {
        Assert.That(October.RenewalEffective, Is.EqualTo(new DateRange(2.August(2026), 1.December(2026))));
    }

    [Test]
    public void Activity_and_claims_cover_the_twelve_months_ending_with_the_month()
    {
        var year = new DateRange(1.November(2025), 31.October(2026));

        Assert.That((October.Activity, October.ClaimsReported), Is.EqualTo((year, year)));
    }

    [Test]
    public void Clawbacks_widen_activity_and_claims_to_the_year_before_the_issue_month()
    {
        var widened = October.WithClawbacksIssuedFrom(15.June(2025));

        Assert.That(
            (widened.Activity, widened.ClaimsReported, widened.CohortExpiry),
            Is.EqualTo((new DateRange(1.July(2024), 31.October(2026)), new DateRange(1.July(2024), 31.October(2026)), October.CohortExpiry)));
    }
}
