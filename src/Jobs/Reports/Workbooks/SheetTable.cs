using System.Drawing;
using System.Globalization;
using OfficeOpenXml;
using OfficeOpenXml.Style;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>A column of a sheet's table: its Chinese and English headers and the number format of its cells.</summary>
public sealed record WorkbookColumn(string Chinese, string English, string? Format = null)
{
    /// <summary>The header cell: Chinese above English.</summary>
    public string Header => Chinese + "\n" + English;
}

/// <summary>
/// One sheet laid out as every workbook sheet is: a title in row 1, a two-line header (Chinese,
/// English) in row 2, the rows from row 3, an optional totals row below them. Tracks the widest
/// text of each column as cells are written, and on <see cref="Finish"/> sets the widths, freezes
/// the header, puts the filter on the table and sets up printing (A4 landscape, one page wide,
/// header repeated).
/// </summary>
/// <remarks>
/// <para>Text: every string this writes — the sheet name, the title, headers, cells, streamed rows —
/// passes through <see cref="Text"/> (<see cref="TextSafety.XmlText"/>): a character XML 1.0 cannot
/// hold shows as U+FFFD, so the saved sheet is always well-formed XML.</para>
/// <para>
/// Two ways to write a value, with the same result in the saved sheet: <see cref="Value"/> styles
/// its cell at once (for short tables, totals, checks); <see cref="Set"/> is for long tables (a
/// month's 200 000 policy lines): it writes the value straight into the sheet's cell store, and
/// applies number formats once per run of consecutive rows of a column with the same format
/// (EPPlus restyles a range in one pass; styling cell by cell looks up the style sheet per cell).
/// Its widths are exact too: the widest text of a number column is that of its largest or its
/// most negative value (the width of <c>#,##0.00</c>, <c>0.00%</c>, <c>#,##0</c> or <c>0</c> never
/// shrinks as |value| grows), so <see cref="Set"/> keeps the two extremes per column and format and
/// formats only them, in <see cref="Finish"/>.</para>
/// </remarks>
public sealed class SheetTable
{
    public const int TitleRow = 1;
    public const int HeaderRow = 2;
    public const int FirstRow = 3;

    private static readonly Color HeaderFill = Color.FromArgb(0xDD, 0xEB, 0xF7);
    private readonly ExcelPackage _package;
    private readonly double[] _widest;
    private readonly FormatRun?[] _runs;
    private readonly Dictionary<(int Column, string Format), NumberExtremes> _extremes = [];

    public SheetTable(ExcelPackage package, string name, string title, IReadOnlyList<WorkbookColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(columns);
        _package = package;
        Sheet = package.Workbook.Worksheets.Add(TextSafety.XmlText(name));
        Columns = columns;
        _widest = new double[columns.Count + 1];
        _runs = new FormatRun?[columns.Count + 1];
        var titleCell = Sheet.Cells[TitleRow, 1];
        titleCell.Value = TextSafety.XmlText(title);
        titleCell.Style.Font.Bold = true;
        titleCell.Style.Font.Size = 12;
        for (var c = 1; c <= columns.Count; c++)
        {
            WriteHeader(HeaderRow, c, columns[c - 1].Header);
        }

        Sheet.Row(HeaderRow).Height = 30;
    }

    public ExcelWorksheet Sheet { get; }

    public string Name => Sheet.Name;

    public IReadOnlyList<WorkbookColumn> Columns { get; }

    /// <summary>Writes a header cell (bold, shaded, wrapped) outside the main header row, e.g. for a second block.</summary>
    public void WriteHeader(int row, int column, string text)
    {
        text = TextSafety.XmlText(text);
        var cell = Sheet.Cells[row, column];
        cell.Value = text;
        cell.Style.Font.Bold = true;
        cell.Style.WrapText = true;
        cell.Style.VerticalAlignment = ExcelVerticalAlignment.Center;
        cell.Style.Fill.PatternType = ExcelFillStyle.Solid;
        cell.Style.Fill.BackgroundColor.SetColor(HeaderFill);
        cell.Style.Border.Bottom.Style = ExcelBorderStyle.Thin;
        // The filter button takes about two digit widths beside the header text.
        Track(column, ColumnWidths.Of(text) + 2);
    }

