using System.Text;
using Reporting.Jobs.Delivery.Chat;

namespace Reporting.Tests.Delivery.Chat;

/// <summary>A chat summary fitted to a platform's limit: cut between lines, never inside a character, never rejected.</summary>
public sealed class ChatTextTests
{
    private static readonly Func<string, int> Utf8Bytes = Encoding.UTF8.GetByteCount;

    private static OutgoingChatMessage Summary(int lines, string line = "深圳福田丰田4S店 续保率 66.4%（目标 70%）应续 229 已续 152") => new(
        "morning/2026-11-21/group",
        "group",
        "【续保日报】集团 2026-11-21",
        [.. Enumerable.Range(1, lines).Select(i => $"{i}. {line}")],
        "完整日报见邮件。The full report is in the email.",
        "……其余见邮件。The rest is in the email.");

    [Test]
    public void A_summary_within_the_limit_is_every_line_and_the_footer()
    {
        var text = ChatText.Fit(Summary(3), "\n", Utf8Bytes, 4096);

        Assert.That(text.Split('\n'), Has.Length.EqualTo(4));
        Assert.That(text, Does.EndWith("The full report is in the email.").And.Not.Contain("其余见邮件"));
    }

    [Test]
    public void A_summary_over_the_limit_keeps_the_leading_lines_that_fit_then_the_cut_notice_and_the_footer()
    {
        var summary = Summary(200);

        var text = ChatText.Fit(summary, "\n", Utf8Bytes, 4096);
        var lines = text.Split('\n');

        Assert.That(Utf8Bytes(text), Is.LessThanOrEqualTo(4096));
        Assert.That(lines[^2..], Is.EqualTo(new[] { summary.CutNotice, summary.Footer }));
        Assert.That(lines[..^2], Is.EqualTo(summary.Lines.Take(lines.Length - 2)), "whole lines, in order");
        Assert.That(Utf8Bytes(text + "\n" + summary.Lines[lines.Length - 2]), Is.GreaterThan(4096), "as many lines as fit");
    }

    [Test]
    public void A_cut_summary_is_valid_UTF_8_whatever_the_limit()
    {
        var summary = Summary(50, "广州天河大众4S店 𠀀 续保率");
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        foreach (var limit in Enumerable.Range(60, 400))
        {
            var text = ChatText.Fit(summary, "\n", Utf8Bytes, limit);
            Assert.That(Utf8Bytes(text), Is.LessThanOrEqualTo(limit), $"limit {limit}");
            Assert.That(strict.GetString(strict.GetBytes(text)), Is.EqualTo(text), $"limit {limit}");
        }
    }

    [Test]
    public void A_limit_smaller_than_the_notice_and_footer_cuts_between_text_elements()
    {
        var text = ChatText.Fit(Summary(5), "\n", Utf8Bytes, 40);

        Assert.That(Utf8Bytes(text), Is.LessThanOrEqualTo(40));
        Assert.That(text, Does.EndWith("…"));
        Assert.That(text.Any(char.IsSurrogate), Is.False);
    }

    [Test]
    public void The_same_summary_and_limit_give_the_same_text() =>
        Assert.That(ChatText.Fit(Summary(300), "\n\n", Utf8Bytes, 20_000), Is.EqualTo(ChatText.Fit(Summary(300), "\n\n", Utf8Bytes, 20_000)));

    [Test]
    public void The_WeCom_body_of_a_long_summary_carries_content_within_4096_bytes()
    {
        using var http = new HttpClient();
        var body = new WeComChatTransport(http, TimeSpan.FromSeconds(1)).Body(Summary(300));

        using var json = System.Text.Json.JsonDocument.Parse(body);
        var content = json.RootElement.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.That(json.RootElement.GetProperty("msgtype").GetString(), Is.EqualTo("markdown"));
        Assert.That(Utf8Bytes(content), Is.InRange(3800, 4096));
        Assert.That(content, Does.EndWith("The full report is in the email."));
    }

    [Test]
    public void The_DingTalk_body_of_a_long_summary_is_within_20000_bytes_with_its_title()
    {
        using var http = new HttpClient();
        var body = new DingTalkChatTransport(http, TimeSpan.FromSeconds(1), TimeProvider.System).Body(Summary(1000));

        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.That(body, Has.Length.InRange(19_000, 20_000));
        Assert.That(json.RootElement.GetProperty("markdown").GetProperty("title").GetString(), Is.EqualTo("【续保日报】集团 2026-11-21"));
        Assert.That(json.RootElement.GetProperty("markdown").GetProperty("text").GetString(), Does.EndWith("The full report is in the email."));
    }

    [Test]
    public void Chinese_travels_as_UTF_8_not_as_escapes()
    {
        using var http = new HttpClient();
        var body = Encoding.UTF8.GetString(new WeComChatTransport(http, TimeSpan.FromSeconds(1)).Body(Summary(1)));

        Assert.That(body, Does.Contain("深圳福田丰田4S店").And.Not.Contain("\\u"));
    }
}
