namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// The body of an alert to ops (<c>src/Templates/OpsAlert.sbn-html</c>): what failed, in the words
/// of the run's problem, and the alert's key. No business date (an alert may be about none), no
/// banner, no freshness table: the shared layout shows the subject as its title.
/// </summary>
public sealed record OpsAlertEmail(string Key, string Text)
{
    public const string Template = "OpsAlert.sbn-html";

    public static string Render(string key, string subject, string text) =>
        EmailRenderer.Render(Template, new EmailPage(subject, "运维告警 Ops alert · 报表系统 Reporting worker", null, null, null), new OpsAlertEmail(key, text));
}
