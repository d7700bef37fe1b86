// SPEC §4 Branch morning email and group email: HTML bodies and subject lines from the models.
using HandlebarsDotNet;
using Reporting.Templates;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// Renders the morning email models with <c>MorningEmail.hbs</c> and <c>GroupEmail.hbs</c>.
/// Deterministic: the same model gives the same bytes (no clock, invariant formatting).
/// </summary>
public static class MorningEmailRenderer
{
    private static readonly Lazy<(HandlebarsTemplate<object, object> Branch, HandlebarsTemplate<object, object> Group)> Templates = new(() =>
    {
        var handlebars = EmailTemplates.CreateEnvironment();
        return (handlebars.Compile(TemplateAssembly.Read("MorningEmail.hbs")), handlebars.Compile(TemplateAssembly.Read("GroupEmail.hbs")));
    });

    public static string Render(BranchMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Normalise(Templates.Value.Branch(email));
    }

    public static string Render(GroupMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Normalise(Templates.Value.Group(email));
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
        $"【续保日报】{who} {EmailTemplates.Date(date)} 续保率 {EmailTemplates.Percent(cohort.Rate)}（目标 {EmailTemplates.Target(cohort.Target)}）";

    /// <summary>LF line ends and no trailing spaces, whatever the checkout did to the templates.</summary>
    private static string Normalise(string html) =>
        string.Join('\n', html.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd()));
}
