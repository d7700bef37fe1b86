using System.Text.RegularExpressions;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Criteria of <c>SUMIFS</c>/<c>COUNTIFS</c> (any <c>…IFS</c>) that match a code exactly. A criteria
/// text is a pattern and an operator to Excel and LibreOffice: <c>B*</c> and <c>B?1</c> match other
/// codes, <c>~</c> escapes, and <c>&gt;0</c>, <c>=B01</c>, <c>&lt;&gt;B01</c> are comparisons. Codes
/// come from insurers' extracts, so a criteria cell holding one is never passed bare: see
/// <see cref="Equal"/>.
/// </summary>
internal static partial class Criteria
{
    /// <summary>
    /// The criteria "equal to the value of <paramref name="cellReference"/>":
    /// <c>"="&amp;SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(A3,"~","~~"),"*","~*"),"?","~?")</c>. The
    /// <c>=</c> operator in front makes whatever follows a value, so a code that begins with
    /// <c>&lt;</c>, <c>&gt;</c>, <c>=</c> or <c>&lt;&gt;</c> is compared, not obeyed; <c>~</c> is
    /// escaped first, then <c>*</c> and <c>?</c>, so no character of the code is a wildcard.
    /// <list type="bullet">
    /// <item>A number (an ingest id) becomes its text, and <c>=5</c> matches the number 5.</item>
    /// <item>An empty cell gives <c>=</c>, which matches empty cells only (a bare empty criteria cell
    /// would match the number 0).</item>
    /// <item>Still as the spreadsheet compares: case-insensitively (<c>b01</c> matches <c>B01</c>), and
    /// a code that reads as a number (<c>001</c>) also matches that number.</item>
    /// </list>
    /// </summary>
    /// <param name="cellReference">An A1 reference, optionally with a sheet and <c>$</c>: <c>A3</c>, <c>$B$7</c>, <c>'对账'!$B$7</c>.</param>
    public static string Equal(string cellReference)
    {
        if (!CellReference().IsMatch(cellReference))
        {
            throw new ArgumentException($"not a cell reference: {cellReference}", nameof(cellReference));
        }

        return $"\"=\"&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cellReference},\"~\",\"~~\"),\"*\",\"~*\"),\"?\",\"~?\")";
    }

    /// <summary>Optional quoted sheet name (a quote inside doubled), then a single A1 cell, each part optionally absolute.</summary>
    [GeneratedRegex(@"^('([^']|'')+'!)?\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex CellReference();
}
