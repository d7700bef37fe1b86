// SPEC §4 morning report, issue 18: the chat summary of the branch and group morning emails.
using System.Globalization;
using System.Text;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Reports.Email;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// The morning summary for the WeCom and DingTalk group robots, built from the same models as the
/// emails (<see cref="BranchMorningEmail"/>, <see cref="GroupMorningEmail"/>), never from their HTML:
/// counts, rates and targets only, with the figures formatted as the emails format them
/// (<see cref="EmailFormats"/>), and a last line saying the full report is in the email.
/// </summary>
/// <remarks>
/// <para><b>No personal data of any kind.</b> A group chat is a wider audience than a manager's
/// inbox: no customer (name, phone, ID number, plate, VIN), no policy number, and no advisor
/// either (advisors are staff, but a chat is no place to rank people by name): the call list
/// appears as its count only. Names shown are the branches' and the insurers' (reference data),
/// with markdown and mention syntax neutralised (<see cref="Plain"/>).</para>
/// <para>Deterministic: the same models give the same text. Each line stands alone, so a platform's
/// limit cuts between lines (<see cref="ChatText.Fit"/>).</para>
/// </remarks>
public static class MorningChat
{
    public const string Footer = "完整日报（含待跟进名单）见邮件。The full report is in the email.";

    public const string CutNotice = "……篇幅所限，以下从略，完整内容见邮件。Cut to fit the chat; the rest is in the email.";

    /// <summary>One summary per branch email and one for the group email, with the emails' keys.</summary>
    public static IReadOnlyList<OutgoingChatMessage> Messages(MorningEmails emails)
    {
        ArgumentNullException.ThrowIfNull(emails);
        return [.. emails.Branches.Select(Branch), Group(emails.Group)];
    }

    public static OutgoingChatMessage Branch(BranchMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var cohort = email.Cohort;
        var lines = new List<string> { $"### {Plain(email.Branch.Display)} 续保日报 {EmailFormats.Date(email.BusinessDate)}" };
        lines.AddRange(Banner(email.Banner));
        lines.Add(RateLine("本月续保率", cohort));
        lines.Add(CohortLine(cohort));
        lines.Add(Invariant($"昨日续保 {EmailFormats.Count(email.Yesterday.Count)} 件，保费 {EmailFormats.Yuan(email.Yesterday.Premium)}"));
        lines.Add(Invariant($"待跟进 {EmailFormats.Count(email.CallList.Count)} 件（{MorningEmailRanges.CallListDays} 天内到期、近 {MorningEmailRanges.RecentContactDays} 天未联系）"));
        if (email.Conversion.Count > 0)
        {
            lines.Add("**分时段转化 Conversion by window**");
            lines.AddRange(email.Conversion.Select(w => Invariant(
                $"- {Plain(w.Window)}（{EmailFormats.Lead(w.LowerDays, w.UpperDays)}）：{EmailFormats.Count(w.Converted)}/{EmailFormats.Count(w.AtRisk)}，{EmailFormats.Percent(w.Rate)}")));
        }

        if (email.Referral.Count > 0)
        {
            lines.Add("**本月送修 Repair referral**");
            lines.AddRange(email.Referral.Select(r =>
                $"- {Plain(r.InsurerName.Length > 0 ? r.InsurerName : r.InsurerCode)}：送修比 {EmailFormats.Percent(r.Ratio)}（目标 {EmailFormats.Target(r.Target)}，{EmailFormats.Points(r.Variance)}）"));
        }

        lines.AddRange(Freshness(email.Freshness));
        return new OutgoingChatMessage(Key(email.BusinessDate, email.Branch.Code), email.Branch.Code, Title(email.Banner, MorningEmailRenderer.Subject(email)), lines, Footer, CutNotice);
    }

