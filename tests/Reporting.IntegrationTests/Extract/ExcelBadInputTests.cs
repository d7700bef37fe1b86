using OfficeOpenXml;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// Every kind of bad Excel input (docs/loading.md, "Excel extracts", and the Excel rows of the
/// outcome tables), through the configured <c>cpic_claims</c> source (.xlsx, sheet 理赔清单, header
/// on row 2): each test loads a good workbook first, then the bad one, and checks the documented
/// outcome, that the message names file, sheet, row and column, and that the store keeps what it held.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class ExcelBadInputTests(string provider)
{
    private const string GoodFile = "cpic_claims_20261014.xlsx";
    private const string BadFile = "cpic_claims_20261015.xlsx";
    private const string Sheet = "sheet '理赔清单'";
    private static readonly DateOnly Far = new(2099, 12, 31);
    private static readonly string XlsFixture = Path.Combine(RepositoryLayout.Root, "tests", "Reporting.Tests", "Extract", "Fixtures", "cpic_claims_20261015.xls");

    private TestStore _store = null!;
    private SourceOptions _source = null!;
    private IReadOnlyList<Claim> _earlier = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = await TestStore.CreateAsync(provider);
        _source = TestStore.ConfiguredSources().Get("cpic_claims");
        var good = await Load(GoodFile, [ExcelExtract.Claim("C0"), ExcelExtract.Claim("C1", assessed: 3500d)]);
        Assert.That(good.Outcome, Is.EqualTo(LoadOutcome.Loaded), good.Error);
        _earlier = await _store.Store.GetClaimsAsync(Far);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    // ---- rows rejected: the file loads (under the threshold), the row does not -----------------

    [TestCase("assessed", "NA()", "定损金额 (column I)", "an Excel error cell (#N/A)", TestName = "An_N_A_error_cell_rejects_its_row_naming_the_error")]
    [TestCase("loss", "\"a\"+1", "出险日期 (column E)", "an Excel error cell (#VALUE!)", TestName = "A_VALUE_error_cell_in_a_date_column_rejects_its_row_naming_the_error")]
    [TestCase("assessed", -1d, "定损金额 (column I)", "negative amount", TestName = "A_negative_amount_cell_is_rejected_naming_the_header_and_letter")]
    [TestCase("assessed", "1,234.00", "定损金额 (column I)", "unparsable amount", TestName = "An_amount_typed_as_text_with_a_thousands_separator_is_rejected")]
    [TestCase("assessed", 123456789d, "定损金额 (column I)", "amount above the plausible maximum of 10000000.00 yuan for one vehicle", TestName = "An_amount_cell_above_ten_million_is_rejected")]
    [TestCase("repairBranch", true, "送修门店 (column G)", "a TRUE/FALSE (boolean) cell where text is expected", TestName = "A_boolean_cell_in_a_text_column_is_rejected")]
    [TestCase("policyNo", 144060126000000881d, "保单号 (column C)", "a number of more than 15 digits, which Excel does not keep exactly (store the column as text)", TestName = "A_policy_number_of_18_digits_stored_as_a_number_is_rejected")]
    [TestCase("loss", "03.10.2026", "出险日期 (column E)", "unparsable date (expected yyyy-MM-dd or yyyy/MM/dd)", TestName = "A_text_date_in_no_configured_format_is_rejected")]
    [TestCase("loss", -5d, "出险日期 (column E)", "a number that is not an Excel date serial (1 to 2958465)", TestName = "A_negative_number_in_a_date_column_is_rejected")]
    [TestCase("assessed", "date", "定损金额 (column I)", "a date cell where an amount is expected", TestName = "A_date_cell_in_an_amount_column_is_rejected")]
    [TestCase("status", "撤案", "案件状态 (column K)", "not one of OPEN, CLOSED, WITHDRAWN", TestName = "An_unmapped_status_value_is_rejected_naming_the_header_and_letter")]
    public async Task A_bad_cell_rejects_its_row(string cell, object value, string column, string reason)
    {
        object? typed = value switch
        {
            "date" => new DateTime(2026, 3, 4),
            string formula when formula is "NA()" or "\"a\"+1" => new ExcelFormulaCell(formula),
            _ => value,
        };
        var bad = cell switch
        {
            "assessed" => ExcelExtract.Claim("C1", assessed: typed),
            "loss" => ExcelExtract.Claim("C1", loss: typed),
            "repairBranch" => ExcelExtract.Claim("C1", repairBranch: typed),
            "policyNo" => ExcelExtract.Claim("C1", policyNo: typed),
            _ => ExcelExtract.Claim("C1", status: typed),
        };

        var result = await Load(BadFile, [ExcelExtract.Claim("C2"), bad, ExcelExtract.Claim("C3")], threshold: 0.5);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        var reject = result.Issues.Single(i => i.Severity == IssueSeverity.Reject);
        Assert.That((result.FileName, reject.Line, reject.Column, reject.Reason), Is.EqualTo((BadFile, 4, column, reason)));
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(2));
        Assert.That((await _store.Store.GetClaimsAsync(Far)).Single(c => c.ClaimNo == "C1").AssessedAmount, Is.EqualTo(3500m), "the rejected row leaves the earlier version");
    }

    [Test]
    public async Task Rejects_above_the_threshold_fail_the_file_naming_the_rows_and_columns()
    {
        var result = await Load(BadFile, [ExcelExtract.Claim("C1", assessed: new ExcelFormulaCell("NA()")), ExcelExtract.Claim("C2")]);

        await AssertFailed(result, $"{BadFile}: 1 of 2 rows rejected (50.00 %), above the threshold of 1.00 %; nothing loaded. First: line 3, column 定损金额 (column I): an Excel error cell (#N/A) ('#N/A')");
    }

    // ---- loaded fine ----------------------------------------------------------------------

    [Test]
    public async Task A_totals_row_at_the_end_is_skipped_with_a_warning_on_its_row()
    {
        var result = await Load(BadFile, [ExcelExtract.Claim("C2"), ["合计", "1笔", null, null, null, null, null, null, 5000d, 0d, null, null]]);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That((result.Counts!.RowsLoaded, result.Counts.RowsSkipped), Is.EqualTo((1L, 1L)));
        Assert.That(result.Issues.Single().ToString(), Is.EqualTo("line 4, column *: totals line (合计) skipped"));
    }

    // ---- the whole file fails: nothing loaded, a FAILED ledger line with the error ----------------

    [Test]
    public async Task An_xls_workbook_named_xlsx_fails_the_file()
    {
        var path = Path.Combine(_store.Folder, BadFile);
        File.Copy(XlsFixture, path);
        File.WriteAllText(path + ".done", "");

        await AssertFailed(await _store.Loader().LoadFileAsync(_source, path), $"{BadFile}: is an .xls workbook (Excel 97-2003), not the .xlsx the source reads (Format xlsx): save it as .xlsx, or read the source as xls");
    }

    [Test]
    public async Task An_xlsx_workbook_in_an_xls_source_fails_the_file()
    {
        _source.Format = "xls";
        _source.FilePattern = "cpic_claims_YYYYMMDD.xls";

        var result = await Load("cpic_claims_20261015.xls", [ExcelExtract.Claim("C1", assessed: 1d)]);

        await AssertFailed(result, "cpic_claims_20261015.xls: is an .xlsx workbook (a zip package), not the .xls the source reads (Format xls): save it as .xls, or read the source as xlsx");
    }

    [Test]
    public async Task A_password_protected_workbook_fails_the_file()
    {
        var path = ExcelExtract.Write(Path.Combine(_store.Folder, BadFile), [ExcelExtract.Claim("C1", assessed: 1d)], password: "secret");
        File.WriteAllText(path + ".done", "");

        await AssertFailed(await _store.Loader().LoadFileAsync(_source, path), $"{BadFile}: is password-protected (encrypted): ask for an export without a password; nothing can be read");
    }

    [Test]
    public async Task A_truncated_workbook_fails_the_file()
    {
        var whole = ExcelExtract.Write(Path.Combine(_store.Folder, "whole.xlsx"), [ExcelExtract.Claim("C1", assessed: 1d)]);
        var bytes = File.ReadAllBytes(whole);

        var result = await _store.Loader().LoadFileAsync(_source, _store.WriteBytes(BadFile, bytes[..(bytes.Length * 2 / 3)]));

        await AssertFailed(result, $"{BadFile}: is not a readable .xlsx (Excel 2007 and later) workbook (damaged or truncated?)");
    }

    [Test]
    public async Task An_html_export_named_xlsx_fails_the_file()
    {
        var result = await _store.Loader().LoadFileAsync(_source, _store.WriteFile(BadFile, "<html><table><tr><td>赔案号</td></tr></table></html>"));

        await AssertFailed(result, $"{BadFile}: not an Excel workbook: the source reads .xlsx (Excel 2007 and later), and the file is neither a zip package nor an OLE compound file (a CSV or HTML export named .xlsx?)");
    }

    [Test]
    public async Task An_empty_file_fails_the_file()
    {
        var result = await _store.Loader().LoadFileAsync(_source, _store.WriteBytes(BadFile, []));

        await AssertFailed(result, $"{BadFile}: the file is empty (0 bytes): not an Excel workbook");
    }

    [Test]
    public async Task A_workbook_without_the_configured_sheet_fails_naming_its_sheets()
    {
        var result = await Load(BadFile, [ExcelExtract.Claim("C1", assessed: 1d)], sheet: "Sheet1");

        await AssertFailed(result, $"{BadFile}: has no sheet named '理赔清单' (Sheet): its sheets are 'Sheet1'");
    }

    [Test]
    public async Task A_sheet_index_past_the_last_sheet_fails_the_file()
    {
        _source.Sheet = "3";

        await AssertFailed(await Load(BadFile, [ExcelExtract.Claim("C1", assessed: 1d)]), $"{BadFile}: has no sheet 3 (Sheet): it has 1: '理赔清单'");
    }

    [Test]
    public async Task A_header_row_past_the_end_of_the_sheet_fails_the_file()
    {
        _source.HeaderRow = 40;

        await AssertFailed(await Load(BadFile, [ExcelExtract.Claim("C1", assessed: 1d)]), $"{BadFile}, {Sheet}: the sheet ends at row 3, before its header row 40 (HeaderRow)");
    }

    [Test]
    public async Task A_workbook_without_the_title_row_fails_on_its_missing_columns()
    {
        // The header is on row 1, so row 2 (the first claim) is read as the header.
        var result = await Load(BadFile, [ExcelExtract.Claim("C1", assessed: 1d)], title: null);

        await AssertFailed(result, $"{BadFile}, {Sheet}, line 2, column claim_no: missing required column(s) claim_no ('赔案号')");
    }

    [Test]
    public async Task A_missing_column_fails_the_file_naming_the_source_s_header()
    {
        var result = await Load(BadFile, [], headers: [.. ExcelExtract.ClaimHeaders.Where(h => h != "定损金额")]);

        await AssertFailed(result, $"{BadFile}, {Sheet}, line 2, column assessed_amount: missing required column(s) assessed_amount ('定损金额')");
    }

    [Test]
    public async Task Two_headers_mapping_to_one_column_fail_the_file_naming_the_column_letter()
    {
        var result = await Load(BadFile, [], headers: [.. ExcelExtract.ClaimHeaders, "assessed_amount"]);

        await AssertFailed(result, $"{BadFile}, {Sheet}, line 2, column assessed_amount (column M): headers '定损金额' and 'assessed_amount' both map to assessed_amount");
    }

    [Test]
    public async Task An_empty_sheet_fails_the_file()
    {
        var path = Path.Combine(_store.Folder, BadFile);
        using (var package = new ExcelPackage())
        {
            package.Workbook.Worksheets.Add("理赔清单");
            package.SaveAs(new FileInfo(path));
        }

        File.WriteAllText(path + ".done", "");

        await AssertFailed(await _store.Loader().LoadFileAsync(_source, path), $"{BadFile}, {Sheet}: the sheet is empty: no header row (HeaderRow 2)");
    }

    private async Task<LoadResult> Load(
        string name, IEnumerable<object?[]> rows, double? threshold = null, string sheet = ExcelExtract.Sheet, string? title = ExcelExtract.Title, IReadOnlyList<string>? headers = null)
    {
        if (threshold is { } t)
        {
            _source.RejectThreshold = t;
        }

        var path = ExcelExtract.Write(Path.Combine(_store.Folder, name), rows, sheet, title, headers);
        File.WriteAllText(path + ".done", "");
        return await _store.Loader().LoadFileAsync(_source, path);
    }

    private async Task AssertFailed(LoadResult result, string error)
    {
        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith(error));
        Assert.That(await _store.Store.GetClaimsAsync(Far), Is.EqualTo(_earlier), "nothing of the file is loaded");
        var ledger = await _store.Store.GetLedgerAsync();
        Assert.That((ledger[^1].FileName, ledger[^1].Status), Is.EqualTo((result.FileName, IngestStatus.FAILED)));
    }
}
