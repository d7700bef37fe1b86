using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Column widths computed from the text a column shows, since EPPlus 4's own auto-fit
/// measures with System.Drawing and throws on Linux. Excel's width unit is the width of one
/// digit of the default font; a CJK (full-width) character is about two of them.
/// </summary>
/// <remarks>
/// "门店" is 4 units wide, "B01" 3, "深圳福田丰田4S店" 16 (7 CJK characters and 2 Latin).
/// A column is its widest text plus <see cref="Padding"/>, at least <see cref="Minimum"/> and at
/// most <see cref="Maximum"/> (longer text is cut off on screen, never on the cell's value).
/// </remarks>
public static class ColumnWidths
{
    public const double Padding = 2;

    public const double Minimum = 6;

    public const double Maximum = 60;

    /// <summary>The display width of <paramref name="text"/> in digit widths; the widest line counts.</summary>
    public static double Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        // One pass, no allocation: this runs for every text cell of a 200 000-line detail sheet.
        var widest = 0.0;
        var width = 0.0;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var c = rest[0];
            if (c == '\n')
            {
                widest = Math.Max(widest, width);
                width = 0;
                rest = rest[1..];
            }
            else if (c < 0x1100)
            {
                width += 1;
                rest = rest[1..];
            }
            else
            {
                Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
                width += IsWide(rune) ? 2 : 1;
                rest = rest[consumed..];
            }
        }

        return Math.Max(widest, width);
    }

    /// <summary>The column width for the widest text of a column.</summary>
    public static double ForText(double widestText) => Math.Clamp(Math.Ceiling(widestText + Padding), Minimum, Maximum);

    /// <summary>East Asian wide and full-width characters (CJK ideographs, kana, hangul, full-width forms, CJK punctuation).</summary>
    public static bool IsWide(Rune rune)
    {
        var value = rune.Value;
        return value is >= 0x1100 and <= 0x115F
            or >= 0x2E80 and <= 0x303E
            or >= 0x3041 and <= 0x33FF
            or >= 0x3400 and <= 0x4DBF
            or >= 0x4E00 and <= 0x9FFF
            or >= 0xA000 and <= 0xA4CF
            or >= 0xAC00 and <= 0xD7A3
            or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F
            or >= 0xFF00 and <= 0xFF60
            or >= 0xFFE0 and <= 0xFFE6
            or >= 0x20000 and <= 0x3FFFD
            || Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherLetter && value >= 0x2E80;
    }
}
