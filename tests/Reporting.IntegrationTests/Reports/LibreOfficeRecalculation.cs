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

    /// <summary>
    /// Prints <paramref name="file"/> to PDF with LibreOffice (which recalculates it first), and
    /// returns the PDF's text (<c>pdftotext</c>) and its first page as pixels (<c>pdftoppm</c>, 50 dpi).
    /// </summary>
    public static (string Text, Pixels FirstPage) Print(string workFolder, string file)
    {
        var output = Path.Combine(workFolder, "pdf");
        var profile = new Uri(Path.Combine(workFolder, "lo-profile")).AbsoluteUri;
        Tool("soffice", "--headless", "--norestore", "--nolockcheck", "-env:UserInstallation=" + profile, "--convert-to", "pdf", "--outdir", output, file);
        var pdf = Path.Combine(output, Path.GetFileNameWithoutExtension(file) + ".pdf");
        Assert.That(File.Exists(pdf), Is.True, $"LibreOffice printed {file}");
        var text = Tool("pdftotext", "-layout", pdf, "-");
        var page = Path.Combine(output, Path.GetFileNameWithoutExtension(file));
        Tool("pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-singlefile", pdf, page);
        return (text, Pixels.Read(page + ".ppm"));
    }

    private static string Tool(string name, params string[] arguments)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(name + " did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} did not finish within 60 s");
        }

        Assert.That(process.ExitCode, Is.Zero, $"{name}: {stderr.Result}");
        return stdout.Result;
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

/// <summary>A page as RGB pixels, read from a binary PPM (P6) file as <c>pdftoppm</c> writes it.</summary>
internal sealed class Pixels(int width, int height, byte[] data)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public static Pixels Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            var start = at;
            while (!char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            return System.Text.Encoding.ASCII.GetString(bytes, start, at - start);
        }

        Assert.That(Token(), Is.EqualTo("P6"), path);
        var width = int.Parse(Token(), CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), CultureInfo.InvariantCulture);
        Assert.That(Token(), Is.EqualTo("255"));
        at++; // the one white space character before the pixels
        return new Pixels(width, height, bytes[at..]);
    }

    /// <summary>How many pixels are within <paramref name="tolerance"/> of the colour on every channel.</summary>
    public int Count(int rgb, int tolerance = 24)
    {
        var (r, g, b) = ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
        var count = 0;
        for (var i = 0; i + 2 < data.Length; i += 3)
        {
            if (Math.Abs(data[i] - r) <= tolerance && Math.Abs(data[i + 1] - g) <= tolerance && Math.Abs(data[i + 2] - b) <= tolerance)
            {
                count++;
            }
        }

        return count;
    }
}
