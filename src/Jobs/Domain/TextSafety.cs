using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Domain;

/// <summary>
/// What may be shown, stored and written of outside text: the characters that are invisible, that
/// drive a terminal, or that no XML document may hold. Extract values, file names and error causes
/// pass through here before they reach a console, a log, a key or a workbook.
/// </summary>
public static class TextSafety
{
    /// <summary>Longest value shown in a message; longer values are cut with an ellipsis.</summary>
    public const int ShownLength = 64;

    /// <summary>
    /// The value as a console or log may show it: control characters (C0, DEL, C1: ESC, BEL, NUL…),
    /// format characters (U+200B, U+FEFF, soft hyphen…), other invisible characters, line and
    /// paragraph separators, non-characters and lone surrogates are written as <c>\uXXXX</c>, so a
    /// value can neither drive the terminal nor hide what it is; values longer than
    /// <paramref name="maxLength"/> characters are cut with <c>…</c>.
    /// </summary>
    public static string Printable(string? value, int maxLength = ShownLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value ?? "";
        }

        StringBuilder? escaped = null;
        var shown = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (shown >= maxLength)
            {
                escaped ??= new StringBuilder(value, 0, i, maxLength + 8);
                escaped.Append('…');
                return escaped.ToString();
            }

            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var scalar = char.ConvertToUtf32(c, value[i + 1]);
                if (IsUnsafeScalar(scalar))
                {
                    escaped ??= new StringBuilder(value, 0, i, value.Length + 16);
                    escaped.Append(CultureInfo.InvariantCulture, $"\\U{scalar:X8}");
                }
                else
                {
                    escaped?.Append(c).Append(value[i + 1]);
                }

                i++;
                shown++;
                continue;
            }

            if (char.IsSurrogate(c) || IsUnsafeScalar(c))
            {
                escaped ??= new StringBuilder(value, 0, i, value.Length + 16);
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                escaped?.Append(c);
            }

            shown++;
        }

        return escaped?.ToString() ?? value;
    }

    /// <summary>
    /// The first character of <paramref name="value"/> that no XML 1.0 document may hold (controls
    /// other than tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates), or null.
    /// </summary>
    public static int? FirstInvalidXmlIndex(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (!System.Xml.XmlConvert.IsXmlChar(c))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>The character that stands in a workbook for one XML 1.0 cannot hold: U+FFFD REPLACEMENT CHARACTER.</summary>
    public const char XmlReplacement = '\uFFFD';

    /// <summary>
    /// The text as a workbook (or any XML document) may hold it: every character XML 1.0 cannot hold
    /// — C0 controls other than tab, line feed and carriage return (U+0000–U+0008, U+000B, U+000C,
    /// U+000E–U+001F), U+FFFE, U+FFFF, and each lone surrogate — is replaced by
    /// <see cref="XmlReplacement"/> (U+FFFD), one for one, so the value stays visibly damaged where
    /// it was damaged instead of being silently shortened or re-encoded. Everything else is kept as
    /// it is: tab, line feed, carriage return, DEL and C1 controls (XML 1.0 allows them), format
    /// characters, the other non-characters, and well-formed surrogate pairs. Returns the same
    /// instance when nothing needs replacing (the common case costs one scan and no allocation).
    /// </summary>
    /// <remarks>
    /// Every workbook writes its text through this (see <c>SheetTable</c>, <c>StreamedRows</c>,
    /// <c>DeterministicWorkbook.Save</c>): sheet names, titles, headers, cells and comments.
    /// </remarks>
    public static string XmlText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (FirstInvalidXmlIndex(value) is not { } first)
        {
            return value;
        }

        return string.Create(value.Length, (value, first), static (chars, state) =>
        {
            var (text, start) = state;
            text.AsSpan().CopyTo(chars);
            for (var i = start; i < chars.Length; i++)
            {
                var c = chars[i];
                if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                {
                    i++;
                }
                else if (!System.Xml.XmlConvert.IsXmlChar(c))
                {
                    chars[i] = XmlReplacement;
                }
            }
        });
    }

    /// <summary>
    /// True for a character that must not pass unescaped into a message: Unicode controls (Cc),
    /// format characters (Cf), line and paragraph separators, the invisible fillers and joiners
    /// that are not format characters, variation selectors, and non-characters.
    /// </summary>
    public static bool IsUnsafeScalar(int scalar) =>
        IsNonCharacter(scalar) || IsInvisible(scalar) || CategoryOf(scalar) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    /// <summary>U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE…).</summary>
    public static bool IsNonCharacter(int scalar) =>
        scalar is >= 0xFDD0 and <= 0xFDEF || (scalar & 0xFFFE) == 0xFFFE;

    /// <summary>
    /// Characters that show as nothing but are not format characters: the combining grapheme
    /// joiner, the Hangul fillers, the Mongolian free variation selectors and the variation
    /// selectors (Unicode's Default_Ignorable_Code_Point, less Cf, which the category covers).
    /// </summary>
    public static bool IsInvisible(int scalar) => scalar is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0
        or >= 0x180B and <= 0x180F
        or >= 0xFE00 and <= 0xFE0F
        or >= 0xE0100 and <= 0xE01EF;

    private static UnicodeCategory CategoryOf(int scalar) =>
        scalar <= 0xFFFF ? CharUnicodeInfo.GetUnicodeCategory((char)scalar) : CharUnicodeInfo.GetUnicodeCategory(scalar);
}
