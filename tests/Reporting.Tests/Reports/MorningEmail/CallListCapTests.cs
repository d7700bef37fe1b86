using System.Security.Cryptography;
using System.Text.RegularExpressions;
using OfficeOpenXml;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing.Builders;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>
/// The branch email shows the most urgent rows of its call list (by expiry, then premium, highest
/// first), at most <see cref="MorningEmailOptions.CallListRows"/>, says how many more there are, and
/// carries the whole list as a workbook (issue 15, part 6). Business date D = 2026-11-21.
/// </summary>
public sealed partial class CallListCapTests
{
    private static readonly DateOnly D = BusinessDate;

    private static PolicyBuilder Expiring(string policyNo, DateOnly expiry, decimal premium = 3500m, string branch = "B01") =>
        Policies.Commercial(policyNo).ExpiringOn(expiry).Premium(premium).SoldBy(branch, "A001");

    /// <summary>The models of one morning, with a call-list cap.</summary>
    private static MorningEmails BuildCapped(IEnumerable<Policy> policies, int rows)
    {
        var list = policies.ToList();
        var options = MetricsOptions.CreateDefault();
        var metrics = MetricsCalculator.Calculate(new MetricsInput(D, BusinessMonth.Of(D), list, [], [], options));
        var renewals = MorningEmailRanges.For(D, options).Renewals(list, D, options);
        return MorningEmailBuilder.Build(new MorningEmailInput(
            D, metrics, renewals, [], [], Reference, options, new SourcesOptions(), TimeZoneInfo.Utc, null, CallListRows: rows));
    }

    private static List<string> Numbers(IEnumerable<CallListEntry> entries) => [.. entries.Select(e => e.PolicyNo)];

    private static ReportContext Context(bool attach = true) =>
        new(null!, new SourcesOptions(), Reference, MetricsOptions.CreateDefault(), new DeliveryOptions { AttachWorkbooks = attach, GroupRecipients = ["gm@dealer.example"] });

    private static BranchMorningEmail WithRows(int count, int shown) => BranchEmail() with
    {
        CallList = [.. Enumerable.Range(0, count).Select(i => BranchEmail().CallList[0] with { PolicyNo = $"ROW{i:D4}" })],
        CallListRows = shown,
    };

    private static OutgoingMessage BranchMessage(BranchMorningEmail email, bool attach = true) =>
        MorningReport.Messages(new MorningEmails([email], GroupEmail()), Context(attach)).Single(m => m.Key.EndsWith("/B01", StringComparison.Ordinal));

    [Test]
    public void Policies_expiring_the_same_day_are_listed_by_premium_highest_first()
    {
        var emails = Build([Expiring("P1", D.AddDays(5), 1_000m), Expiring("P2", D.AddDays(5), 3_000m), Expiring("P3", D.AddDays(3), 500m), Expiring("P4", D.AddDays(5), 2_000m)]);

        Assert.That(Numbers(emails.Branch("B01").CallList), Is.EqualTo(new[] { "P3", "P2", "P4", "P1" }));
    }

    [Test]
    public void An_earlier_expiry_comes_first_whatever_the_premium()
    {
        var emails = Build([Expiring("P1", D.AddDays(6), 90_000m), Expiring("P2", D.AddDays(5), 100m)]);

        Assert.That(Numbers(emails.Branch("B01").CallList), Is.EqualTo(new[] { "P2", "P1" }));
    }

    [Test]
    public void Policies_with_the_same_expiry_and_premium_are_listed_by_policy_number_then_insurer()
    {
        var emails = Build([
            Expiring("P2", D.AddDays(5)).Insurer("PICC"),
            Expiring("P1", D.AddDays(5)).Insurer("PINGAN"),
            Expiring("P1", D.AddDays(5)).Insurer("CPIC"),
        ]);

        Assert.That(
            emails.Branch("B01").CallList.Select(e => e.PolicyNo + "/" + e.InsurerCode),
            Is.EqualTo(new[] { "P1/CPIC", "P1/PINGAN", "P2/PICC" }));
    }

    [Test]
    public void The_email_shows_the_configured_number_of_most_urgent_rows_and_counts_the_rest()
    {
        var emails = BuildCapped([Expiring("P1", D.AddDays(9)), Expiring("P2", D.AddDays(2)), Expiring("P3", D.AddDays(2), 9_000m), Expiring("P4", D.AddDays(20))], rows: 2);

        var email = emails.Branch("B01");
        Assert.That(
            (Numbers(email.CallListShown), email.CallListMore, email.CallList.Count),
            Is.EqualTo((new List<string> { "P3", "P2" }, 2, 4)));
    }

    [Test]
    public void A_call_list_as_long_as_the_cap_is_shown_whole()
    {
        var emails = BuildCapped([Expiring("P1", D.AddDays(9)), Expiring("P2", D.AddDays(2))], rows: 2);

        var email = emails.Branch("B01");
        Assert.That((Numbers(email.CallListShown), email.CallListMore), Is.EqualTo((new List<string> { "P2", "P1" }, 0)));
    }