    /// <summary>
    /// Writes a value: text, a number (<see cref="decimal"/>, <see cref="int"/>, <see cref="long"/>),
    /// a <see cref="DateOnly"/>, or null for an empty cell. The format is the column's unless given.
    /// </summary>
    public void Value(int row, int column, object? value, string? format = null)
    {
        value = Text(value);
        var cell = Sheet.Cells[row, column];
        format ??= Columns.Count >= column ? Columns[column - 1].Format : null;
        switch (value)
        {
            case null:
                return;
            case DateOnly date:
                cell.Value = date.ToDateTime(TimeOnly.MinValue);
                format ??= WorkbookFormats.Date;
                break;
            default:
                cell.Value = value;
                break;
        }

        if (format is not null && value is not string)
        {
            cell.Style.Numberformat.Format = format;
        }

        Track(column, ColumnWidths.Of(Shows(value, format)));
    }

    /// <summary>
    /// Writes a value as <see cref="Value"/> does — text, a number (<see cref="decimal"/>,
    /// <see cref="int"/>, <see cref="long"/>), a <see cref="DateOnly"/>, or null for no cell, in the
    /// column's format unless given — for long tables: the format is applied per run of rows and the
    /// width settled in <see cref="Finish"/> (see the remarks of the class). Rows of a column are
    /// written top down.
    /// </summary>
    public void Set(int row, int column, object? value, string? format = null)
    {
        if (value is null)
        {
            return;
        }

        value = Text(value);
        var style = Measure(column, value, format);
        Sheet.SetValue(row, column, value is DateOnly date ? date.ToDateTime(TimeOnly.MinValue) : value);
        if (style is not null)
        {
            Run(row, column, style);
        }
    }

    /// <summary>
    /// Writes the rows of a long table, from <see cref="FirstRow"/> on: <paramref name="writeRow"/>
    /// gives row <c>FirstRow + i</c> its cells with <see cref="IRowCells.Cell"/>, as <see cref="Set"/>
    /// would take them. It is called for every row now (the widths, and the few rows written into the
    /// sheet: each row that carries a column's format for the first time), and once more for the
    /// other rows when the workbook is saved (<see cref="DeterministicWorkbook.Save"/>), which writes
    /// them straight into the sheet's XML: EPPlus never holds them.
    /// </summary>
    public void Stream(int count, Action<int, IRowCells> writeRow)
    {
        ArgumentNullException.ThrowIfNull(writeRow);
        var rows = new StreamedRows(this, count, writeRow);
        var cells = new RowBuffer();
        for (var i = 0; i < count; i++)
        {
            cells.Clear();
            writeRow(i, cells);
            var row = FirstRow + i;
            var first = false;
            foreach (var (column, value, format) in cells.Cells)
            {
                first |= rows.Styles.TryAdd((column, StyleOf(column, value!, format) ?? ""), row);
            }

            if (first)
            {
                foreach (var (column, value, format) in cells.Cells)
                {
                    Set(row, column, value, format);
                }
            }
            else
            {
                rows.Streamed[i] = true;
                foreach (var (column, value, format) in cells.Cells)
                {
                    Measure(column, value!, format);
                }
            }
        }

        DeterministicWorkbook.Register(_package, rows);
    }

    /// <summary>A value as a cell holds it: text through <see cref="TextSafety.XmlText"/>, anything else as it is.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    internal static object? Text(object? value) => value is string text ? TextSafety.XmlText(text) : value;

    /// <summary>The number format a value's cell takes (null: none), as <see cref="Set"/> applies it.</summary>
    internal string? StyleOf(int column, object value, string? format)
    {
        format ??= Columns.Count >= column ? Columns[column - 1].Format : null;
        return value switch
        {
            string => null,
            DateOnly => format ?? WorkbookFormats.Date,
            _ => format,
        };
    }

    /// <summary>Tracks the width of <paramref name="value"/> as its cell shows it; returns the cell's number format (null: none).</summary>
    private string? Measure(int column, object value, string? format)
    {
        var style = StyleOf(column, value, format);
        switch (value)
        {
            case string text:
                Track(column, ColumnWidths.Of(text));
                break;
            case decimal or int or long when style is not null:
                Extremes(column, style, value);
                break;
            default:
                Track(column, ColumnWidths.Of(Shows(value, style)));
                break;
        }

        return style;
    }

