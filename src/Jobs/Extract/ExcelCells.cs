using System.Globalization;

namespace Reporting.Jobs.Extract;

/// <summary>What a canonical column holds, which decides how a typed Excel cell becomes its text.</summary>
internal enum ExcelColumnKind
{
    Text,
    Amount,
    Date,

    /// <summary>The claims' <c>referred</c>: the one yes/no column, where a TRUE/FALSE cell means Y/N.</summary>
    YesNo,
}

/// <summary>
/// Turns the typed value of an Excel cell (as ExcelDataReader returns it: string, double, DateTime,
/// bool or null) into the canonical text <see cref="RowParser"/> validates, so a workbook goes
/// through exactly the rules a CSV file does (docs/loading.md, "Excel extracts"):
/// <list type="bullet">
/// <item>an amount number is rounded half away from zero to the fen through <see cref="decimal"/>
/// (1234.5 is <c>1234.50</c>; 0.1+0.2 is <c>0.30</c>, never 0.30000000000000004);</item>
/// <item>a date cell, or a serial number in a date column, is written in the source's first date
/// format (the time of day dropped); text dates stay text and meet the source's DateFormats;</item>
/// <item>a whole number in a text column (a phone or policy number stored as a number) is its
/// digits, without exponent or <c>.0</c>; one of more than 15 digits is rejected, as Excel itself
/// kept only 15;</item>
/// <item>TRUE/FALSE is Y/N in the yes/no column and rejected elsewhere.</item>
/// </list>
/// </summary>
internal static class ExcelCells
{
    /// <summary>The largest whole number a double holds with every digit: Excel keeps 15 significant digits.</summary>
    private const double MaxExactWhole = 999_999_999_999_999d;

    /// <summary>Excel's last date, 9999-12-31, as a serial number.</summary>
    private const double MaxSerial = 2_958_465d;

    private static readonly HashSet<string> Amounts = new(StringComparer.Ordinal)
    {
        "premium", "refund_premium", "assessed_amount", "paid_amount",
    };

    public static ExcelColumnKind KindOf(string canonicalColumn) => canonicalColumn switch
    {
        "referred" => ExcelColumnKind.YesNo,
        _ when Amounts.Contains(canonicalColumn) => ExcelColumnKind.Amount,
        _ when canonicalColumn.EndsWith("_date", StringComparison.Ordinal) => ExcelColumnKind.Date,
        _ => ExcelColumnKind.Text,
    };

    /// <summary>
    /// The cell as canonical text, or why the row is rejected (<paramref name="problem"/>, with the
    /// cell's value as a message may show it in <paramref name="shown"/>).
    /// </summary>
    public static string Text(object? value, ExcelColumnKind kind, string dateFormat, out string? problem, out string? shown)
    {
        problem = null;
        shown = null;
        switch (value)
        {
            case null:
                return "";
            case string text:
                return text;
            case DateTime date:
                return DateText(date, kind, dateFormat, ref problem, ref shown);
            case bool flag when kind == ExcelColumnKind.YesNo:
                return flag ? "Y" : "N";
            case bool flag:
                problem = "a TRUE/FALSE (boolean) cell where " + Expected(kind) + " is expected";
                shown = flag ? "TRUE" : "FALSE";
                return "";
            case double number:
                return NumberText(number, kind, dateFormat, ref problem, ref shown);
            case IConvertible convertible and (int or long or short or float or decimal):
                return NumberText(convertible.ToDouble(CultureInfo.InvariantCulture), kind, dateFormat, ref problem, ref shown);
            case TimeSpan time:
                problem = "a time cell where " + Expected(kind) + " is expected";
                shown = time.ToString("c", CultureInfo.InvariantCulture);
                return "";
            case IFormattable formattable:
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString() ?? "";
        }
    }

    /// <summary>The 0-based column index as Excel's letters: 0 is A, 25 Z, 26 AA.</summary>
    public static string ColumnLetters(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    /// <summary>An amount as canonical text: through decimal, rounded half away from zero to 2 places.</summary>
    public static string AmountText(double number)
    {
        // Explicit double → decimal keeps 15 significant digits, which is what Excel holds and shows:
        // 0.30000000000000004 is 0.3 before it is rounded.
        var amount = decimal.Round((decimal)number, 2, MidpointRounding.AwayFromZero);
        return (amount == 0m ? 0m : amount).ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static string NumberText(double number, ExcelColumnKind kind, string dateFormat, ref string? problem, ref string? shown)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            problem = "a number Excel cannot hold";
            shown = number.ToString(CultureInfo.InvariantCulture);
            return "";
        }

        switch (kind)
        {
            case ExcelColumnKind.Amount:
                // Past decimal's range it stays a number in text, which RowParser rejects as too large.
                return Math.Abs(number) < 1e27 ? AmountText(number) : number.ToString("R", CultureInfo.InvariantCulture);
            case ExcelColumnKind.Date:
                if (number is < 1 or > MaxSerial)
                {
                    problem = "a number that is not an Excel date serial (1 to 2958465)";
                    shown = number.ToString("R", CultureInfo.InvariantCulture);
                    return "";
                }

                return DateTime.FromOADate(Math.Floor(number)).ToString(dateFormat, CultureInfo.InvariantCulture);
            default:
                if (Math.Floor(number) == number)
                {
                    if (Math.Abs(number) > MaxExactWhole)
                    {
                        problem = "a number of more than 15 digits, which Excel does not keep exactly (store the column as text)";
                        shown = number.ToString("R", CultureInfo.InvariantCulture);
                        return "";
                    }

                    return ((long)number).ToString(CultureInfo.InvariantCulture);
                }

                return ((decimal)number).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string DateText(DateTime date, ExcelColumnKind kind, string dateFormat, ref string? problem, ref string? shown)
    {
        switch (kind)
        {
            case ExcelColumnKind.Date:
                return date.Date.ToString(dateFormat, CultureInfo.InvariantCulture);
            case ExcelColumnKind.Text:
                // Free text or a code shown as a date: its ISO form, as a database source gives it.
                return date.ToString(date.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            default:
                problem = "a date cell where " + Expected(kind) + " is expected";
                shown = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return "";
        }
    }

    private static string Expected(ExcelColumnKind kind) => kind switch
    {
        ExcelColumnKind.Amount => "an amount",
        ExcelColumnKind.Date => "a date",
        ExcelColumnKind.YesNo => "Y or N",
        _ => "text",
    };
}
