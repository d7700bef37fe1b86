// SPEC §4 Branch morning email and group email: HTML bodies and subject lines from the models.
using Reporting.Jobs.Reports.Email;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// Renders the morning email models with <c>MorningEmail.sbn-html</c> and <c>GroupEmail.sbn-html</c>
/// in the shared layout (<see cref="EmailRenderer"/>). Deterministic: the same model gives the
/// same bytes (no clock, invariant formatting).
/// </summary>
public static class MorningEmailRenderer
{
    public const string BranchTemplate = "MorningEmail.sbn-html";

    public const string GroupTemplate = "GroupEmail.sbn-html";

    public static string Render(BranchMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return EmailRenderer.Render(BranchTemplate, new EmailPage(email.Title, email.Subtitle, email.Banner, email.BusinessDate, email.Freshness), email);
    }

    public static string Render(GroupMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return EmailRenderer.Render(GroupTemplate, new EmailPage(email.Title, email.Subtitle, email.Banner, email.BusinessDate, email.Freshness), email);
    }

    /// <summary><c>【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）</c>.</summary>
    public static string Subject(BranchMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Subject(email.Branch.Display, email.BusinessDate, email.Cohort);
    }

    /// <summary><c>【续保日报】集团 2026-11-21 续保率 64.2%（目标 70%）</c>.</summary>
    public static string Subject(GroupMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Subject("集团", email.BusinessDate, email.Total.Cohort);
    }

    private static string Subject(string who, DateOnly date, CohortSummary cohort) =>
        $"【续保日报】{who} {EmailFormats.Date(date)} 续保率 {EmailFormats.Percent(cohort.Rate)}（目标 {EmailFormats.Target(cohort.Target)}）";
}
