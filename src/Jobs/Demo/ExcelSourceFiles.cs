using System.Globalization;
using OfficeOpenXml;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Jobs.Demo;

/// <summary>
/// The files of a source that an insurer exports from its dealer portal as Excel (.xlsx): per extract
/// date one workbook with one sheet, a title row above the header, the insurer's own Chinese
/// headers, real date cells, numbers as numbers, and a 合计 totals row at the end, as such portals
/// write them. Written with EPPlus, each package kept in memory until <see cref="Complete"/>; the
/// bytes depend only on the content (<see cref="DeterministicWorkbook"/>).
/// </summary>
internal sealed class ExcelSourceFiles : IDisposable
{
    /// <summary>The header's row: one title row above it.</summary>
    public const int HeaderRow = 2;

    private readonly string _source;
    private readonly string _directory;
    private readonly string _sheet;
    private readonly string _title;
    private readonly string[] _columns;
    private readonly int[] _amountColumns;
    private readonly DateOnly _historyEnd;
    private readonly ExcelPackage?[] _packages;
    private readonly int[] _rows;

    /// <param name="inbox">The inbox folder.</param>
    /// <param name="source">The source's name: its folder and file prefix.</param>
    /// <param name="sheet">The sheet's name.</param>
    /// <param name="title">The title row's text; the extract date follows it.</param>
    /// <param name="columns">The headers.</param>
    /// <param name="amountColumns">The 0-based columns the totals row sums.</param>
    /// <param name="historyEnd">The history file's extract date.</param>
    /// <param name="days">Daily files after it.</param>
    public ExcelSourceFiles(string inbox, string source, string sheet, string title, string[] columns, int[] amountColumns, DateOnly historyEnd, int days)
    {
        _source = source;
        _directory = Path.Combine(inbox, source);
        _sheet = sheet;
        _title = title;
        _columns = columns;
        _amountColumns = amountColumns;
        _historyEnd = historyEnd;
        _packages = new ExcelPackage?[days + 1];
        _rows = new int[days + 1];
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Appends one data row to the file of <paramref name="index"/>: text, <see cref="DateOnly"/> (a date cell), <see cref="decimal"/> (a number) or null (empty).</summary>
    public void Row(int index, params object?[] values)
    {
        var sheet = Sheet(index);
        var row = HeaderRow + 1 + _rows[index]++;
        for (var i = 0; i < values.Length; i++)
        {
            var cell = sheet.Cells[row, i + 1];
            switch (values[i])
            {
                case null:
                    break;
                case DateOnly date:
                    cell.Value = date.ToDateTime(TimeOnly.MinValue);
                    cell.Style.Numberformat.Format = "yyyy-mm-dd";
                    break;
                case decimal amount:
                    cell.Value = (double)amount;
                    cell.Style.Numberformat.Format = "#,##0.00";
                    break;
                default:
                    cell.Value = values[i];
                    break;
            }
        }
    }

    /// <summary>Writes every file (with its totals row) and its <c>.done</c> marker; returns what the source received.</summary>
    public DemoSourceSummary Complete()
    {
        var files = new List<string>(_packages.Length);
        long rows = 0;
        for (var i = 0; i < _packages.Length; i++)
        {
            var package = _packages[i] ?? Package(i);
            var sheet = package.Workbook.Worksheets[_sheet];
            var totals = HeaderRow + 1 + _rows[i];
            sheet.Cells[totals, 1].Value = "合计";
            sheet.Cells[totals, 2].Value = string.Create(CultureInfo.InvariantCulture, $"{_rows[i]}笔");
            foreach (var column in _amountColumns)
            {
                var sum = 0m;
                for (var row = HeaderRow + 1; row < totals; row++)
                {
                    sum += sheet.Cells[row, column + 1].Value is double value ? (decimal)value : 0m;
                }

                sheet.Cells[totals, column + 1].Value = (double)sum;
                sheet.Cells[totals, column + 1].Style.Numberformat.Format = "#,##0.00";
            }

            rows += _rows[i];
            var path = FilePath(i);
            File.WriteAllBytes(path, DeterministicWorkbook.Normalize(package.GetAsByteArray()));
            package.Dispose();
            _packages[i] = null;
            File.WriteAllBytes(path + ".done", []);
            files.Add(path);
        }

        return new DemoSourceSummary(_source, files, rows);
    }

    public void Dispose()
    {
        foreach (var package in _packages)
        {
            package?.Dispose();
        }
    }

    private ExcelWorksheet Sheet(int index) => (_packages[index] ?? Package(index)).Workbook.Worksheets[_sheet];

    private ExcelPackage Package(int index)
    {
        var package = DeterministicWorkbook.Create(_title, _source);
        var sheet = package.Workbook.Worksheets.Add(_sheet);
        sheet.Cells[1, 1].Value = _title + " " + _historyEnd.AddDays(index).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        sheet.Cells[1, 1, 1, _columns.Length].Merge = true;
        for (var i = 0; i < _columns.Length; i++)
        {
            sheet.Cells[HeaderRow, i + 1].Value = _columns[i];
            sheet.Column(i + 1).Width = 14;
        }

        sheet.Cells[HeaderRow, 1, HeaderRow, _columns.Length].Style.Font.Bold = true;
        _packages[index] = package;
        return package;
    }

    private string FilePath(int index) =>
        Path.Combine(_directory, $"{_source}_{_historyEnd.AddDays(index).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.xlsx");
}