    /// <summary>A rate that may be null: the value, or "—" when the denominator was 0.</summary>
    public void Rate(int row, int column, decimal? rate, string format = WorkbookFormats.Percent)
    {
        if (rate is null)
        {
            Value(row, column, WorkbookFormats.NoRate);
            Sheet.Cells[row, column].Style.HorizontalAlignment = ExcelHorizontalAlignment.Right;
        }
        else
        {
            Value(row, column, rate.Value, format);
        }
    }

    /// <summary>
    /// Writes a formula (without the leading <c>=</c>). <paramref name="shows"/> is the value the
    /// formula is known to compute, used only to size the column; the cell holds no cached value.
    /// </summary>
    public void Formula(int row, int column, string formula, object? shows, string? format = null)
    {
        var cell = Sheet.Cells[row, column];
        cell.Formula = formula;
        format ??= Columns.Count >= column ? Columns[column - 1].Format : null;
        if (format is not null)
        {
            cell.Style.Numberformat.Format = format;
        }

        Track(column, ColumnWidths.Of(Shows(shows, format)));
    }

    /// <summary>Makes a row bold (a totals row).</summary>
    public void Bold(int row, int lastColumn = 0)
    {
        var range = Sheet.Cells[row, 1, row, lastColumn > 0 ? lastColumn : Columns.Count];
        range.Style.Font.Bold = true;
        range.Style.Border.Top.Style = ExcelBorderStyle.Thin;
    }

    /// <summary>
    /// Sets the widths, freezes rows 1–2, puts the filter on the header and rows up to
    /// <paramref name="lastFilteredRow"/> (the totals row stays outside it) and sets up printing.
    /// </summary>
    public void Finish(int lastFilteredRow)
    {
        for (var c = 1; c < _runs.Length; c++)
        {
            EndRun(c);
        }

        foreach (var ((column, format), extremes) in _extremes)
        {
            Track(column, ColumnWidths.Of(Shows(extremes.Lowest, format)));
            Track(column, ColumnWidths.Of(Shows(extremes.Highest, format)));
        }

        _extremes.Clear();
        for (var c = 1; c <= Columns.Count; c++)
        {
            Sheet.Column(c).Width = ColumnWidths.ForText(_widest[c]);
        }

        Sheet.View.FreezePanes(FirstRow, 1);
        Sheet.Cells[HeaderRow, 1, Math.Max(lastFilteredRow, FirstRow), Columns.Count].AutoFilter = true;
        var print = Sheet.PrinterSettings;
        print.Orientation = eOrientation.Landscape;
        print.PaperSize = ePaperSize.A4;
        print.FitToPage = true;
        print.FitToWidth = 1;
        print.FitToHeight = 0;
        print.RepeatRows = Sheet.Cells[string.Create(CultureInfo.InvariantCulture, $"{HeaderRow}:{HeaderRow}")];
    }

    /// <summary>Ends the rows at <paramref name="nextRow"/> − 1; with no rows, writes one "no rows" row so that every range stays valid.</summary>
    public TableBlock EndRows(int nextRow)
    {
        if (nextRow == FirstRow)
        {
            Value(FirstRow, 1, "（无）None");
            nextRow++;
        }

        return new TableBlock(FirstRow, nextRow - 1);
    }

    /// <summary>A bold totals row below <paramref name="block"/>: <c>SUBTOTAL(9, …)</c> of each of <paramref name="columns"/>.</summary>
    /// <remarks><c>shows</c>: what each total is known to compute, for the column widths.</remarks>
    public void Totals(TableBlock block, int[] columns, params object[] shows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(shows);
        Value(block.Total, 1, "合计 Total");
        for (var i = 0; i < columns.Length; i++)
        {
            var c = columns[i];
            Formula(block.Total, c, $"SUBTOTAL(9,{Local(c, block.First, block.Last)})", shows[i]);
        }

        Bold(block.Total);
    }

    /// <summary>A range of one column on this sheet, absolute and sheet-qualified, e.g. <c>'保单明细'!$G$3:$G$40</c>.</summary>
    public string Range(int column, int firstRow, int lastRow) => Ref(Name, column, firstRow, lastRow);

