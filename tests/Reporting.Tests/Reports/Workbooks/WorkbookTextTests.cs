using System.IO.Compression;
using System.Xml;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OfficeOpenXml;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>
/// Issue 14, defect 5: text XML 1.0 cannot hold (U+FFFE, U+FFFF, C0 controls, lone surrogates) in
/// policy numbers, branch, advisor and insurer codes and file names. Every workbook still opens —
/// every part is well-formed XML and EPPlus reads it — and the cell shows U+FFFD where the bad
/// character was.
/// </summary>
public sealed class WorkbookTextTests
{
    /// <summary>Each code of the small book that is made hostile, and what the workbook must show for it.</summary>
    private static readonly (string Code, string Hostile, string Shown)[] Renamed =
    [
        ("P-103", "P-\uFFFE103", "P-\uFFFD103"),      // a sale line, streamed into the detail sheet
        ("P-302", "P-\u0001302", "P-\uFFFD302"),      // a sale and a clawback line
        ("S-2", "S-\u001F2", "S-\uFFFD2"),            // a cohort policy
        ("B02", "B\uFFFF02", "B\uFFFD02"),            // a branch: summary, commission, review rows
        ("A006", "A\u0001006", "A\uFFFD006"),         // an advisor of that branch
        ("A002", "A\uD800002", "A\uFFFD002"),         // a lone high surrogate
        ("A001", "A\uDC00001", "A\uFFFD001"),         // a lone low surrogate
        ("CPIC", "CP\uFFFEIC", "CP\uFFFDIC"),         // an insurer: the first, EPPlus-held, detail row
    ];

    private const string HostileFile = "policies_\u000B20261015.csv";

    [TestCase("P\uFFFE1", "P\uFFFD1", TestName = "XmlText_replaces_U_FFFE")]
    [TestCase("P\uFFFF1", "P\uFFFD1", TestName = "XmlText_replaces_U_FFFF")]
    [TestCase("\u0000P\u0001\u0008\u000B\u000C\u000E\u001F", "\uFFFDP\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", TestName = "XmlText_replaces_each_C0_control_but_tab_LF_CR")]
    public void XmlText_replaces_each_character_XML_cannot_hold_by_one_U_FFFD(string value, string expected)
    {
        Assert.That(TextSafety.XmlText(value), Is.EqualTo(expected));
        Assert.That(TextSafety.FirstInvalidXmlIndex(TextSafety.XmlText(value)), Is.Null);
    }

    // Lone surrogates cannot be attribute arguments (the compiler stores those as UTF-8), so these are strings in code.
    [Test]
    public void XmlText_replaces_each_lone_surrogate_by_one_U_FFFD()
    {
        Assert.That(TextSafety.XmlText("A\uD800B"), Is.EqualTo("A\uFFFDB"), "a high surrogate");
        Assert.That(TextSafety.XmlText("A\uDC00B\uD83D"), Is.EqualTo("A\uFFFDB\uFFFD"), "a low surrogate, a high one at the end");
        Assert.That(TextSafety.XmlText("\uDE00\uD83D"), Is.EqualTo("\uFFFD\uFFFD"), "a pair in the wrong order");
        Assert.That(TextSafety.XmlText("\uD83D\uDE00"), Is.EqualTo("\uD83D\uDE00"), "a pair");
    }

    [TestCase("P-101 车商 😀", TestName = "XmlText_keeps_text_and_surrogate_pairs")]
    [TestCase("a\tb\nc\rd", TestName = "XmlText_keeps_tab_LF_CR")]
    [TestCase("DEL\u007F C1\u0085 ZWSP\u200B FDD0\uFDD0", TestName = "XmlText_keeps_what_XML_allows_though_a_message_would_escape_it")]
    public void XmlText_returns_text_XML_can_hold_as_the_same_instance(string value)
    {
        Assert.That(TextSafety.XmlText(value), Is.SameAs(value));
    }

    [Test]
    public async Task Every_part_of_a_commission_workbook_of_hostile_codes_is_well_formed_XML()
    {
        var workbook = (await CommissionAsync()).Workbook;

        Assert.That(XmlProblems(workbook), Is.Empty);
    }

    [Test]
    public async Task A_commission_workbook_of_hostile_codes_opens_and_shows_U_FFFD_where_each_bad_character_was()
    {
        var texts = Texts((await CommissionAsync()).Workbook);

        Assert.That(texts.Where(t => TextSafety.FirstInvalidXmlIndex(t.Text) is not null), Is.Empty);
        Assert.That(Shown(texts, CommissionWorkbookWriter.DetailSheet, 5), Does.Contain("P-\uFFFD103").And.Contain("P-\uFFFD302"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.DetailSheet, 3), Does.Contain("CP\uFFFDIC"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.DetailSheet, 1), Does.Contain("B\uFFFD02"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.DetailSheet, 11), Does.Contain("policies_\uFFFD20261015.csv"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.ClawbackSheet, 5), Does.Contain("P-\uFFFD302"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.AdvisorSheet, 1), Is.SupersetOf(new[] { "A\uFFFD006", "A\uFFFD002", "A\uFFFD001" }));
        Assert.That(Shown(texts, CommissionWorkbookWriter.SummarySheet, 1), Does.Contain("B\uFFFD02"));
        Assert.That(Shown(texts, CommissionWorkbookWriter.ReconciliationSheet, 3), Does.Contain("policies_\uFFFD20261015.csv"));
    }

