using OfficeOpenXml;
using Reporting.Jobs.Extract;
using Reporting.Testing;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.Tests.Extract;

/// <summary>
/// <see cref="ExcelExtractReader"/> on workbooks written with EPPlus in each test (and one .xls
/// fixture): typed cells become the canonical text <see cref="RowParser"/> validates, lines are Excel
/// rows, and a workbook that cannot be read fails whole with a sentence naming file and sheet.
/// </summary>
[TestFixture]
public sealed class ExcelExtractReaderTests
{
    private static readonly string XlsFixture = Path.Combine(RepositoryLayout.Root, "tests", "Reporting.Tests", "Extract", "Fixtures", "cpic_claims_20261015.xls");

    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-excel-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    private static SourceOptions Cpic(Action<SourceOptions>? change = null)
    {
        var source = TestStore.ConfiguredSources().Get("cpic_claims");
        change?.Invoke(source);
        return source;
    }

    private string Path_(string name = "cpic_claims_20261015.xlsx") => Path.Combine(_folder, name);

    private string Workbook(params object?[][] rows) => ExcelExtract.Write(Path_(), rows);

    private static List<ExtractRow> Read(string path, SourceOptions? source = null)
    {
        using var reader = ExcelExtractReader.Open(path, source ?? Cpic());
        return [.. reader.Rows()];
    }

    private static string Field(ExtractRow row, string column) => row.Fields[Jobs.Domain.CanonicalColumns.Claims.ToList().IndexOf(column)];

    private static ExtractFileException Fails(string path, SourceOptions? source = null) =>
        Assert.Throws<ExtractFileException>(() => Read(path, source))!;

    // ---- numbers ------------------------------------------------------------------------------

    [Test]
    public void An_amount_typed_as_1234_5_reads_as_1234_50() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", assessed: 1234.5)))[0], "assessed_amount"), Is.EqualTo("1234.50"));

    [Test]
    public void An_amount_stored_as_the_double_sum_of_0_1_and_0_2_reads_as_0_30() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", assessed: 0.1 + 0.2)))[0], "assessed_amount"), Is.EqualTo("0.30"));

    [TestCase(1234.5, "1234.50")]
    [TestCase(0.30000000000000004, "0.30")]
    [TestCase(2.675, "2.68")]
    [TestCase(0.125, "0.13")]
    [TestCase(-0.005, "-0.01")]
    [TestCase(-0.004, "0.00")]
    [TestCase(10_000_000d, "10000000.00")]
    [TestCase(99.99, "99.99")]
    public void An_amount_is_rounded_half_away_from_zero_to_the_fen_through_decimal(double stored, string expected) =>
        Assert.That(ExcelCells.AmountText(stored), Is.EqualTo(expected));

    [Test]
    public void A_phone_or_policy_number_stored_as_a_number_reads_as_its_digits()
    {
        var row = Read(Workbook(ExcelExtract.Claim("C1", policyNo: 13800138000d, repairBranch: 1d)))[0];

        Assert.That((Field(row, "policy_no"), Field(row, "repair_branch_code")), Is.EqualTo(("13800138000", "1")));
    }

    [Test]
    public void A_number_of_more_than_15_digits_in_a_text_column_rejects_the_row()
    {
        var row = Read(Workbook(ExcelExtract.Claim("C1", policyNo: 144060126000000881d)))[0];

        Assert.That((row.Problem?.Column, row.Problem?.Reason), Is.EqualTo(("保单号 (column C)", "a number of more than 15 digits, which Excel does not keep exactly (store the column as text)")));
    }

    // ---- dates --------------------------------------------------------------------------------

    [Test]
    public void A_date_cell_reads_in_the_source_s_first_date_format()
    {
        var row = Read(Workbook(ExcelExtract.Claim("C1", loss: new DateTime(2026, 10, 3))), Cpic(s => s.DateFormats = ["yyyy/MM/dd", "yyyy-MM-dd"]))[0];

        Assert.That(Field(row, "loss_date"), Is.EqualTo("2026/10/03"));
    }

    [Test]
    public void A_date_cell_with_a_time_of_day_reads_as_its_date() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", loss: new DateTime(2026, 10, 3, 14, 33, 0))))[0], "loss_date"), Is.EqualTo("2026-10-03"));

    [Test]
    public void An_Excel_serial_number_in_a_date_column_reads_as_that_date() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", loss: 46298d)))[0], "loss_date"), Is.EqualTo("2026-10-03"));

    [Test]
    public void A_text_date_stays_text_for_the_source_s_date_formats() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", loss: "2026/10/03")))[0], "loss_date"), Is.EqualTo("2026/10/03"));

    [Test]
    public void Every_kind_of_date_parses_to_the_same_claim()
    {
        var rows = Read(Workbook(
            ExcelExtract.Claim("C1", loss: new DateTime(2026, 10, 3)),
            ExcelExtract.Claim("C2", loss: 46298d),
            ExcelExtract.Claim("C3", loss: "2026/10/03")));
        var parser = new RowParser(Jobs.Domain.ExtractDataset.Claims, Cpic().EffectiveDateFormats);

        Assert.That(rows.Select(r => parser.ParseClaim(r.Fields).LossDate), Is.All.EqualTo(new DateOnly(2026, 10, 3)));
    }

