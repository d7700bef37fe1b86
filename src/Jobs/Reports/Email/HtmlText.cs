// SPEC §7: every value an email shows is text, never markup.
using System.Text;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// HTML-encodes text for an element's content or a double- or single-quoted attribute value:
/// <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>"</c> and <c>'</c>. Everything else, Chinese text
/// and <c>¥</c> included, is written as it is (the emails are UTF-8), unlike
/// <c>WebUtility.HtmlEncode</c>, which also turns U+00A0–U+00FF into numeric references.
/// </summary>
public static class HtmlText
{
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var encoded = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            encoded.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#x27;",
                _ => null,
            } ?? c.ToString());
        }

        return encoded.ToString();
    }
}
