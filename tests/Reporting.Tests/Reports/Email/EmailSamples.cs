using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Tests.Reports.Workbooks;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.Email;

/// <summary>
/// One of every email the product sends, rendered the way the reports render them: the branch and
/// group morning emails from fixed models, the renewal review (branch B01 and group) and the
/// commission notice from the small workbook book, and an ops alert. With a <c>text</c>, every
/// text an email shows from data or reference data carries it: branch, advisor, insurer and
/// source names, the customer's masked fields, policy numbers, the banner, the alert's text.
/// </summary>
internal static class EmailSamples
{
    public const string BranchMorning = "branch morning";
    public const string GroupMorning = "group morning";
    public const string ReviewBranch = "renewal review B01";
    public const string ReviewGroup = "renewal review group";
    public const string Commission = "commission";
    public const string OpsAlert = "ops alert";

    public static readonly IReadOnlyList<string> All = [BranchMorning, GroupMorning, ReviewBranch, ReviewGroup, Commission, OpsAlert];

    public static async Task<string> RenderAsync(string email, string? text = null) => email switch
    {
        BranchMorning => MorningEmailRenderer.Render(Branch(text)),
        GroupMorning => MorningEmailRenderer.Render(Group(text)),
        ReviewBranch => (await Review(text)).Emails.Single(e => e.Key.EndsWith("/B01", StringComparison.Ordinal)).HtmlBody,
        ReviewGroup => (await Review(text)).Emails.Single(e => e.Key.EndsWith("/group", StringComparison.Ordinal)).HtmlBody,
        Commission => (await CommissionReport.BuildAsync(Context(text), WorkbookBook.AsOf, WorkbookBook.October)).Email.HtmlBody,
        OpsAlert => OpsAlertEmail.Render(
            "alert/commission/2026-10",
            "【告警】手续费月报 2026-10 对账不平，未发送" + text,
            "commission workbook commission_2026-10.xlsx does not reconcile: P-103" + text + " 不在账本中"),
        _ => throw new ArgumentOutOfRangeException(nameof(email), email, "not an email"),
    };

    private static BranchMorningEmail Branch(string? text)
    {
        var email = BranchEmail(banner: text is null ? null : "数据不完整" + text, maskedName: text ?? "张*");
        if (text is null)
        {
            return email;
        }

        return email with
        {
            Branch = new BranchName("B01" + text, "深圳福田" + text, "深圳"),
            CallList = [.. email.CallList.Select(c => c with
            {
                PolicyNo = c.PolicyNo + text,
                InsurerName = c.InsurerName + text,
                MaskedPhone = c.MaskedPhone + text,
                MaskedPlate = c.MaskedPlate + text,
                AdvisorName = "陈" + text,
            })],
            Referral = [.. email.Referral.Select(r => r with { InsurerName = r.InsurerName + text })],
            Freshness = [.. email.Freshness.Select(f => f with { Source = f.Source + text })],
        };
    }

    private static GroupMorningEmail Group(string? text)
    {
        var email = GroupEmail(banner: text is null ? null : "数据不完整" + text);
        return text is null
            ? email
            : email with { Branches = [.. email.Branches.Select(b => b with { Branch = b.Branch with { Name = b.Branch.Name + text } })] };
    }

    private static Task<RenewalReviewOutput> Review(string? text) => RenewalReviewReport.BuildAsync(Context(text), WorkbookBook.AsOf);

    /// <summary>The workbook book's context; with a text, in its branch and advisor names and the banner.</summary>
    private static ReportContext Context(string? text)
    {
        var context = WorkbookBook.Context();
        if (text is null)
        {
            return context;
        }

        var reference = WorkbookBook.Reference();
        return context with
        {
            Banner = "数据不完整" + text,
            Reference = new ReferenceDataOptions
            {
                Branches = [.. reference.Branches.Select(b => new BranchOptions { Code = b.Code, Name = b.Name + text, Region = b.Region, ManagerEmails = b.ManagerEmails })],
                Advisors = [.. reference.Advisors.Select(a => new AdvisorOptions { Id = a.Id, Name = a.Name + text, Branch = a.Branch })],
                Insurers = reference.Insurers,
            },
        };
    }
}