    [Test]
    public async Task The_commission_workbook_of_hostile_codes_passes_the_read_back_check()
    {
        var output = await CommissionAsync();

        Assert.That(WorkbookCheck.ProblemOf(output.FileName, output.Workbook), Is.Null);
    }

    [Test]
    public async Task Every_part_of_a_renewal_review_of_hostile_codes_is_well_formed_XML()
    {
        var workbook = (await ReviewAsync()).Workbook;

        Assert.That(XmlProblems(workbook), Is.Empty);
    }

    [Test]
    public async Task A_renewal_review_of_hostile_codes_opens_and_shows_U_FFFD_where_each_bad_character_was()
    {
        var output = await ReviewAsync();
        var texts = Texts(output.Workbook);

        Assert.That(WorkbookCheck.ProblemOf(output.FileName, output.Workbook), Is.Null);
        Assert.That(texts.Where(t => TextSafety.FirstInvalidXmlIndex(t.Text) is not null), Is.Empty);
        Assert.That(texts.Select(t => t.Text), Is.SupersetOf(new[] { "B\uFFFD02", "A\uFFFD006", "A\uFFFD002", "A\uFFFD001" }));
        Assert.That(texts.Select(t => t.Text).Where(t => t.Contains('\uFFFD', StringComparison.Ordinal)).Distinct(),
            Is.SubsetOf(Renamed.Select(r => r.Shown)), "only the damaged codes carry U+FFFD");
    }

    [Test]
    public void A_cell_written_straight_into_a_sheet_is_made_XML_safe_when_the_workbook_is_saved()
    {
        using var package = DeterministicWorkbook.Create("t", "t");
        var sheet = package.Workbook.Worksheets.Add("s");
        sheet.Cells[1, 1].Value = "a\uFFFEb";
        sheet.Cells[2, 1].Value = "c\u0002d";
        sheet.Cells[2, 2].Value = 12.5m;

        var workbook = DeterministicWorkbook.Save(package);

        Assert.That(XmlProblems(workbook), Is.Empty);
        using var read = new ExcelPackage(new MemoryStream(workbook));
        var cells = read.Workbook.Worksheets["s"].Cells;
        Assert.That((cells[1, 1].Value, cells[2, 1].Value, cells[2, 2].Value), Is.EqualTo(("a\uFFFDb", "c\uFFFDd", 12.5d)));
    }

    [Test]
    public void A_sheet_table_keeps_text_that_XML_allows_as_it_is()
    {
        const string Allowed = "tab\there, line\nfeed, 车商 😀, DEL\u007F, soft\u00ADhyphen, <&>";
        using var package = DeterministicWorkbook.Create("t", "t");
        var table = new SheetTable(package, "s", "title", [new WorkbookColumn("甲", "A")]);
        table.Value(SheetTable.FirstRow, 1, Allowed);
        table.Stream(3, (i, cells) => cells.Cell(1, Allowed + i));
        table.Finish(SheetTable.FirstRow + 3);

        var workbook = DeterministicWorkbook.Save(package);

        using var read = new ExcelPackage(new MemoryStream(workbook));
        var cells = read.Workbook.Worksheets["s"].Cells;
        Assert.That(Enumerable.Range(SheetTable.FirstRow, 3).Select(r => cells[r, 1].Value),
            Is.EqualTo(new[] { Allowed + "0", Allowed + "1", Allowed + "2" }), "rows held by EPPlus and streamed rows alike");
    }

    [Test]
    public void Text_that_reads_as_an_Excel_escape_shows_as_written_in_rows_held_by_EPPlus_and_streamed_rows()
    {
        const string Code = "P_x0041_ and _x00e9_ _x12_ _x";
        using var package = DeterministicWorkbook.Create("t", "t");
        var table = new SheetTable(package, "s", "title", [new WorkbookColumn("甲", "A")]);
        table.Stream(2, (i, cells) => cells.Cell(1, Code));
        table.Finish(SheetTable.FirstRow + 2);

        var workbook = DeterministicWorkbook.Save(package);

        using var read = new ExcelPackage(new MemoryStream(workbook));
        var cells = read.Workbook.Worksheets["s"].Cells;
        Assert.That(new[] { cells[SheetTable.FirstRow, 1].Value, cells[SheetTable.FirstRow + 1, 1].Value }, Is.EqualTo(new[] { Code, Code }));
    }

