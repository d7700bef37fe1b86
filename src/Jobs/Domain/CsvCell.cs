using CsvHelper;

namespace Reporting.Jobs.Domain;

/// <summary>
/// The CSV files the product writes for people to open (the <c>metrics</c> and <c>explain</c>
/// exports): CsvHelper's writer with <see cref="Options"/> (RFC 4180, comma, LF), and text that a
/// spreadsheet would run as a formula neutralised. Every such CSV writes its fields through
/// <see cref="WriteText"/> and <see cref="WriteNumber"/>.
/// </summary>
/// <remarks>
/// <para>Formula injection (the OWASP rule): a <b>text</b> field that begins with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is written with a single quote
/// <c>'</c> in front (<c>=HYPERLINK(…)</c> → <c>'=HYPERLINK(…)</c>), which Excel and LibreOffice
/// show as text and never evaluate. The value is then visibly marked, not silently changed.</para>
/// <para>Numbers are never neutralised: a field is text or number by its <b>column's type</b>,
/// which the writer declares (<see cref="WriteNumber"/> for money, rates, counts and configured
/// constants the product formatted itself; <see cref="WriteText"/> for codes, names, dates, labels
/// and anything from an extract), never by looking at the value. So <c>-12.50</c> written as a
/// number stays <c>-12.50</c>, while a policy number <c>-12.50</c> from an extract becomes
/// <c>'-12.50</c>.</para>
/// <para>Quoting is CsvHelper's RFC 4180 default: a field holding a comma, a double quote, a
/// carriage return or a line feed is enclosed in double quotes with its double quotes doubled; any
/// other field is written as it is. The quote is put in front here rather than by CsvHelper's own
/// <c>CsvInjection.Escape</c>, which also encloses every escaped field in double quotes: the
/// exports stay byte-identical to those written before CsvHelper wrote them
/// (<c>'=1+1</c>, not <c>"'=1+1"</c>); both read back as the same value.</para>
/// <para>Not for machine input: the demo generator's extracts (<c>Demo/CsvRowWriter</c>) imitate
/// what insurers send and are read back by the loader, which must see the values as written.</para>
/// </remarks>
public static class CsvCell
{
    /// <summary>The characters that make a spreadsheet read a cell as a formula when they begin it.</summary>
    public const string FormulaStarts = "=+-@\t\r";

    /// <summary>
    /// RFC 4180 as CsvHelper writes it, records ending in LF. Field counts are checked: every
    /// record of one writer as wide as the first (the exports use one writer per section).
    /// </summary>
    public static CsvWriterOptions Options { get; } = CsvWriterOptions.Default with { NewLine = "\n" };

    /// <summary>A text field: neutralised (<see cref="Neutralised"/>), then quoted by the writer if it must be; null is an empty field.</summary>
    public static void WriteText(this CsvWriter writer, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteField(value is null ? null : Neutralised(value));
    }

    /// <summary>A number the product formatted itself (invariant culture): never neutralised; null is an empty field.</summary>
    public static void WriteNumber(this CsvWriter writer, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteField(value);
    }

    /// <summary>The text with a <c>'</c> in front when it begins with one of <see cref="FormulaStarts"/>; otherwise as it is.</summary>
    public static string Neutralised(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && FormulaStarts.Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
    }
}
