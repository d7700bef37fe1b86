using System.Security.Cryptography;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Store;
using Reporting.Testing;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>The commission workbook of the small book: its dump, its determinism, its reconciliation and its email.</summary>
public sealed class CommissionWorkbookTests
{
    private static Task<CommissionReportOutput> BuildAsync(bool attach = true) =>
        CommissionReport.BuildAsync(WorkbookBook.Context(attach: attach), WorkbookBook.AsOf, WorkbookBook.October);

    [Test]
    public async Task The_workbook_dump_matches_the_verified_file()
    {
        var output = await BuildAsync();

        Assert.That(output.FileName, Is.EqualTo("commission_2026-10.xlsx"));
        GoldenFile.Verify(WorkbookDump.Of(output.Workbook), "CommissionWorkbook.verified.txt");
    }

    [Test]
    public async Task Building_twice_gives_byte_identical_workbooks_and_identical_emails()
    {
        var first = await BuildAsync();
        var second = await BuildAsync();

        Assert.That(SHA256.HashData(second.Workbook), Is.EqualTo(SHA256.HashData(first.Workbook)));
        Assert.That(second.Email.HtmlBody, Is.EqualTo(first.Email.HtmlBody));
        Assert.That(second.Email.Subject, Is.EqualTo(first.Email.Subject));
    }

    [Test]
    public async Task The_reconciliation_of_the_book_ties_file_by_file()
    {
        var reconciliation = (await BuildAsync()).Reconciliation;

        Assert.That(reconciliation.Mismatches, Is.Empty);
        Assert.That(reconciliation.Ties, Is.True);
        Assert.That(reconciliation.Files.Select(f => (f.FileName, f.DetailRows, f.DetailPremium, f.ClawbackRows)), Is.EqualTo(new[]
        {
            ("pingan_policies_20261031.csv", 2, 7500.00m, 2),
            ("policies_20261015.csv", 4, 12403.77m, 0),
        }));
        Assert.That(reconciliation.DetailPremium, Is.EqualTo(19903.77m));
        Assert.That(reconciliation.SummaryPremium, Is.EqualTo(19903.77m));
        Assert.That(reconciliation.FilesPremium, Is.EqualTo(19903.77m));
    }

    [Test]
    public async Task A_file_whose_rows_do_not_add_up_does_not_tie()
    {
        var ledger = WorkbookBook.Ledger().Select(e => e.IngestId == 2 ? e with { RowsLoaded = e.RowsLoaded - 1 } : e).ToList();
        var store = new InMemoryStore(WorkbookBook.Policies(), WorkbookBook.Claims(), WorkbookBook.FollowUps(), ledger);

        var reconciliation = (await CommissionReport.BuildAsync(WorkbookBook.Context(store), WorkbookBook.AsOf, WorkbookBook.October)).Reconciliation;

        Assert.That(reconciliation.Ties, Is.False);
        Assert.That(reconciliation.Mismatches, Has.Some.Contains("policies_20261015.csv").And.Contains("读取 6 行"));
    }

    [Test]
    public void A_line_whose_file_version_differs_by_a_cent_does_not_tie()
    {
        var input = new MetricsInput(
            WorkbookBook.AsOf, WorkbookBook.October, [.. WorkbookBook.Policies().Select(p => p.Policy)], WorkbookBook.Claims(), WorkbookBook.FollowUps(), WorkbookBook.Metrics());
        var result = MetricsCalculator.Calculate(input);
        var versions = WorkbookBook.Policies()
            .Select(p => new PolicyVersion(p.Policy.PolicyNo == "P-103" ? p.Policy with { Premium = p.Policy.Premium + 0.01m } : p.Policy, p.IngestId))
            .ToList();

        var output = CommissionReport.Build(WorkbookBook.Context(), result, WorkbookBook.Ledger(), versions);

        Assert.That(output.Reconciliation.Ties, Is.False);
        Assert.That(output.Reconciliation.Mismatches, Has.Some.Contains("P-103"));
        Assert.That(output.Reconciliation.Mismatches, Has.Some.Contains("各文件明细保费合计"));
    }

    [Test]
    public async Task The_email_goes_to_finance_with_the_workbook_attached()
    {
        var email = (await BuildAsync()).Email;

        Assert.That(email.Key, Is.EqualTo("commission/2026-10"));
        Assert.That(email.To, Is.EqualTo(new[] { "finance@dealer.example" }));
        Assert.That(email.Subject, Is.EqualTo("【手续费月报】2026-10 佣金结算表"));
        Assert.That(email.Attachments.Single().FileName, Is.EqualTo("commission_2026-10.xlsx"));
        Assert.That(email.HtmlBody, Does.Contain("深圳福田丰田4S店").And.Contain("19,903.77").And.Contain("对账一致"));
        Assert.That(email.HtmlBody, Does.Not.Contain("<script"));
    }

    [Test]
    public async Task Without_attachments_the_email_names_the_workbook_only()
    {
        var email = (await BuildAsync(attach: false)).Email;

        Assert.That(email.Attachments, Is.Empty);
        Assert.That(email.HtmlBody, Does.Contain("commission_2026-10.xlsx"));
    }

    [Test]
    public async Task The_workbook_holds_no_customer_data()
    {
        var dump = WorkbookDump.Of((await BuildAsync()).Workbook);

        Assert.That(dump, Does.Not.Contain("张三").And.Not.Contain("13812341234").And.Not.Contain("粤B12345"));
    }
}
