using System.Buffers;
using System.Globalization;
using System.Text;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// The character rules of extract fields (docs/loading.md, "Characters"). Every field is trimmed of
/// white space and of the invisible characters copy and paste leaves at its ends (zero-width space,
/// byte order mark, word joiner, soft hyphen…), so <c>P001&#x200B;</c> is <c>P001</c>. Inside a field,
/// what cannot be seen or stored is rejected rather than guessed at: control characters (NUL, ESC…),
/// non-characters (U+FFFE…) and lone surrogates anywhere; format and other invisible characters,
/// line breaks and tabs anywhere but in free text, so a key never has a look-alike twin.
/// </summary>
internal static class FieldText
{
    /// <summary>Printable ASCII: a field made only of these needs no further look.</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).ToArray());

    /// <summary>Trims white space and, at either end, format and invisible characters.</summary>
    public static string Trim(string value)
    {
        if (value.Length == 0 || (value[0] is > ' ' and < '\u007F' && value[^1] is > ' ' and < '\u007F'))
        {
            return value; // the usual field: printable ASCII at both ends
        }

        var span = value.AsSpan();
        var start = 0;
        var end = span.Length;
        while (start < end && IsTrimmed(span, start, out var width))
        {
            start += width;
        }

        while (end > start && IsTrimmedBefore(span, end, out var width))
        {
            end -= width;
        }

        return start == 0 && end == span.Length ? value : value[start..end];
    }

    /// <summary>
    /// Why <paramref name="value"/> (already trimmed) cannot be a value of a column, or null: the
    /// first forbidden character, named by its code point and position.
    /// </summary>
    public static string? Problem(string value, bool freeText)
    {
        if (!value.AsSpan().ContainsAnyExcept(Plain))
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= ' ' and < '\u007F' or >= '\u3400' and <= '\u9FFF')
            {
                continue; // printable ASCII and CJK ideographs: most of every extract
            }

            int scalar = c;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                scalar = char.ConvertToUtf32(c, value[i + 1]);
            }
            else if (char.IsSurrogate(c))
            {
                return Describe("an unpaired surrogate", c, i);
            }

            if (Forbidden(scalar, freeText) is { } what)
            {
                return Describe(what, scalar, i);
            }

            if (scalar > 0xFFFF)
            {
                i++;
            }
        }

        return null;
    }

    private static string? Forbidden(int scalar, bool freeText)
    {
        if (TextSafety.IsNonCharacter(scalar))
        {
            return "a non-character";
        }

        if (scalar is '\n' or '\r' or '\u2028' or '\u2029')
        {
            return freeText ? null : "a line break";
        }

        if (scalar == '\t')
        {
            return freeText ? null : "a tab";
        }

        var category = scalar <= 0xFFFF ? CharUnicodeInfo.GetUnicodeCategory((char)scalar) : CharUnicodeInfo.GetUnicodeCategory(scalar);
        if (category == UnicodeCategory.Control)
        {
            return "a control character";
        }

        return !freeText && (category == UnicodeCategory.Format || TextSafety.IsInvisible(scalar)) ? "an invisible character" : null;
    }

    private static string Describe(string what, int scalar, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"contains {what} (U+{scalar:X4}) at position {index + 1}");

    private static bool IsTrimmed(ReadOnlySpan<char> span, int at, out int width)
    {
        var status = Rune.DecodeFromUtf16(span[at..], out var rune, out width);
        return status == OperationStatus.Done && IsTrimmed(rune);
    }

    private static bool IsTrimmedBefore(ReadOnlySpan<char> span, int end, out int width)
    {
        var status = Rune.DecodeLastFromUtf16(span[..end], out var rune, out width);
        return status == OperationStatus.Done && IsTrimmed(rune);
    }

    /// <summary>White space, and format or invisible characters other than controls (which are rejected, not trimmed).</summary>
    private static bool IsTrimmed(Rune rune) =>
        Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format || TextSafety.IsInvisible(rune.Value);
}
