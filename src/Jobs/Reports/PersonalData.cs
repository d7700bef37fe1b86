// SPEC §7 Personal data: emails show masked values only (张*, 138****1234, 粤B***45).
using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Reports;

/// <summary>
/// Masks customer names, phones and plates for emails (PIPL, SPEC §7). Reports mask before a
/// value reaches a template, so the unmasked value never enters a rendered model; ID numbers have
/// no mask here because no output shows them at all. Never log the input of these methods.
/// </summary>
/// <remarks>
/// <para>Characters are counted as text elements, so a rare surname outside the Basic Multilingual
/// Plane (a surrogate pair) counts once and is never cut in half. Surrounding spaces are trimmed.
/// An empty or missing value gives <c>""</c>.</para>
/// <para>Name: the first character and one <c>*</c> per remaining character: 张三 → 张*, 欧阳娜娜 →
/// 欧***. The length stays visible, as on Chinese receipts, so a manager can tell 张* from 张**. A
/// one-character value is fully masked (*), since its first character is all of it.</para>
/// <para>Phone: the digits only (spaces, dashes and a leading +86/0086 dropped). Eleven digits or
/// more: the first 3 and the last 4 with <c>****</c> between (13812341234 → 138****1234, a
/// landline 075583451234 → 075****1234). Seven to ten digits: <c>****</c> and the last 4
/// (83451234 → ****1234), so at least three digits stay hidden. Fewer than seven: <c>****</c>.</para>
/// <para>Plate: the first 2 and the last 2 characters, one <c>*</c> per character between
/// (粤B12345 → 粤B***45, a new-energy 粤BD12345 → 粤B****45). Four characters or fewer (a
/// placeholder such as 未上牌): one <c>*</c> per character.</para>
/// </remarks>
public static class PersonalData
{
    private const char Mask = '*';

    /// <summary>张三 → 张*; 欧阳娜娜 → 欧***.</summary>
    public static string MaskName(string? name)
    {
        var elements = TextElements(name);
        return elements.Count switch
        {
            0 => "",
            1 => new string(Mask, 1),
            _ => elements[0] + new string(Mask, elements.Count - 1),
        };
    }

    /// <summary>13812341234 → 138****1234.</summary>
    public static string MaskPhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return "";
        }

        var digits = new StringBuilder();
        foreach (var c in phone)
        {
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
            }
        }

        var text = digits.ToString();
        if (text.Length > 11 && text.StartsWith("0086", StringComparison.Ordinal))
        {
            text = text[4..];
        }
        else if (text.Length > 11 && text.StartsWith("86", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.Length switch
        {
            >= 11 => string.Concat(text.AsSpan(0, 3), "****", text.AsSpan(text.Length - 4)),
            >= 7 => string.Concat("****", text.AsSpan(text.Length - 4)),
            _ => "****",
        };
    }

    /// <summary>粤B12345 → 粤B***45.</summary>
    public static string MaskPlate(string? plate)
    {
        var elements = TextElements(plate);
        if (elements.Count <= 4)
        {
            return new string(Mask, elements.Count);
        }

        return elements[0] + elements[1] + new string(Mask, elements.Count - 4) + elements[^2] + elements[^1];
    }

    private static List<string> TextElements(string? value)
    {
        var elements = new List<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return elements;
        }

        var enumerator = StringInfo.GetTextElementEnumerator(value.Trim());
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }
}
