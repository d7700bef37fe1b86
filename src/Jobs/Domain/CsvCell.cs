using System.Buffers;

namespace Reporting.Jobs.Domain;

/// <summary>
/// One field of a CSV file the product writes for people to open (the <c>metrics</c> and
/// <c>explain</c> exports): RFC 4180 quoting, and text that a spreadsheet would run as a formula
/// neutralised. Every such CSV writes its fields through here.
/// </summary>
/// <remarks>
/// <para>Formula injection (the OWASP rule): a <b>text</b> field that begins with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is written with a single quote
/// <c>'</c> in front (<c>=HYPERLINK(…)</c> → <c>'=HYPERLINK(…)</c>), which Excel and LibreOffice
/// show as text and never evaluate. The value is then visibly marked, not silently changed.</para>
/// <para>Numbers are never neutralised: a field is text or number by its <b>column's type</b>,
/// which the writer declares (<see cref="Number"/> for money, rates, counts and configured
/// constants the product formatted itself; <see cref="Text"/> for codes, names, dates, labels and
/// anything from an extract), never by looking at the value. So <c>-12.50</c> written as a number
/// stays <c>-12.50</c>, while a policy number <c>-12.50</c> from an extract becomes
/// <c>'-12.50</c>.</para>
/// <para>Quoting: a field holding a comma, a double quote, a carriage return or a line feed is
/// enclosed in double quotes with its double quotes doubled; any other field is written as it is,
/// so an export of ordinary values is byte-identical to one written before this rule.</para>
/// <para>Not for machine input: the demo generator's extracts (<c>Demo/CsvRowWriter</c>) imitate
/// what insurers send and are read back by the loader, which must see the values as written.</para>
/// </remarks>
public static class CsvCell
{
    /// <summary>The characters that make a spreadsheet read a cell as a formula when they begin it.</summary>
    public const string FormulaStarts = "=+-@\t\r";

    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(",\"\r\n");

    /// <summary>A text field: neutralised (<see cref="Neutralised"/>), then quoted if it must be.</summary>
    public static string Text(string? value) => Quoted(Neutralised(value ?? ""));

    /// <summary>A number the product formatted itself (invariant culture): quoted if it must be, never neutralised.</summary>
    public static string Number(string? value) => Quoted(value ?? "");

    /// <summary>The text with a <c>'</c> in front when it begins with one of <see cref="FormulaStarts"/>; otherwise as it is.</summary>
    public static string Neutralised(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && FormulaStarts.Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
    }

    /// <summary>RFC 4180: in double quotes, its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Quoted(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(NeedsQuoting) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