    [Test]
    public void A_negative_serial_number_in_a_date_column_rejects_the_row() =>
        Assert.That(Read(Workbook(ExcelExtract.Claim("C1", loss: -3d)))[0].Problem?.Column, Is.EqualTo("出险日期 (column E)"));

    [Test]
    public void A_date_cell_in_an_amount_column_rejects_the_row() =>
        Assert.That(Read(Workbook(ExcelExtract.Claim("C1", assessed: new DateTime(2026, 3, 4))))[0].Problem?.Reason, Is.EqualTo("a date cell where an amount is expected"));

    // ---- errors and booleans ------------------------------------------------------------------

    [TestCase("NA()", "#N/A")]
    [TestCase("1/0", "#DIV/0!")]
    public void An_error_cell_rejects_its_row_naming_the_error_and_the_column(string formula, string error)
    {
        var row = Read(Workbook(ExcelExtract.Claim("C1", assessed: new ExcelFormulaCell(formula))))[0];

        Assert.That(row.Problem, Is.EqualTo(new Jobs.Domain.RowIssue(3, "定损金额 (column I)", $"an Excel error cell ({error})", error)));
    }

    [Test]
    public void A_TRUE_cell_in_the_referred_column_reads_as_Y() =>
        Assert.That(Field(Read(Workbook(ExcelExtract.Claim("C1", referred: true)))[0], "referred"), Is.EqualTo("Y"));

    [Test]
    public void A_boolean_cell_elsewhere_rejects_the_row() =>
        Assert.That(Read(Workbook(ExcelExtract.Claim("C1", repairBranch: false)))[0].Problem?.Reason, Is.EqualTo("a TRUE/FALSE (boolean) cell where text is expected"));

    // ---- rows and sheets ----------------------------------------------------------------------

    [Test]
    public void Title_rows_above_the_header_row_are_skipped_and_lines_are_Excel_row_numbers()
    {
        var path = ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1"), ExcelExtract.Claim("C2")], edit: p => p.Workbook.Worksheets[0].InsertRow(1, 2));

        var rows = Read(path, Cpic(s => s.HeaderRow = 4));

        Assert.That(rows.Select(r => (r.Line, Field(r, "claim_no"))), Is.EqualTo(new[] { (5, "C1"), (6, "C2") }));
    }

    [Test]
    public void Values_are_mapped_as_for_a_csv_source()
    {
        var row = Read(Workbook(ExcelExtract.Claim("C1", referred: "否", status: "已结案")))[0];

        Assert.That((Field(row, "referred"), Field(row, "status")), Is.EqualTo(("N", "CLOSED")));
    }

    [Test]
    public void A_sheet_is_chosen_by_name()
    {
        var path = ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1")], sheet: "明细", edit: p => p.Workbook.Worksheets.Add("说明").Cells[1, 1].Value = "x");

        Assert.That(Read(path, Cpic(s => s.Sheet = "明细")).Select(r => Field(r, "claim_no")), Is.EqualTo(new[] { "C1" }));
    }

    [Test]
    public void A_sheet_is_chosen_by_its_1_based_index()
    {
        var path = ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1")], sheet: "明细", edit: p =>
        {
            var note = p.Workbook.Worksheets.Add("说明");
            p.Workbook.Worksheets.MoveBefore(note.Name, "明细");
        });

