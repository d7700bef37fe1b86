namespace Reporting.Jobs.Extract;

/// <summary>The file formats of a drop folder (<see cref="SourceOptions.Format"/>).</summary>
public static class ExtractFormats
{
    public const string Csv = "csv";

    /// <summary>Office Open XML workbook (Excel 2007 and later): a zip package.</summary>
    public const string Xlsx = "xlsx";

    /// <summary>Excel 97–2003 binary workbook (BIFF8 in an OLE compound file).</summary>
    public const string Xls = "xls";

    /// <summary>The last row of a worksheet (Excel 2007 and later).</summary>
    public const int MaxExcelRow = 1_048_576;

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { Csv, Xlsx, Xls };

    /// <summary>Trimmed, lower case, without a leading dot: <c>.XLSX</c> is <c>xlsx</c>; empty is <c>csv</c>.</summary>
    public static string Normalise(string? format)
    {
        var value = (format ?? "").Trim().ToLowerInvariant();
        value = value.StartsWith('.') ? value[1..] : value;
        return value.Length == 0 ? Csv : value;
    }
}
