using OfficeOpenXml;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>The long-table path of <see cref="SheetTable"/> (<c>Set</c>) against the cell-by-cell one (<c>Value</c>).</summary>
public sealed class SheetTableTests
{
    private static readonly WorkbookColumn[] Columns =
    [
        new("门店", "Branch"), new("出单日期", "Issue date", WorkbookFormats.Date), new("保费", "Premium", WorkbookFormats.Yuan),
        new("费率", "Rate"), new("件数", "Policies", WorkbookFormats.Count), new("批次", "Ingest", "0"),
    ];

    /// <summary>Rows with text, dates, negative and positive money, rates of two precisions, counts, ids, and gaps.</summary>
    private static readonly object?[][] Rows =
    [
        ["深圳福田丰田4S店", new DateOnly(2026, 9, 1), 3579.61m, 0.18m, 12, 18714L],
        ["B02", new DateOnly(2026, 9, 2), -12345.67m, 0.18m, 3, null],
        [null, new DateOnly(2026, 9, 3), 0.5m, 0.12345m, -7, 5L],
        ["（无门店）", null, 999999.99m, 0.18m, 1234567, 1234567890123L],
        ["B01", new DateOnly(2026, 9, 30), 0m, 0.04m, 0, 1L],
        ["A&B <x> \"q\"", new DateOnly(2026, 9, 30), 1m, 0.18m, 2, 1L],
        [" 前后有空格 ", new DateOnly(2026, 10, 1), 2m, 0.12345m, 3, 2L],
        ["B03", new DateOnly(2026, 10, 2), 3m, 0.18m, 4, 3L],
    ];

    private static string Format(object?[] values, int column) =>
        column == 4 && values[column - 1] is decimal rate ? WorkbookFormats.ConfiguredRate(rate) : null!;

    private static string Dump(Action<SheetTable, int, int, object?, string?> write)
    {
        using var package = DeterministicWorkbook.Create("t", "t");
        var sheet = new SheetTable(package, "s", "title", Columns);
        var row = SheetTable.FirstRow;
        foreach (var values in Rows)
        {
            for (var c = 1; c <= values.Length; c++)
            {
                write(sheet, row, c, values[c - 1], Format(values, c));
            }

            row++;
        }

        sheet.Totals(sheet.EndRows(row), [3], 0m);
        sheet.Finish(row - 1);
        return WorkbookDump.Of(DeterministicWorkbook.Save(package));
    }

    private static string StreamedDump()
    {
        using var package = DeterministicWorkbook.Create("t", "t");
        var sheet = new SheetTable(package, "s", "title", Columns);
        sheet.Stream(Rows.Length, (i, cells) =>
        {
            for (var c = 1; c <= Rows[i].Length; c++)
            {
                cells.Cell(c, Rows[i][c - 1], Format(Rows[i], c));
            }
        });
        var row = SheetTable.FirstRow + Rows.Length;
        sheet.Totals(sheet.EndRows(row), [3], 0m);
        sheet.Finish(row - 1);
        return WorkbookDump.Of(DeterministicWorkbook.Save(package));
    }

    [Test]
    public void Values_written_for_a_long_table_give_the_cells_formats_and_widths_of_values_written_cell_by_cell()
    {
        var cellByCell = Dump((sheet, row, column, value, format) => sheet.Value(row, column, value, format));

        var longTable = Dump((sheet, row, column, value, format) => sheet.Set(row, column, value, format));

        Assert.That(longTable, Is.EqualTo(cellByCell));
    }

    [Test]
    public void Rows_streamed_into_the_sheet_on_saving_read_back_as_rows_written_cell_by_cell()
    {
        var cellByCell = Dump((sheet, row, column, value, format) => sheet.Value(row, column, value, format));

        var streamed = StreamedDump();

        Assert.That(streamed, Is.EqualTo(cellByCell));
    }

    [Test]
    public void A_workbook_with_streamed_rows_is_saved_byte_identical_twice()
    {
        byte[] Save()
        {
            using var package = DeterministicWorkbook.Create("t", "t");
            var sheet = new SheetTable(package, "s", "title", Columns);
            sheet.Stream(Rows.Length, (i, cells) => cells.Cell(1, Rows[i][0]));
            sheet.Finish(SheetTable.FirstRow + Rows.Length - 1);
            return DeterministicWorkbook.Save(package);
        }

        Assert.That(Save(), Is.EqualTo(Save()));
    }

    [Test]
    public void A_long_table_column_is_as_wide_as_its_most_negative_amount_when_that_is_the_widest()
    {
        using var package = DeterministicWorkbook.Create("t", "t");
        var sheet = new SheetTable(package, "s", "title", Columns);
        sheet.Set(3, 3, 5m);
        sheet.Set(4, 3, -1234567.89m);
        sheet.Set(5, 3, 99999.99m);
        sheet.Finish(5);

        Assert.That(sheet.Sheet.Column(3).Width, Is.EqualTo(ColumnWidths.ForText(ColumnWidths.Of("-1,234,567.89"))));
    }

    [Test]
    public void Each_row_of_a_long_table_keeps_its_own_rate_format_when_the_format_changes_between_rows()
    {
        using var package = DeterministicWorkbook.Create("t", "t");
        var sheet = new SheetTable(package, "s", "title", Columns);
        decimal[] rates = [0.18m, 0.18m, 0.12345m, 0.18m];
        for (var i = 0; i < rates.Length; i++)
        {
            sheet.Set(3 + i, 4, rates[i], WorkbookFormats.ConfiguredRate(rates[i]));
        }

        sheet.Finish(6);
        using var saved = new ExcelPackage(new MemoryStream(DeterministicWorkbook.Save(package)));
        var cells = saved.Workbook.Worksheets["s"].Cells;

        Assert.That(Enumerable.Range(3, 4).Select(r => cells[r, 4].Style.Numberformat.Format), Is.EqualTo(new[] { "0.00%", "0.00%", "0.000%", "0.00%" }));
    }
}