    [Test]
    public async Task Run_commission_of_a_hostile_book_succeeds_and_delivers_the_workbook_it_wrote_which_opens_again()
    {
        var output = Directory.CreateTempSubdirectory("reporting-hostile-run-").FullName;
        try
        {
            var outcome = await Runner(output).RunCommissionAsync(WorkbookBook.AsOf, new RunOptions(), CancellationToken.None);

            Assert.That(outcome.Problem, Is.Null);
            var written = await File.ReadAllBytesAsync(outcome.Files.Single());
            Assert.That(XmlProblems(written), Is.Empty);
            Assert.That(Shown(Texts(written), CommissionWorkbookWriter.DetailSheet, 5), Does.Contain("P-\uFFFD103"));
            Assert.That(outcome.Messages.Single().Attachments.Single().Content, Is.EqualTo(written), "the email carries the file that was checked");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Test]
    public async Task Run_renewal_review_of_a_hostile_book_succeeds_and_writes_a_workbook_that_opens_again()
    {
        var output = Directory.CreateTempSubdirectory("reporting-hostile-run-").FullName;
        try
        {
            var outcome = await Runner(output).RunRenewalReviewAsync(WorkbookBook.AsOf, new RunOptions(), CancellationToken.None);

            Assert.That(outcome.Problem, Is.Null);
            var written = await File.ReadAllBytesAsync(outcome.Files.Single());
            Assert.That(XmlProblems(written), Is.Empty);
            Assert.That(Texts(written).Select(t => t.Text), Does.Contain("B\uFFFD02"));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The report runner over the hostile book, writing workbooks into <paramref name="output"/>.</summary>
    private static ReportRunner Runner(string output)
    {
        var context = HostileContext();
        context.Delivery.OutputFolder = output;
        return new ReportRunner(
            context.Store, context.Sources, context.Reference, Options.Create(context.Metrics), context.Delivery,
            new ReportingPaths(output, "."), new BusinessCalendar(TimeProvider.System, TimeZoneInfo.Utc), NullLogger<ReportRunner>.Instance);
    }

    /// <summary>The small book with the codes of <see cref="Renamed"/> and one ledger file name made hostile.</summary>
    private static ReportContext HostileContext()
    {
        var names = Renamed.ToDictionary(r => r.Code, r => r.Hostile, StringComparer.Ordinal);
        string? Rename(string? code) => code is not null && names.TryGetValue(code, out var hostile) ? hostile : code;
        var policies = WorkbookBook.Policies()
            .Select(p => (p.Policy with
            {
                PolicyNo = Rename(p.Policy.PolicyNo)!,
                BranchCode = Rename(p.Policy.BranchCode),
                AdvisorId = Rename(p.Policy.AdvisorId),
                InsurerCode = Rename(p.Policy.InsurerCode)!,
            }, p.IngestId))
            .ToList();
        var followUps = WorkbookBook.FollowUps()
            .Select(f => f with { PolicyNo = Rename(f.PolicyNo)!, InsurerCode = Rename(f.InsurerCode)!, BranchCode = Rename(f.BranchCode), AdvisorId = Rename(f.AdvisorId) })
            .ToList();
        var ledger = WorkbookBook.Ledger().Select(e => e.IngestId == 2 ? e with { FileName = HostileFile } : e).ToList();
        return WorkbookBook.Context(new InMemoryStore(policies, WorkbookBook.Claims(), followUps, ledger));
    }

    private static Task<CommissionReportOutput> CommissionAsync() =>
        CommissionReport.BuildAsync(HostileContext(), WorkbookBook.AsOf, WorkbookBook.October);

    private static Task<RenewalReviewOutput> ReviewAsync() => RenewalReviewReport.BuildAsync(HostileContext(), WorkbookBook.AsOf);

    /// <summary>
    /// Each part of the package that an <see cref="XmlReader"/> checking characters refuses, with
    /// why: every node, attribute and text value is read.
    /// </summary>
    internal static List<string> XmlProblems(byte[] workbook)
    {
        var problems = new List<string>();
        using var zip = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read);
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal) || e.FullName.EndsWith(".rels", StringComparison.Ordinal)))
        {
            try
            {
                using var stream = entry.Open();
                using var reader = XmlReader.Create(stream, new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
                while (reader.Read())
                {
                    _ = reader.Value;
                    while (reader.MoveToNextAttribute())
                    {
                        _ = reader.Value;
                    }
                }
            }
            catch (XmlException e)
            {
                problems.Add(entry.FullName + ": " + TextSafety.Printable(e.Message, 200));
            }
        }

        return problems;
    }

    /// <summary>Every text cell of the workbook as EPPlus reads it back: sheet, row, column, text.</summary>
    private static List<(string Sheet, int Row, int Column, string Text)> Texts(byte[] workbook)
    {
        using var package = new ExcelPackage(new MemoryStream(workbook));
        var texts = new List<(string, int, int, string)>();
        foreach (var sheet in package.Workbook.Worksheets)
        {
            foreach (var cell in sheet.Cells[sheet.Dimension.Address])
            {
                if (cell.Value is string text)
                {
                    texts.Add((sheet.Name, cell.Start.Row, cell.Start.Column, text));
                }
            }
        }

        return texts;
    }

    private static List<string> Shown(List<(string Sheet, int Row, int Column, string Text)> texts, string sheet, int column) =>
        [.. texts.Where(t => t.Sheet == sheet && t.Column == column && t.Row >= SheetTable.FirstRow).Select(t => t.Text)];
}
