using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OfficeOpenXml;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing.Builders;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>
/// A book whose branch B01 has thousands of policies on its call list (issue 15: 1 752 rows made a
/// 2 MB email): loaded into SQLite through the loader, built through <see cref="MorningReport"/>. The
/// email stays well under Gmail's ~100 KB, shows the 50 most urgent rows, and carries the whole
/// list as a workbook of masked values; B02, with a short list, carries none.
/// </summary>
[NonParallelizable]
public sealed class CallListBigBookTests
{
    private const int Rows = 2_500;
    private const string IdNo = "440301199001011234";
    private static readonly DateOnly D = 21.November(2026);

    /// <summary>Well under the ~100 KB at which Gmail clips a message, leaving room for longer names.</summary>
    private const int HtmlBudget = 80 * 1024;

    private TestStore _store = null!;
    private IReadOnlyList<OutgoingMessage> _messages = null!;
    private IReadOnlyList<OutgoingMessage> _atTheLargestCap = null!;

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"王小{i:D4}");

    private static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"139{i:D8}");

    private static string Plate(int i) => string.Create(CultureInfo.InvariantCulture, $"粤B{i:D5}");

    private static string PolicyNo(int i) => string.Create(CultureInfo.InvariantCulture, $"PBIG{i:D6}");

    [OneTimeSetUp]
    public async Task LoadTheBookAndBuildTheMorning()
    {
        _store = await TestStore.CreateAsync("sqlite");
        var lines = Enumerable.Range(0, Rows).Select(i =>
        {
            var expiry = D.AddDays(i % 31);
            var effective = expiry.AddYears(-1).AddDays(1);
            return CanonicalCsv.Policy(
                PolicyNo(i), branch: i < 2 ? "B02" : "B01", vin: string.Create(CultureInfo.InvariantCulture, $"LSVBKG{i:D11}"),
                name: Name(i), phone: Phone(i), plate: Plate(i), idNo: IdNo,
                issue: Iso(effective.AddDays(-1)), effective: Iso(effective), expiry: Iso(expiry),
                premium: string.Create(CultureInfo.InvariantCulture, $"{1_000 + (i * 37 % 5_000)}.00"));
        });
        var sources = TestStore.ConfiguredSources();
        var result = await _store.Loader(MorningEmailFixtures.Reference)
            .LoadFileAsync(sources.Get("policies"), _store.WriteFile("policies_big.csv", CanonicalCsv.Policies([.. lines])), new Jobs.Extract.LoadFileOptions(ExtractDate: D));
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(Rows), result.Error);

        var context = new ReportContext(_store.Store, sources, MorningEmailFixtures.Reference, MetricsOptions.CreateDefault(), new DeliveryOptions { GroupRecipients = ["gm@dealer.example"] });
        _messages = await MorningReport.BuildAsync(context, D);
        _atTheLargestCap = await MorningReport.BuildAsync(context with { Morning = new MorningEmailOptions { CallListRows = MorningEmailOptions.MaxCallListRows } }, D);
        foreach (var m in _messages.Concat(_atTheLargestCap.Take(1)))
        {
            TestContext.Progress.WriteLine($"{m.Key}: HTML {Encoding.UTF8.GetByteCount(m.HtmlBody):N0} bytes, attachments {string.Join(", ", m.Attachments.Select(a => $"{a.FileName} {a.Content.Length:N0} bytes"))}");
        }
    }

    [OneTimeTearDown]
    public async Task DisposeTheStore() => await _store.DisposeAsync();

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private OutgoingMessage Message(string who) => _messages.Single(m => m.Key == "morning/2026-11-21/" + who);

    /// <summary>The attached call list of B01, read back with EPPlus: each data row's cells as text (the totals row left out).</summary>
    private List<string[]> WorkbookRows()
    {
        using var package = new ExcelPackage(new MemoryStream(Message("B01").Attachments.Single().Content));
        var sheet = package.Workbook.Worksheets[CallListWorkbook.SheetName];
        var rows = new List<string[]>();
        for (var r = 3; r <= sheet.Dimension.End.Row; r++)
        {
            if (sheet.Cells[r, 1].Text == "合计 Total")
            {
                continue;
            }

            rows.Add([.. Enumerable.Range(1, sheet.Dimension.End.Column).Select(c => sheet.Cells[r, c].Text)]);
        }

        return rows;
    }

    [Test]
    public void Every_email_s_HTML_stays_well_under_a_hundred_kilobytes()
    {
        Assert.That(_messages.Where(m => Encoding.UTF8.GetByteCount(m.HtmlBody) >= HtmlBudget).Select(m => m.Key), Is.Empty);
    }

    [Test]
    public void At_the_largest_configurable_cap_the_branch_email_stays_under_the_same_budget()
    {
        var b01 = _atTheLargestCap.Single(m => m.Key == "morning/2026-11-21/B01");

        Assert.That(Regex.Matches(b01.HtmlBody, "PBIG\\d{6}"), Has.Count.EqualTo(MorningEmailOptions.MaxCallListRows), "rows shown");
        Assert.That(Encoding.UTF8.GetByteCount(b01.HtmlBody), Is.LessThan(HtmlBudget));
    }

    [Test]
    public void The_branch_email_says_how_many_more_are_in_the_attached_workbook()
    {
        Assert.That(Message("B01").HtmlBody, Does.Contain("另有 2,448 件见附件 call_list_B01_2026-11-21.xlsx（完整名单，共 2,498 件）"));
    }

    [Test]
    public void The_branch_email_carries_the_whole_call_list_as_a_workbook()
    {
        var expected = Enumerable.Range(2, Rows - 2).Select(PolicyNo).Order(StringComparer.Ordinal);

        Assert.That(WorkbookRows().Select(r => r[2]).Order(StringComparer.Ordinal), Is.EqualTo(expected));
    }

    [Test]
    public void The_email_shows_the_first_fifty_rows_of_the_workbook()
    {
        var shown = Regex.Matches(Message("B01").HtmlBody, "PBIG\\d{6}").Select(m => m.Value);

        Assert.That(shown, Is.EqualTo(WorkbookRows().Take(50).Select(r => r[2])));
    }

    [Test]
    public void The_workbook_holds_masked_customer_data_only()
    {
        var rows = WorkbookRows();

        Assert.That(
            rows.Where(r => !Regex.IsMatch(r[6], "^王\\*{5}$") || !Regex.IsMatch(r[7], "^139\\*{4}\\d{4}$") || !Regex.IsMatch(r[8], "^粤B\\*{3}\\d{2}$")).Select(r => r[2]),
            Is.Empty);
    }

    [Test]
    public void No_full_name_phone_plate_or_ID_number_is_in_the_workbook_or_any_email()
    {
        var personal = Enumerable.Range(0, Rows).SelectMany(i => new[] { Name(i), Phone(i), Plate(i) }).Append(IdNo).ToHashSet(StringComparer.Ordinal);
        var cells = WorkbookRows().SelectMany(r => r);
        using var package = new ExcelPackage(new MemoryStream(Message("B01").Attachments.Single().Content));
        var title = package.Workbook.Worksheets[CallListWorkbook.SheetName].Cells[1, 1].Text;

        Assert.That(
            cells.Append(title).Concat(_messages.Select(m => m.HtmlBody)).Where(text => personal.Any(p => text.Contains(p, StringComparison.Ordinal))),
            Is.Empty);
    }

    [Test]
    public void Only_the_branch_whose_call_list_overflows_carries_a_workbook()
    {
        Assert.That(_messages.Where(m => m.Attachments.Count > 0).Select(m => m.Key), Is.EqualTo(new[] { "morning/2026-11-21/B01" }));
    }
}
