using System.Collections;
using System.Globalization;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>The cells of one row of a long table (<see cref="SheetTable.Stream"/>), column by column.</summary>
public interface IRowCells
{
    /// <summary>A cell as <see cref="SheetTable.Set"/> takes it: text, a number, a <see cref="DateOnly"/>, or null for none.</summary>
    void Cell(int column, object? value, string? format = null);
}

/// <summary>
/// The rows of a long table that EPPlus never holds (<see cref="SheetTable.Stream"/>): written into
/// the sheet's XML as the workbook is saved, between the rows EPPlus wrote.
/// </summary>
/// <remarks>
/// A row is written as EPPlus writes one — <c>&lt;row r="n"&gt;</c>, then per cell
/// <c>&lt;c r="A5" s="…"&gt;</c> with the value as EPPlus formats it — except that text is inline
/// (<c>t="inlineStr"</c>) instead of in the shared-string table, a form every reader of the format
/// takes. The style index of each (column, number format) is read from the cell EPPlus wrote for the
/// first row that carried it, so the cells take exactly the styles EPPlus gave that row.
/// </remarks>
internal sealed class StreamedRows(SheetTable table, int count, Action<int, IRowCells> writeRow)
{
    /// <summary>The sheet's name, by which the saved workbook names its part.</summary>
    public string SheetName { get; } = table.Name;

    /// <summary>Per row (from <see cref="SheetTable.FirstRow"/>): true when it is written here, false when EPPlus holds it.</summary>
    public BitArray Streamed { get; } = new(count);

    /// <summary>The first row that carried each (column, number format or "" for none): EPPlus holds it.</summary>
    public Dictionary<(int Column, string Style), int> Styles { get; } = [];

    /// <summary>Writes <paramref name="sheetXml"/> (as EPPlus saved the sheet) with the streamed rows in their places.</summary>
    public void WriteInto(string sheetXml, TextWriter output)
    {
        var styles = new Dictionary<(int Column, string Style), string>();
        foreach (var ((column, style), row) in Styles)
        {
            var cell = $"<c r=\"{SheetTable.Local(row, column)}\" s=\"";
            var at = sheetXml.IndexOf(cell, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException($"{SheetName}: EPPlus wrote no cell {SheetTable.Local(row, column)}");
            }

            at += cell.Length;
            styles[(column, style)] = sheetXml[at..sheetXml.IndexOf('"', at)];
        }

        const string Open = "<sheetData>";
        var start = sheetXml.IndexOf(Open, StringComparison.Ordinal);
        var end = sheetXml.IndexOf("</sheetData>", StringComparison.Ordinal);
        if (start < 0 || end < 0)
        {
            throw new InvalidOperationException($"{SheetName}: no <sheetData> to write the rows into");
        }

        start += Open.Length;
        output.Write(sheetXml.AsSpan(0, start));
        var cells = new XmlRowCells(table, output, styles);
        var next = 0;
        var at2 = start;
        while (at2 < end)
        {
            // Each EPPlus row: <row r="n" …>…</row> (or <row … />).
            var number = at2 + "<row r=\"".Length;
            var row = int.Parse(sheetXml.AsSpan(number, sheetXml.IndexOf('"', number) - number), NumberStyles.None, CultureInfo.InvariantCulture);
            var close = sheetXml.IndexOf('>', at2);
            var rowEnd = sheetXml[close - 1] == '/' ? close + 1 : sheetXml.IndexOf("</row>", close, StringComparison.Ordinal) + "</row>".Length;
            next = WriteRows(cells, next, row);
            output.Write(sheetXml.AsSpan(at2, rowEnd - at2));
            at2 = rowEnd;
        }

        WriteRows(cells, next, int.MaxValue);
        output.Write(sheetXml.AsSpan(end));
    }

    /// <summary>Writes the streamed rows from index <paramref name="next"/> that come before sheet row <paramref name="before"/>; returns the next index.</summary>
    private int WriteRows(XmlRowCells cells, int next, int before)
    {
        for (; next < count && SheetTable.FirstRow + next < before; next++)
        {
            if (Streamed[next])
            {
                cells.Begin(SheetTable.FirstRow + next);
                writeRow(next, cells);
                cells.End();
            }
        }

        return next;
    }
}

/// <summary>Collects a row's cells.</summary>
internal sealed class RowBuffer : IRowCells
{
    public List<(int Column, object? Value, string? Format)> Cells { get; } = [];

    public void Cell(int column, object? value, string? format = null)
    {
        if (value is not null)
        {
            Cells.Add((column, SheetTable.Text(value), format));
        }
    }

    public void Clear() => Cells.Clear();
}

/// <summary>Writes a row's cells as sheet XML, the values as EPPlus 4 writes them.</summary>
internal sealed class XmlRowCells(SheetTable table, TextWriter output, Dictionary<(int Column, string Style), string> styles) : IRowCells
{
    private static readonly int OaEpoch = new DateOnly(1899, 12, 30).DayNumber;
    private int _row;

    public void Begin(int row)
    {
        _row = row;
        output.Write("<row r=\"");
        output.Write(row.ToString(CultureInfo.InvariantCulture));
        output.Write("\">");
    }

    public void End() => output.Write("</row>");

    public void Cell(int column, object? value, string? format = null)
    {
        if (value is null)
        {
            return;
        }

        value = SheetTable.Text(value);
        var style = styles[(column, table.StyleOf(column, value, format) ?? "")];
        output.Write("<c r=\"");
        output.Write(SheetTable.Local(_row, column));
        output.Write("\" s=\"");
        output.Write(style);
        switch (value)
        {
            case string text:
                output.Write(text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
                    ? "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
                    : "\" t=\"inlineStr\"><is><t>");
                Escape(text);
                output.Write("</t></is></c>");
                break;
            case DateOnly date:
                output.Write("\"><v>");
                output.Write((date.DayNumber - OaEpoch).ToString(CultureInfo.InvariantCulture));
                output.Write("</v></c>");
                break;
            default:
                // EPPlus 4 writes every number as a double, round-trip formatted.
                output.Write("\"><v>");
                output.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R15", CultureInfo.InvariantCulture));
                output.Write("</v></c>");
                break;
        }
    }

    /// <summary>
    /// XML text: &amp;, &lt;, &gt; escaped; and the underscore of text that reads as Excel's escape
    /// <c>_xHHHH_</c> written as <c>_x005F_</c>, as EPPlus writes it, so that <c>_x0041_</c> in a
    /// policy number stays <c>_x0041_</c> instead of showing as <c>A</c>. The text has been through
    /// <see cref="Domain.TextSafety.XmlText"/>: it holds no character XML cannot hold.
    /// </summary>
    private void Escape(string text)
    {
        var plain = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var escaped = text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '_' when IsExcelEscape(text, i) => "_x005F_",
                _ => null,
            };
            if (escaped is not null)
            {
                output.Write(text.AsSpan(plain, i - plain));
                output.Write(escaped);
                plain = i + 1;
            }
        }

        output.Write(text.AsSpan(plain));
    }

    /// <summary>True when <c>_xHHHH_</c> (hexadecimal digits of either case) starts at <paramref name="at"/>.</summary>
    private static bool IsExcelEscape(string text, int at) =>
        at + 6 < text.Length && text[at + 1] == 'x' && text[at + 6] == '_'
        && char.IsAsciiHexDigit(text[at + 2]) && char.IsAsciiHexDigit(text[at + 3]) && char.IsAsciiHexDigit(text[at + 4]) && char.IsAsciiHexDigit(text[at + 5]);
}
