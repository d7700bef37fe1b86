// SPEC §4 emails: what the shared layout shows around every email's body.
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// The frame of one email (<c>src/Templates/Layout/EmailLayout.sbn-html</c>): the title and
/// subtitle in the header, the banner (the freshness gate's 数据不完整 notice; null = none) above
/// it, and the data-freshness footer.
/// </summary>
/// <param name="Title">The header's title and the page's <c>&lt;title&gt;</c>.</param>
/// <param name="Subtitle">The line under the title.</param>
/// <param name="Banner">The notice above the header, e.g. 数据不完整 Data incomplete; null = none.</param>
/// <param name="BusinessDate">The business date the figures are as of; null for an email about no date (an ops alert).</param>
/// <param name="Freshness">
/// Each source's freshness for the footer's table (morning emails); null when the email does not
/// report it (the monthly emails, which name their as-of date, and alerts).
/// </param>
public sealed record EmailPage(
    string Title,
    string Subtitle,
    string? Banner,
    DateOnly? BusinessDate,
    IReadOnlyList<FreshnessLine>? Freshness);

/// <summary>One source in the data-freshness footer; <c>LoadedAt</c> is in business time.</summary>
public sealed record FreshnessLine(
    string Source,
    ExtractDataset? Dataset,
    FreshnessStatus Status,
    DateOnly? LatestExtractDate,
    DateTime? LoadedAt)
{
    public bool IsProblem => Status != FreshnessStatus.OnTime;

    public bool IsLate => Status == FreshnessStatus.Late;

    public bool IsFailed => Status == FreshnessStatus.Failed;

    public bool IsNever => Status == FreshnessStatus.Never;
}