        Assert.That(Read(path, Cpic(s => s.Sheet = "2")).Select(r => Field(r, "claim_no")), Is.EqualTo(new[] { "C1" }));
    }

    [Test]
    public void The_first_sheet_is_read_when_none_is_named() =>
        Assert.That(Read(ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1")], sheet: "Sheet1"), Cpic(s => s.Sheet = null)), Has.Count.EqualTo(1));

    [Test]
    public void A_totals_row_is_skipped_as_a_totals_line()
    {
        var rows = Read(Workbook(ExcelExtract.Claim("C1"), ["合计", null, null, null, null, null, null, null, 5000d, 0d, null, null]));

        Assert.That(rows.Select(r => (r.Line, r.IsTotals)), Is.EqualTo(new[] { (3, false), (4, true) }));
    }

    [Test]
    public void Empty_rows_are_skipped()
    {
        var rows = Read(Workbook(ExcelExtract.Claim("C1"), [null, null, "  "], ExcelExtract.Claim("C2")));

        Assert.That(rows.Select(r => r.Line), Is.EqualTo(new[] { 3, 5 }));
    }

    [Test]
    public void Hidden_rows_are_read_like_the_others()
    {
        var path = ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1"), ExcelExtract.Claim("C2")], edit: p => p.Workbook.Worksheets[0].Row(4).Hidden = true);

        Assert.That(Read(path).Select(r => Field(r, "claim_no")), Is.EqualTo(new[] { "C1", "C2" }));
    }

    [Test]
    public void An_xls_workbook_reads_like_an_xlsx_one()
    {
        var rows = Read(XlsFixture, Cpic(s => s.Format = "xls"));

        Assert.That(
            rows.Select(r => r.IsTotals ? "totals" : string.Join(",", r.Fields)),
            Is.EqualTo(new[]
            {
                "C1,CPIC,P1,LSVAB1234567890AB,2026-10-03,2026-10-04,B01,Y,1234.50,0.00,OPEN,",
                "C2,CPIC,P2,LSVAB1234567890AC,2026-10-05,2026-10-06,B02,N,800.00,800.00,CLOSED,2026-10-14",
                "totals",
            }));
    }

    [Test]
    public void A_missing_column_is_named_with_the_source_s_header_and_the_header_row()
    {
        var path = ExcelExtract.Write(Path_(), [], headers: ExcelExtract.ClaimHeaders.Where(h => h != "车架号").ToList());

        Assert.That(Fails(path).Message, Is.EqualTo("cpic_claims_20261015.xlsx, sheet '理赔清单', line 2, column vin: missing required column(s) vin ('车架号')"));
    }

    [Test]
    public void Two_headers_mapping_to_one_column_name_the_second_with_its_letter()
    {
        var path = ExcelExtract.Write(Path_(), [], headers: [.. ExcelExtract.ClaimHeaders, "claim_no"]);

        Assert.That(Fails(path).Message, Is.EqualTo("cpic_claims_20261015.xlsx, sheet '理赔清单', line 2, column claim_no (column M): headers '赔案号' and 'claim_no' both map to claim_no"));
    }

    [Test]
    public void Column_letters_run_from_A_to_Z_then_AA_to_ZZ_then_AAA() =>
        Assert.That(ExcelCells.ColumnLetters(0) + ExcelCells.ColumnLetters(25) + "," + ExcelCells.ColumnLetters(26) + "," + ExcelCells.ColumnLetters(701) + "," + ExcelCells.ColumnLetters(702), Is.EqualTo("AZ,AA,ZZ,AAA"));

    // ---- whole files that fail ----------------------------------------------------------------

    [Test]
    public void An_xls_workbook_named_xlsx_fails_the_file()
    {
        var path = Path_();
        File.Copy(XlsFixture, path);

        Assert.That(Fails(path).Message, Does.StartWith("cpic_claims_20261015.xlsx: is an .xls workbook (Excel 97-2003), not the .xlsx the source reads"));
    }

    [Test]
    public void An_xlsx_workbook_in_an_xls_source_fails_the_file() =>
        Assert.That(Fails(Workbook(ExcelExtract.Claim("C1")), Cpic(s => s.Format = "xls")).Message, Does.Contain("is an .xlsx workbook (a zip package), not the .xls the source reads"));

    [Test]
    public void A_password_protected_workbook_fails_the_file() =>
        Assert.That(Fails(ExcelExtract.Write(Path_(), [ExcelExtract.Claim("C1")], password: "secret")).Message, Is.EqualTo("cpic_claims_20261015.xlsx: is password-protected (encrypted): ask for an export without a password; nothing can be read"));

    [Test]
    public void A_truncated_workbook_fails_the_file()
    {
        var path = Workbook(ExcelExtract.Claim("C1"));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.That(Fails(path).Message, Does.StartWith("cpic_claims_20261015.xlsx: is not a readable .xlsx (Excel 2007 and later) workbook (damaged or truncated?)"));
    }

    [Test]
    public void A_csv_file_named_xlsx_fails_the_file()
    {
        var path = Path_();
        File.WriteAllText(path, ExcelExtract.CanonicalHeader + "\n");

        Assert.That(Fails(path).Message, Does.Contain("not an Excel workbook").And.Contain("a CSV or HTML export named .xlsx?"));
    }

    [Test]
    public void A_missing_sheet_fails_naming_the_sheets_there_are() =>
        Assert.That(Fails(Workbook(ExcelExtract.Claim("C1")), Cpic(s => s.Sheet = "赔案")).Message, Is.EqualTo("cpic_claims_20261015.xlsx: has no sheet named '赔案' (Sheet): its sheets are '理赔清单'"));

    [Test]
    public void A_header_row_past_the_end_of_the_sheet_fails_the_file() =>
        Assert.That(Fails(Workbook(ExcelExtract.Claim("C1")), Cpic(s => s.HeaderRow = 9)).Message, Is.EqualTo("cpic_claims_20261015.xlsx, sheet '理赔清单': the sheet ends at row 3, before its header row 9 (HeaderRow)"));

    [Test]
    public void An_empty_sheet_fails_the_file()
    {
        var path = Path_();
        using (var package = new ExcelPackage())
        {
            package.Workbook.Worksheets.Add("理赔清单");
            package.SaveAs(new FileInfo(path));
        }

        Assert.That(Fails(path).Message, Is.EqualTo("cpic_claims_20261015.xlsx, sheet '理赔清单': the sheet is empty: no header row (HeaderRow 2)"));
    }
}
