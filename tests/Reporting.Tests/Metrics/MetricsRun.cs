using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;

namespace Reporting.Tests.Metrics;

/// <summary>Runs the calculator on small hand-made fixtures; the month is October 2026 unless given.</summary>
internal static class MetricsRun
{
    public static readonly BusinessMonth October2026 = new(2026, 10);

    public static MetricsResult For(
        DateOnly asOf,
        IEnumerable<Policy> policies,
        IEnumerable<Claim>? claims = null,
        IEnumerable<FollowUp>? followUps = null,
        MetricsOptions? options = null,
        BusinessMonth? month = null) =>
        MetricsCalculator.Calculate(new MetricsInput(
            asOf,
            month ?? October2026,
            [.. policies],
            [.. claims ?? []],
            [.. followUps ?? []],
            options ?? MetricsOptions.CreateDefault()));

    /// <summary>An expected sequence, written inline (CA1861 frowns on inline constant arrays).</summary>
    public static T[] Seq<T>(params T[] items) => items;

    public static RenewalRow RenewalRow(this MetricsReport report, string branch = "*", string insurer = "*", string advisor = "*") =>
        report.Renewal.Single(r => r.Branch == branch && r.Insurer == insurer && r.Advisor == advisor);

    public static ConversionRow ConversionRow(this MetricsReport report, string window, string branch = "*") =>
        report.Conversion.Single(r => r.Branch == branch && r.Window == window);

    public static ReferralRow ReferralRow(this MetricsReport report, string branch = "B01", string insurer = "PICC") =>
        report.Referral.Single(r => r.Branch == branch && r.Insurer == insurer);

    public static CommissionRow CommissionRow(
        this MetricsReport report, string branch = "B01", string insurer = "PICC", Coverage coverage = Coverage.COMMERCIAL) =>
        report.Commission.Single(r => r.Branch == branch && r.Insurer == insurer && r.Coverage == coverage);

    public static AdvisorRow AdvisorRow(this MetricsReport report, string advisor, string? branch = "B01") =>
        report.Advisor.Single(r => r.Advisor == advisor && r.Branch == branch);
}
