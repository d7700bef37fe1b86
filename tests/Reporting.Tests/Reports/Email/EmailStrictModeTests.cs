using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Reports.RenewalReview;
using Scriban.Syntax;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.Email;

/// <summary>
/// Templates render strictly, in production as here: a mistake in a template fails the render (and
/// the run) instead of sending an email with holes. And the context encodes what a template prints.
/// </summary>
public sealed class EmailStrictModeTests
{
    private static string Render(string template, object model) =>
        EmailRenderer.RenderTemplate(EmailRenderer.Parse("test.sbn-html", template), model);

    [Test]
    public void An_unknown_variable_fails_the_render() =>
        Assert.That(() => Render("<p>{{ banner }}</p>", new { Title = "t" }), Throws.InstanceOf<ScriptRuntimeException>().With.Message.Contains("banner"));

    [Test]
    public void An_unknown_member_fails_the_render() =>
        Assert.That(() => Render("<p>{{ cohort.nope }}</p>", BranchEmail()), Throws.InstanceOf<ScriptRuntimeException>().With.Message.Contains("nope"));

    [Test]
    public void A_member_of_a_null_value_fails_the_render() =>
        Assert.That(() => Render("<p>{{ banner.size }}</p>", BranchEmail(banner: null)), Throws.InstanceOf<ScriptRuntimeException>());

    [Test]
    public void An_unknown_function_fails_the_render() =>
        Assert.That(() => Render("<p>{{ percentage cohort.rate }}</p>", BranchEmail()), Throws.InstanceOf<ScriptRuntimeException>());

    [Test]
    public void A_format_given_text_instead_of_a_number_fails_the_render() =>
        Assert.That(() => Render("<p>{{ percent branch.name }}</p>", BranchEmail()), Throws.Exception);

    [Test]
    public void A_real_template_given_another_emails_model_fails_the_render() =>
        Assert.That(() => EmailRenderer.Render(MorningEmailRenderer.BranchTemplate, new EmailPage("t", "s", null, null, null), GroupEmail()), Throws.InstanceOf<ScriptRuntimeException>());

    [Test]
    public void A_template_with_a_syntax_error_names_the_file() =>
        Assert.That(() => EmailRenderer.Parse("broken.sbn-html", "<p>{{ if x }}</p>"), Throws.InvalidOperationException.With.Message.Contains("broken.sbn-html"));

    [Test]
    public void Scriban_builtins_such_as_the_clock_are_not_available_to_templates() =>
        Assert.That(() => Render("<p>{{ date.now }}</p>", new { Title = "t" }), Throws.Exception);

    [Test]
    public void A_value_a_template_prints_is_encoded_without_any_filter() =>
        Assert.That(Render("<p title=\"{{ title }}\">{{ title }}</p>", new { Title = "\"><b>x</b>" }), Is.EqualTo("<p title=\"&quot;&gt;&lt;b&gt;x&lt;/b&gt;\">&quot;&gt;&lt;b&gt;x&lt;/b&gt;</p>"));

    [Test]
    public void The_template_text_itself_is_written_as_it_is() =>
        Assert.That(Render("<p class='a'>&nbsp;{{ title }}</p>", new { Title = "x" }), Is.EqualTo("<p class='a'>&nbsp;x</p>"));

    [Test]
    public void Text_that_looks_like_a_template_is_not_evaluated() =>
        Assert.That(Render("<p>{{ title }}</p>", new { Title = "{{ 1 + 1 }}" }), Is.EqualTo("<p>{{ 1 + 1 }}</p>"));

    [Test]
    public void Trusted_html_cannot_be_made_outside_the_renderer() =>
        Assert.That(typeof(TrustedHtml).GetConstructors().Concat<System.Reflection.MethodBase>(typeof(TrustedHtml).GetMethods().Where(m => m.IsStatic)), Is.Empty);

    [Test]
    public void A_call_list_of_five_thousand_rows_renders_every_row()
    {
        // The loop limit is off: a model that asks for 5 000 rows gets them (the configured cap is the builder's, not the template's).
        var email = BranchEmail();
        var entry = email.CallList[0];
        var html = MorningEmailRenderer.Render(email with { CallList = [.. Enumerable.Range(0, 5000).Select(i => entry with { PolicyNo = $"ROW{i:D5}" })], CallListRows = 5000 });

        Assert.That(html, Does.Contain("ROW00000").And.Contain("ROW04999"));
    }

    [Test]
    public void A_rate_with_no_policy_due_shows_a_dash_in_the_renewal_review()
    {
        var html = EmailRenderer.Render(
            "RenewalReview.sbn-html",
            new EmailPage("t", "s", null, new DateOnly(2026, 10, 31), null),
            new RenewalReviewEmail("t", true, [new ReviewRateLine("无应续门店", 0, 0, 0, 0, null, 0.7m)], [], [new ReviewConversionLine("W0", "到期后 0–30 天", 0, 0, 0, null, null)], [], "f.xlsx", false));

        Assert.That(html, Does.Contain(">—</td>").And.Not.Contain(">0.00%<"));
    }
}
