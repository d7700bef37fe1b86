// SPEC §4.1 Metrics export format: the object the metrics command prints, six row lists in SPEC's field order.
namespace Reporting.Jobs.Metrics;

/// <summary>
/// The numbers of SPEC §3 for one business date and month, shaped like SPEC §4.1: the cohort is the
/// month's; commission, advisor and referral rows are the month's, month-to-date as known at
/// <see cref="AsOf"/>. Money is rounded to 2 decimals, rates to 4 (null for a zero denominator);
/// configured constants (referral target, commission rate) are as configured.
/// </summary>
public sealed record MetricsReport(
    DateOnly AsOf,
    BusinessMonth Month,
    IReadOnlyList<RenewalRow> Renewal,
    IReadOnlyList<ConversionRow> Conversion,
    IReadOnlyList<ReferralRow> Referral,
    IReadOnlyList<CommissionRow> Commission,
    IReadOnlyList<AdvisorRow> Advisor,
    IReadOnlyList<LostReasonRow> LostReasons);

/// <summary>Keys shared by the rules.</summary>
internal static class MetricsKeys
{
    /// <summary>"All" in a row key (SPEC §4.1).</summary>
    public const string All = "*";

    /// <summary>Empty text is <c>null</c> in the domain records; an empty string is treated alike.</summary>
    public static bool HasText(string? value) => !string.IsNullOrEmpty(value);
}