    public static OutgoingChatMessage Group(GroupMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var total = email.Total;
        var lines = new List<string> { $"### 集团 续保日报 {EmailFormats.Date(email.BusinessDate)}" };
        lines.AddRange(Banner(email.Banner));
        lines.Add(RateLine("集团本月续保率", total.Cohort));
        lines.Add(CohortLine(total.Cohort));
        lines.Add(Invariant($"昨日续保 {EmailFormats.Count(total.Yesterday.Count)} 件，保费 {EmailFormats.Yuan(total.Yesterday.Premium)}；待跟进 {EmailFormats.Count(total.CallListSize)} 件；送修比 {EmailFormats.Percent(total.ReferralRatio)}"));
        lines.Add("**门店排名（本月续保率）Branches by renewal rate**");
        lines.AddRange(email.Branches.Select(b => Invariant(
            $"{(b.Rank is { } rank ? Invariant($"{rank}.") : "-")} {Plain(b.Branch.Display)} {EmailFormats.Percent(b.Cohort.Rate)}（目标 {EmailFormats.Target(b.Cohort.Target)}）应续 {EmailFormats.Count(b.Cohort.Due)} 已续 {EmailFormats.Count(b.Cohort.Renewed)} 昨日 {EmailFormats.Count(b.Yesterday.Count)} 待跟进 {EmailFormats.Count(b.CallListSize)}")));
        lines.AddRange(Freshness(email.Freshness));
        return new OutgoingChatMessage(Key(email.BusinessDate, ChatOptions.GroupScope), ChatOptions.GroupScope, Title(email.Banner, MorningEmailRenderer.Subject(email)), lines, Footer, CutNotice);
    }

    private static string RateLine(string label, CohortSummary cohort) =>
        $"**{label} {EmailFormats.Percent(cohort.Rate)}**（目标 {EmailFormats.Target(cohort.Target)}，{EmailFormats.Points(cohort.Gap)}）{(cohort.BelowTarget ? " 低于目标" : cohort.MeetsTarget ? " 达标" : "")}";

    private static string CohortLine(CohortSummary cohort) => Invariant(
        $"{cohort.Month} 应续 {EmailFormats.Count(cohort.Due)} · 已续 {EmailFormats.Count(cohort.Renewed)} · 待续 {EmailFormats.Count(cohort.Pending)} · 脱保 {EmailFormats.Count(cohort.Lapsed)}");

    private static IEnumerable<string> Banner(string? banner) => banner is null ? [] : ["> " + Plain(banner)];

    /// <summary>A source not loaded on time, named with its status, as the email's sentence does; nothing when all are on time.</summary>
    private static IEnumerable<string> Freshness(IReadOnlyList<FreshnessLine> freshness)
    {
        var late = freshness.Where(f => f.IsProblem).Select(f => $"{Plain(f.Source)} {EmailFormats.StatusLabel(f.Status)}").ToList();
        return late.Count == 0 ? [] : ["> 数据更新：" + string.Join("；", late)];
    }

    /// <summary>The subject, with the data-incomplete prefix as the email's subject gets it (<see cref="ReportRunner"/>).</summary>
    private static string Title(string? banner, string subject) => banner is null ? subject : "【数据不完整】" + subject;

    private static string Key(DateOnly date, string who) =>
        string.Create(CultureInfo.InvariantCulture, $"morning/{date:yyyy-MM-dd}/{who}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Configured text (a branch or insurer name, a source) as plain chat text: control characters
    /// and line breaks become spaces (one line stays one line), and the characters that markdown,
    /// HTML or a mention would read (<c>* ` # [ ] &lt; &gt; | @</c>; WeCom's <c>&lt;@userid&gt;</c>) become
    /// their full-width forms, so a name can neither format the message, link, nor ping a member.
    /// <c>_</c> stays (source names such as <c>pingan_policies</c>; an underscore inside a word formats nothing).
    /// </summary>
    public static string Plain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            plain.Append(c switch
            {
                '*' => '＊',
                '`' => '｀',
                '#' => '＃',
                '[' => '［',
                ']' => '］',
                '<' => '＜',
                '>' => '＞',
                '|' => '｜',
                '@' => '＠',
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => ' ',
                _ => c,
            });
        }

        return plain.ToString();
    }
}
