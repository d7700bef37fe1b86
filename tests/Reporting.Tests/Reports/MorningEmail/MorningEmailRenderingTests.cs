using System.Text.RegularExpressions;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>
/// The rendered HTML of fixed models: golden files (<c>*.verified.html</c> beside this file), escaping,
/// the banner, mail-client safety, subjects.
/// </summary>
public sealed partial class MorningEmailRenderingTests
{
    [Test]
    public void The_branch_email_renders_as_verified() =>
        GoldenFile.Verify(MorningEmailRenderer.Render(BranchEmail()), "BranchMorningEmail.verified.html");

    [Test]
    public void The_group_email_renders_as_verified() =>
        GoldenFile.Verify(MorningEmailRenderer.Render(GroupEmail()), "GroupMorningEmail.verified.html");

    [Test]
    public void A_customer_value_holding_a_script_tag_renders_as_text()
    {
        var html = MorningEmailRenderer.Render(BranchEmail(maskedName: "<script>alert(1)</script>"));

        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"));
        Assert.That(html, Does.Not.Contain("<script"));
    }

    [Test]
    public void A_banner_shows_at_the_top_of_the_branch_email()
    {
        var html = MorningEmailRenderer.Render(BranchEmail(banner: "数据不完整：claims 迟到"));

        Assert.That(html.IndexOf("数据不完整：claims 迟到", StringComparison.Ordinal), Is.GreaterThan(0).And.LessThan(html.IndexOf("续保日报", html.IndexOf("<body", StringComparison.Ordinal), StringComparison.Ordinal)));
    }

    [Test]
    public void A_banner_shows_in_the_group_email() =>
        Assert.That(MorningEmailRenderer.Render(GroupEmail(banner: "数据不完整 <b>")), Does.Contain("注意 Notice：数据不完整 &lt;b&gt;"));

    [Test]
    public void Without_a_banner_there_is_no_notice() =>
        Assert.That(MorningEmailRenderer.Render(BranchEmail()), Does.Not.Contain("注意 Notice"));

    [Test]
    public void The_email_uses_no_script_style_block_or_external_resource()
    {
        var html = MorningEmailRenderer.Render(BranchEmail()) + MorningEmailRenderer.Render(GroupEmail());

        Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("<style").And.Not.Contain("<link").And.Not.Contain("<img").And.Not.Contain("http://").And.Not.Contain("https://"));
    }

    [Test]
    public void The_email_declares_its_language_and_charset_and_is_640_pixels_wide()
    {
        var html = MorningEmailRenderer.Render(BranchEmail());

        Assert.That(html, Does.Contain("<html lang=\"zh-CN\">").And.Contain("<meta charset=\"utf-8\">").And.Contain("width=\"640\""));
    }

    [Test]
    public void The_freshness_footer_names_late_and_failed_sources_plainly()
    {
        var html = MorningEmailRenderer.Render(BranchEmail());

        Assert.That(html, Does.Contain("迟到 Late：claims（理赔）").And.Contain("失败 Failed：pingan_policies（保单）").And.Contain("2026-11-22 06:12"));
    }

    [Test]
    public void The_branch_subject_says_branch_date_rate_and_target() =>
        Assert.That(MorningEmailRenderer.Subject(BranchEmail()), Is.EqualTo("【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）"));

    [Test]
    public void The_group_subject_says_group_date_rate_and_target() =>
        Assert.That(MorningEmailRenderer.Subject(GroupEmail()), Is.EqualTo("【续保日报】集团 2026-11-21 续保率 70.2%（目标 70%）"));

    [TestCase(0.6640, "66.4%")]
    [TestCase(0.66449, "66.4%")]
    [TestCase(0.66450, "66.5%")]
    [TestCase(1.0, "100.0%")]
    [TestCase(0.0, "0.0%")]
    [TestCase(-0.125, "-12.5%")]
    [TestCase(null, "—")]
    public void A_rate_shows_as_a_percentage_with_one_decimal(double? rate, string expected) =>
        Assert.That(EmailFormats.Percent((decimal?)rate), Is.EqualTo(expected));

    [TestCase(12345.67, "12,345.67")]
    [TestCase(0.5, "0.50")]
    [TestCase(-1000, "-1,000.00")]
    [TestCase(1234567.8, "1,234,567.80")]
    public void Money_shows_with_invariant_grouping_and_two_decimals(double amount, string expected) =>
        Assert.That(EmailFormats.Money((decimal)amount), Is.EqualTo(expected));

    [Test]
    public void Rendering_the_same_model_twice_gives_the_same_bytes() =>
        Assert.That(MorningEmailRenderer.Render(BranchEmail()), Is.EqualTo(MorningEmailRenderer.Render(BranchEmail())));

    [Test]
    public void No_eleven_digit_mobile_number_appears_in_the_verified_emails() =>
        Assert.That(MobileNumber().IsMatch(MorningEmailRenderer.Render(BranchEmail()) + MorningEmailRenderer.Render(GroupEmail())), Is.False);

    [GeneratedRegex(@"1[3-9]\d{9}")]
    private static partial Regex MobileNumber();
}
