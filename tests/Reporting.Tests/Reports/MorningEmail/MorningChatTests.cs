using Reporting.Jobs.Reports.MorningEmail;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>The morning chat summary (issue 18): built from the email models, counts, rates and targets only.</summary>
public sealed class MorningChatTests
{
    [Test]
    public void The_branch_summary_reads_as_the_email_figures()
    {
        var chat = MorningChat.Branch(MorningEmailFixtures.BranchEmail());

        Assert.That((chat.Key, chat.Scope, chat.Title), Is.EqualTo(("morning/2026-11-21/B01", "B01", "【续保日报】深圳福田丰田4S店 2026-11-21 续保率 66.4%（目标 70%）")));
        Assert.That(chat.Lines, Is.EqualTo(new[]
        {
            "### 深圳福田丰田4S店 续保日报 2026-11-21",
            "**本月续保率 66.4%**（目标 70%，−3.6 pp） 低于目标",
            "2026-11 应续 125 · 已续 83 · 待续 30 · 脱保 12",
            "昨日续保 3 件，保费 ¥12,345.67",
            "待跟进 2 件（30 天内到期、近 7 天未联系）",
            "**分时段转化 Conversion by window**",
            "- W90（到期前 61–90 天）：10/125，8.0%",
            "- W60（到期前 46–60 天）：20/115，17.4%",
            "- W45（到期前 31–45 天）：25/95，26.3%",
            "- W30（到期前 1–30 天）：25/70，35.7%",
            "- W0（到期后 0–30 天）：0/0，—",
            "**本月送修 Repair referral**",
            "- 人保财险：送修比 60.0%（目标 50%，+10.0 pp）",
            "- 平安产险：送修比 30.0%（目标 50%，−20.0 pp）",
            "- 阳光产险：送修比 —（目标 50%，—）",
            "> 数据更新：claims 迟到 Late；pingan_policies 失败 Failed",
        }));
        Assert.That(chat.Footer, Is.EqualTo("完整日报（含待跟进名单）见邮件。The full report is in the email."));
    }

    [Test]
    public void The_branch_summary_holds_nothing_of_the_call_list_but_its_count()
    {
        var email = MorningEmailFixtures.BranchEmail();
        var chat = MorningChat.Branch(email);
        var text = string.Join("\n", chat.Lines.Append(chat.Title).Append(chat.Footer));

        foreach (var entry in email.CallList)
        {
            Assert.That(text, Does.Not.Contain(entry.PolicyNo).And.Not.Contain(entry.MaskedName).And.Not.Contain(entry.MaskedPhone).And.Not.Contain(entry.MaskedPlate));
            if (entry.AdvisorName.Length > 0)
            {
                Assert.That(text, Does.Not.Contain(entry.AdvisorName), "no staff names either");
            }
        }
    }

    [Test]
    public void The_group_summary_ranks_every_branch_with_its_figures()
    {
        var chat = MorningChat.Group(MorningEmailFixtures.GroupEmail());

        Assert.That((chat.Key, chat.Scope), Is.EqualTo(("morning/2026-11-21/group", "group")));
        Assert.That(chat.Lines, Is.EqualTo(new[]
        {
            "### 集团 续保日报 2026-11-21",
            "**集团本月续保率 70.2%**（目标 70%，+0.2 pp） 达标",
            "2026-11 应续 225 · 已续 158 · 待续 50 · 脱保 17",
            "昨日续保 5 件，保费 ¥20,345.67；待跟进 16 件；送修比 51.1%",
            "**门店排名（本月续保率）Branches by renewal rate**",
            "1. 深圳南山本田4S店 75.0%（目标 70%）应续 100 已续 75 昨日 2 待跟进 14",
            "2. 深圳福田丰田4S店 66.4%（目标 70%）应续 125 已续 83 昨日 3 待跟进 2",
            "- 广州天河大众4S店 —（目标 70%）应续 0 已续 0 昨日 0 待跟进 0",
            "> 数据更新：claims 迟到 Late；pingan_policies 失败 Failed",
        }));
    }

    [Test]
    public void A_data_incomplete_banner_heads_the_summary_and_its_title()
    {
        var chat = MorningChat.Branch(MorningEmailFixtures.BranchEmail(banner: "数据不完整 Data incomplete：claims 在截止时间前未加载"));

        Assert.That(chat.Title, Does.StartWith("【数据不完整】【续保日报】"));
        Assert.That(chat.Lines[1], Is.EqualTo("> 数据不完整 Data incomplete：claims 在截止时间前未加载"));
    }

    [Test]
    public void Names_can_neither_format_the_summary_nor_mention_a_member() =>
        Assert.That(MorningChat.Plain("<@all> **门店**[x](http://e)`#|\n二行"), Is.EqualTo("＜＠all＞ ＊＊门店＊＊［x］(http://e)｀＃｜ 二行"));

    [Test]
    public void The_same_models_give_the_same_summary() =>
        Assert.That(MorningChat.Group(MorningEmailFixtures.GroupEmail()).Lines, Is.EqualTo(MorningChat.Group(MorningEmailFixtures.GroupEmail()).Lines));
}
