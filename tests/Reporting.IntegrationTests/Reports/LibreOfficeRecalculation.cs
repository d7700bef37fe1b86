using System.Diagnostics;
using System.Globalization;
using OfficeOpenXml;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// LibreOffice headless as the spreadsheet that recalculates the workbooks (they are saved without
/// cached values), and readers of the figures it computed.
/// </summary>
internal static class LibreOfficeRecalculation
{
    /// <summary>
    /// Converts <paramref name="files"/> to xlsx in <paramref name="outputFolder"/> with a private
    /// profile under <paramref name="workFolder"/>; LibreOffice computes every formula on load.
    /// </summary>
    public static void Run(string workFolder, string outputFolder, params string[] files)
    {
        var profile = new Uri(Path.Combine(workFolder, "lo-profile")).AbsoluteUri;
        var start = new ProcessStartInfo("soffice")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--headless", "--norestore", "--nolockcheck", "-env:UserInstallation=" + profile, "--convert-to", "xlsx", "--outdir", outputFolder })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("soffice did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("LibreOffice did not finish within 60 s");
        }

        foreach (var file in files)
        {
            Assert.That(File.Exists(Path.Combine(outputFolder, Path.GetFileName(file))), Is.True, $"LibreOffice converted {file}: {stdout.Result} {stderr.Result}");
        }
    }

    /// <summary>
    /// Writes each workbook into <c>in/</c> under <paramref name="workFolder"/>, has LibreOffice
    /// recalculate them into <c>out/</c>, and opens what it computed, by file name.
    /// </summary>
    public static IReadOnlyDictionary<string, ExcelPackage> Recalculate(string workFolder, params (string FileName, byte[] Content)[] workbooks)
    {
        var input = Path.Combine(workFolder, "in");
        var output = Path.Combine(workFolder, "out");
        Directory.CreateDirectory(input);
        foreach (var (fileName, content) in workbooks)
        {
            File.WriteAllBytes(Path.Combine(input, fileName), content);
        }

        Run(workFolder, output, [.. workbooks.Select(w => Path.Combine(input, w.FileName))]);
        return workbooks.ToDictionary(w => w.FileName, w => new ExcelPackage(new FileInfo(Path.Combine(output, w.FileName))), StringComparer.Ordinal);
    }

    /// <summary>The row of the sheet's totals line.</summary>
    public static int Total(ExcelWorksheet sheet) =>
        Enumerable.Range(3, sheet.Dimension.End.Row).First(r => sheet.Cells[r, 1].Text is "合计 Total" or "集团合计");

    public static decimal Money(ExcelWorksheet sheet, int row, int column) =>
        Math.Round(Convert.ToDecimal(sheet.Cells[row, column].Value ?? 0d, CultureInfo.InvariantCulture), 2, MidpointRounding.AwayFromZero);

    public static int Count(ExcelWorksheet sheet, int row, int column) => Convert.ToInt32(sheet.Cells[row, column].Value ?? 0d, CultureInfo.InvariantCulture);

    /// <summary>A computed rate to 4 decimals; null when the cell is not a number (the text —).</summary>
    public static decimal? Rate(ExcelWorksheet sheet, int row, int column) =>
        sheet.Cells[row, column].Value is double d ? Math.Round((decimal)d, 4, MidpointRounding.AwayFromZero) : null;

    /// <summary>Σ of a column's lines above the totals row, each rounded to the cent as the workbook shows it.</summary>
    public static decimal Column(ExcelWorksheet sheet, int column, int totalRow) =>
        Enumerable.Range(3, totalRow - 3).Sum(r => Money(sheet, r, column));
}
