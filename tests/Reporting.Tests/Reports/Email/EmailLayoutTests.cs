using System.Text.RegularExpressions;
using Reporting.Jobs.Reports.Email;
using Reporting.Templates;

namespace Reporting.Tests.Reports.Email;

/// <summary>Every email is its body inside the one shared layout (<c>Layout/EmailLayout.sbn-html</c>).</summary>
public sealed class EmailLayoutTests
{
    private const string FooterMarker = "本邮件由报表系统自动生成";

    private static IEnumerable<string> EveryEmail() => EmailSamples.All;

    [TestCaseSource(nameof(EveryEmail))]
    public async Task Every_email_has_the_shared_footer_exactly_once(string email) =>
        Assert.That(Occurrences(await EmailSamples.RenderAsync(email), FooterMarker), Is.EqualTo(1));

    [TestCaseSource(nameof(EveryEmail))]
    public async Task Every_email_has_one_document_and_one_640_pixel_frame(string email)
    {
        var html = await EmailSamples.RenderAsync(email);

        Assert.That((Occurrences(html, "<html lang=\"zh-CN\">"), Occurrences(html, "<meta charset=\"utf-8\">"), Occurrences(html, "width=\"640\"")), Is.EqualTo((1, 1, 1)));
    }

    [TestCaseSource(nameof(EveryEmail))]
    public async Task A_banner_shows_once_above_the_header_of_every_email(string email)
    {
        var html = await EmailSamples.RenderAsync(email, "数据不完整 test");

        Assert.That(Occurrences(html, "注意 Notice："), Is.EqualTo(email == EmailSamples.OpsAlert ? 0 : 1), "alerts carry no banner");
        if (email != EmailSamples.OpsAlert)
        {
            Assert.That(html.IndexOf("注意 Notice：", StringComparison.Ordinal), Is.LessThan(html.IndexOf("background-color:#1e3a8a", StringComparison.Ordinal)));
        }
    }

    [TestCaseSource(nameof(EveryEmail))]
    public async Task No_email_uses_a_script_style_block_or_external_resource(string email) =>
        Assert.That(await EmailSamples.RenderAsync(email), Does.Not.Contain("<script").And.Not.Contain("<style").And.Not.Contain("<link")
            .And.Not.Contain("<img").And.Not.Contain("http://").And.Not.Contain("https://"));

    [TestCaseSource(nameof(EveryEmail))]
    public async Task No_email_has_a_blank_line_or_trailing_space(string email) =>
        Assert.That((await EmailSamples.RenderAsync(email)).TrimEnd('\n').Split('\n').Where(line => line.Length == 0 || line.EndsWith(' ')), Is.Empty);

    [TestCase(EmailSamples.ReviewBranch, "数据截至 Data as of 2026-10-31 24:00")]
    [TestCase(EmailSamples.ReviewGroup, "数据截至 Data as of 2026-10-31 24:00")]
    [TestCase(EmailSamples.Commission, "数据截至 Data as of 2026-10-31 24:00")]
    public async Task A_monthly_email_names_its_as_of_date_in_the_footer(string email, string footer) =>
        Assert.That(await EmailSamples.RenderAsync(email), Does.Contain(footer).And.Not.Contain("数据更新情况"));

    [Test]
    public async Task An_alert_names_no_business_date_in_the_footer() =>
        Assert.That(await EmailSamples.RenderAsync(EmailSamples.OpsAlert), Does.Not.Contain("数据截至 Data as of").And.Not.Contain("数据更新情况"));

    [Test]
    public void Only_the_layout_template_is_a_whole_document() =>
        Assert.That(
            TemplateAssembly.Names().Where(t => TemplateAssembly.Read(t).Contains("<html", StringComparison.OrdinalIgnoreCase)),
            Is.EqualTo(new[] { EmailRenderer.LayoutTemplate }));

    [Test]
    public void Every_template_parses()
    {
        var templates = TemplateAssembly.Names();

        Assert.That(templates, Has.Count.EqualTo(7));
        Assert.That(() => templates.Select(EmailRenderer.Get).ToList(), Throws.Nothing);
    }

    private static int Occurrences(string html, string text) => Regex.Count(html, Regex.Escape(text));
}