    /// <summary>One cell of this sheet, absolute and sheet-qualified.</summary>
    public string Cell(int row, int column) => Quote(Name) + "!$" + Letter(column) + "$" + row.ToString(CultureInfo.InvariantCulture);

    public static string Ref(string sheet, int column, int firstRow, int lastRow) =>
        string.Create(CultureInfo.InvariantCulture, $"{Quote(sheet)}!${Letter(column)}${firstRow}:${Letter(column)}${Math.Max(firstRow, lastRow)}");

    /// <summary>A relative reference on the same sheet, e.g. <c>H12</c>.</summary>
    public static string Local(int row, int column) => Letter(column) + row.ToString(CultureInfo.InvariantCulture);

    /// <summary>A range on the same sheet, e.g. <c>H3:H11</c>.</summary>
    public static string Local(int column, int firstRow, int lastRow) => Local(firstRow, column) + ":" + Local(Math.Max(firstRow, lastRow), column);

    public static string Letter(int column)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(column, 1);
        var letters = "";
        for (var n = column; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    /// <summary>A criterion text in a formula: a string literal with quotes doubled.</summary>
    public static string Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Quote(string sheet) => "'" + sheet.Replace("'", "''", StringComparison.Ordinal) + "'";

    private void Track(int column, double width)
    {
        if (column < _widest.Length)
        {
            _widest[column] = Math.Max(_widest[column], width);
        }
    }

    /// <summary>Extends the column's run of <paramref name="format"/> to <paramref name="row"/>, or applies the run so far and starts a new one.</summary>
    private void Run(int row, int column, string format)
    {
        if (column >= _runs.Length)
        {
            Sheet.Cells[row, column].Style.Numberformat.Format = format;
            return;
        }

        if (_runs[column] is { } run && run.Last == row - 1 && string.Equals(run.Format, format, StringComparison.Ordinal))
        {
            run.Last = row;
            return;
        }

        EndRun(column);
        _runs[column] = new FormatRun(format, row);
    }

    private void EndRun(int column)
    {
        if (_runs[column] is { } run)
        {
            Sheet.Cells[run.First, column, run.Last, column].Style.Numberformat.Format = run.Format;
            _runs[column] = null;
        }
    }

    private void Extremes(int column, string format, object value)
    {
        var number = value switch
        {
            int i => i,
            long l => l,
            _ => (decimal)value,
        };
        if (_extremes.TryGetValue((column, format), out var extremes))
        {
            if (number < extremes.LowestNumber)
            {
                extremes.LowestNumber = number;
                extremes.Lowest = value;
            }
            else if (number > extremes.HighestNumber)
            {
                extremes.HighestNumber = number;
                extremes.Highest = value;
            }
        }
        else
        {
            _extremes[(column, format)] = new NumberExtremes { LowestNumber = number, Lowest = value, HighestNumber = number, Highest = value };
        }
    }

    private static string Shows(object? value, string? format) => value switch
    {
        null => "",
        string text => text,
        DateOnly => "0000-00-00",
        decimal d when format is not null && format.EndsWith('%') => (d * 100m).ToString(format[..^1], CultureInfo.InvariantCulture) + "%",
        decimal d when format is not null => d.ToString(format, CultureInfo.InvariantCulture),
        IFormattable f when format is not null && !format.Contains('y', StringComparison.Ordinal) => f.ToString(format, CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Consecutive rows <see cref="First"/>…<see cref="Last"/> of a column that take the same number format.</summary>
internal sealed class FormatRun(string format, int first)
{
    public string Format { get; } = format;

    public int First { get; } = first;

    public int Last { get; set; } = first;
}

/// <summary>The lowest and highest number written in a column with one format (the values as written, for their text).</summary>
internal sealed class NumberExtremes
{
    public decimal LowestNumber { get; set; }

    public object Lowest { get; set; } = 0m;

    public decimal HighestNumber { get; set; }

    public object Highest { get; set; } = 0m;
}

/// <summary>Data rows <see cref="First"/>…<see cref="Last"/> of a sheet; the totals row is the next.</summary>
public readonly record struct TableBlock(int First, int Last)
{
    public int Total => Last + 1;
}
