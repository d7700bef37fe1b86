using System.Globalization;
using System.Security.Cryptography;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Testing;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>The renewal review of the small book's September cohort, and which cohort is closed when.</summary>
public sealed class RenewalReviewTests
{
    [TestCase("2026-10-31", 30, "2026-09")]
    [TestCase("2026-10-30", 30, "2026-08")]
    [TestCase("2026-11-01", 30, "2026-09")]
    [TestCase("2026-11-30", 30, "2026-09")]
    [TestCase("2026-12-01", 30, "2026-10")]
    [TestCase("2027-02-28", 30, "2026-12")]
    [TestCase("2027-03-03", 30, "2027-01")]
    [TestCase("2026-10-01", 0, "2026-09")]
    [TestCase("2026-09-30", 0, "2026-08")]
    [TestCase("2026-03-31", 30, "2026-02")]
    [TestCase("2026-03-30", 30, "2026-01")]
    public void The_review_covers_the_latest_cohort_closed_as_of_the_date(string asOf, int grace, string expected)
    {
        var date = DateOnly.ParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        Assert.That(ClosedCohort.Of(date, grace), Is.EqualTo(BusinessMonth.Parse(expected)));
    }

    [Test]
    public async Task The_workbook_dump_matches_the_verified_file()
    {
        var output = await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf);

        Assert.That((output.Cohort, output.FileName), Is.EqualTo((new BusinessMonth(2026, 9), "renewal_review_2026-09.xlsx")));
        GoldenFile.Verify(WorkbookDump.Of(output.Workbook), "RenewalReview.verified.txt");
    }

    [Test]
    public async Task Building_twice_gives_byte_identical_workbooks_and_identical_emails()
    {
        var first = await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf);
        var second = await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf);

        Assert.That(SHA256.HashData(second.Workbook), Is.EqualTo(SHA256.HashData(first.Workbook)));
        Assert.That(second.Emails.Select(e => e.HtmlBody), Is.EqualTo(first.Emails.Select(e => e.HtmlBody)));
    }

    [Test]
    public async Task Each_branch_manager_gets_their_branch_and_the_group_gets_the_workbook()
    {
        var emails = (await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf)).Emails;

        Assert.That(emails.Select(e => e.Key), Is.EqualTo(new[] { "review/2026-09/B01", "review/2026-09/B02", "review/2026-09/group" }));
        var b01 = emails[0];
        Assert.That(b01.To, Is.EqualTo(new[] { "manager.b01@dealer.example" }));
        Assert.That(b01.Attachments, Is.Empty);
        Assert.That(b01.HtmlBody, Does.Contain("深圳福田丰田4S店").And.Contain("33.33%").And.Contain("李晓婷").And.Contain("价格因素"));
        Assert.That(b01.HtmlBody, Does.Not.Contain("深圳南山本田4S店"), "a branch's email holds only that branch");
        var group = emails[2];
        Assert.That(group.To, Is.EqualTo(new[] { "gm@dealer.example" }));
        Assert.That(group.Attachments.Single().FileName, Is.EqualTo("renewal_review_2026-09.xlsx"));
        Assert.That(group.HtmlBody, Does.Contain("深圳南山本田4S店").And.Contain("40.00%"));
    }

    [Test]
    public async Task The_review_holds_no_customer_data()
    {
        var output = await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf);

        var everything = WorkbookDump.Of(output.Workbook) + string.Concat(output.Emails.Select(e => e.HtmlBody));
        Assert.That(everything, Does.Not.Contain("张三").And.Not.Contain("13812341234").And.Not.Contain("粤B"));
    }
}