    [Test]
    public void The_email_shows_fifty_rows_by_default()
    {
        var emails = Build(Enumerable.Range(0, 53).Select(i => (Policy)Expiring($"P{i:D2}", D.AddDays(1 + (i % 30)))));

        var email = emails.Branch("B01");
        Assert.That((email.CallListShown.Count, email.CallListMore), Is.EqualTo((50, 3)));
    }

    [Test]
    public void The_group_email_counts_each_branch_s_whole_call_list()
    {
        var emails = BuildCapped([Expiring("P1", D.AddDays(1)), Expiring("P2", D.AddDays(2)), Expiring("P3", D.AddDays(3))], rows: 1);

        Assert.That(
            (emails.Group.Branches.Single(l => l.Branch.Code == "B01").CallListSize, emails.Group.Total.CallListSize),
            Is.EqualTo((3, 3)));
    }

    [Test]
    public void A_cap_below_one_row_is_refused_by_the_builder()
    {
        Assert.That(() => BuildCapped([Expiring("P1", D.AddDays(1))], rows: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void An_email_showing_part_of_its_call_list_says_how_many_more_are_in_the_attached_workbook()
    {
        var html = BranchMessage(WithRows(1_752, 50)).HtmlBody;

        Assert.That(html, Does.Contain("另有 1,702 件见附件 call_list_B01_2026-11-21.xlsx（完整名单，共 1,752 件）。1,702 more in the attached workbook.")
            .And.Contain("以下为最紧急的 50 件").And.Contain("the 50 most urgent below"));
    }

    [Test]
    public void An_email_showing_part_of_its_call_list_lists_only_the_rows_it_shows()
    {
        var html = BranchMessage(WithRows(1_752, 50)).HtmlBody;

        Assert.That(Regex.Matches(html, "ROW\\d{4}").Select(m => m.Value), Is.EqualTo(Enumerable.Range(0, 50).Select(i => $"ROW{i:D4}")));
    }

    [Test]
    public void Without_the_attachment_the_email_says_the_rest_is_not_attached()
    {
        var message = BranchMessage(WithRows(60, 50), attach: false);

        Assert.That(message.Attachments, Is.Empty);
        Assert.That(message.HtmlBody, Does.Contain("另有 10 件未在邮件中列出（本邮件未附完整名单）。10 more not shown; the full list is not attached.").And.Not.Contain("call_list_B01"));
    }

    [Test]
    public void An_email_showing_its_whole_call_list_says_nothing_of_more_rows()
    {
        var html = BranchMessage(WithRows(50, 50)).HtmlBody;

        Assert.That(html, Does.Not.Contain("另有").And.Not.Contain("more in the attached").And.Not.Contain("最紧急"));
    }

    [Test]
    public void A_call_list_at_the_cap_has_no_attachment()
    {
        Assert.That(BranchMessage(WithRows(50, 50)).Attachments, Is.Empty);
    }

    [Test]
    public void A_call_list_over_the_cap_carries_the_whole_list_as_a_workbook()
    {
        var attachment = BranchMessage(WithRows(51, 50)).Attachments.Single();

        using var read = new ExcelPackage(new MemoryStream(attachment.Content));
        var sheet = read.Workbook.Worksheets[CallListWorkbook.SheetName];
        var policies = Enumerable.Range(3, 51).Select(r => sheet.Cells[r, 3].Text).ToList();
        Assert.That(
            (attachment.FileName, attachment.ContentType, policies, sheet.Cells[54, 1].Text),
            Is.EqualTo(("call_list_B01_2026-11-21.xlsx", OutgoingMessage.WorkbookContentType, Enumerable.Range(0, 51).Select(i => $"ROW{i:D4}").ToList(), "合计 Total")));
    }

    [Test]
    public void The_group_email_has_no_attachment()
    {
        var group = MorningReport.Messages(new MorningEmails([WithRows(500, 50)], GroupEmail()), Context()).Single(m => m.Key.EndsWith("/group", StringComparison.Ordinal));

        Assert.That(group.Attachments, Is.Empty);
    }

    [Test]
    public void The_call_list_workbook_is_byte_identical_on_a_rebuild()
    {
        var email = WithRows(300, 50);

        Assert.That(SHA256.HashData(CallListWorkbook.Write(email)), Is.EqualTo(SHA256.HashData(CallListWorkbook.Write(email))));
    }

    [TestCase("B01", "call_list_B01_2026-11-21.xlsx")]
    [TestCase("B-2_x", "call_list_B-2_x_2026-11-21.xlsx")]
    [TestCase("../B*1", "call_list____B_1_2026-11-21.xlsx")]
    [TestCase("福田\"店", "call_list______2026-11-21.xlsx")]
    public void The_workbook_name_is_ASCII_with_the_branch_code_s_unsafe_characters_replaced(string code, string expected)
    {
        Assert.That(CallListWorkbook.FileName(code, D), Is.EqualTo(expected));
    }
}
