using System.Globalization;
using System.Text;
using OfficeOpenXml;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// An Excel extract and the same data as CSV give identical metrics: a generated demo book loaded
/// once as generated (CPIC's claims as its .xlsx workbooks) and once with those workbooks turned
/// into canonical CSV files (by EPPlus, not by the loader), each into its own SQLite store.
/// </summary>
[TestFixture]
public sealed class ExcelCsvEquivalenceTests
{
    private static readonly DemoDataOptions Options = new() { BusinessDate = new DateOnly(2026, 10, 31), Seed = 20261031, PoliciesPerYear = 1_500 };

    [TestCase("2026-10-31", "2026-10")]
    [TestCase("2026-10-31", "2026-08")]
    [TestCase("2026-10-20", "2026-09")]
    public async Task An_Excel_extract_and_the_same_data_as_CSV_give_identical_metrics(string asOfText, string monthText)
    {
        var folder = Directory.CreateTempSubdirectory("reporting-excel-csv-").FullName;
        try
        {
            DemoDataGenerator.Generate(folder, Options);
            await using var excel = await TestStore.CreateAsync("sqlite");
            await using var csv = await TestStore.CreateAsync("sqlite");
            var sources = TestStore.ConfiguredSources();
            var cpic = sources.Get("cpic_claims");
            var asCsv = new SourceOptions { Name = "cpic_claims_csv", Dataset = cpic.Dataset, Folder = "csv", FilePattern = "cpic_claims_YYYYMMDD.csv" };
            var csvFolder = Path.Combine(folder, "csv");
            var workbooks = Directory.GetFiles(Path.Combine(folder, cpic.Folder), "*.xlsx").Order(StringComparer.Ordinal).ToList();
            Directory.CreateDirectory(csvFolder);
            foreach (var workbook in workbooks)
            {
                var path = Path.Combine(csvFolder, Path.GetFileNameWithoutExtension(workbook) + ".csv");
                File.WriteAllText(path, ToCanonicalCsv(workbook), new UTF8Encoding(false));
                File.WriteAllText(path + ".done", "");
            }

            foreach (var source in sources.Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
            {
                await Scan(excel, source, Path.Combine(folder, source.Folder));
                await Scan(csv, source.IsExcel ? asCsv : source, source.IsExcel ? csvFolder : Path.Combine(folder, source.Folder));
            }

            var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var month = BusinessMonth.Parse(monthText);
            var fromExcel = await Json(excel, asOf, month);

            Assert.That(workbooks, Has.Count.EqualTo(Options.DailyExtractDays + 1));
            Assert.That(fromExcel, Does.Contain("\"CPIC\""), "CPIC's figures are in the comparison");
            Assert.That(await Json(csv, asOf, month), Is.EqualTo(fromExcel));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task Scan(TestStore store, SourceOptions source, string folder)
    {
        var results = await store.Loader(TestStore.ConfiguredReference()).ScanAsync(source, folder);
        Assert.That(results.Where(r => r.Outcome != LoadOutcome.Loaded).Select(r => r.FileName + ": " + r.Error), Is.Empty, source.Name);
    }

    private static async Task<string> Json(TestStore store, DateOnly asOf, BusinessMonth month) =>
        MetricsExport.ToJson(MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(store.Store, asOf, month, Metrics.DemoBook.Metrics)).Report);

    /// <summary>A CPIC workbook as the canonical claims CSV: values mapped, dates ISO, amounts with two decimals, the 合计 row left out.</summary>
    private static string ToCanonicalCsv(string workbook)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["是"] = "Y",
            ["否"] = "N",
            ["未决"] = "OPEN",
            ["已结案"] = "CLOSED",
            ["注销"] = "WITHDRAWN",
        };
        using var package = new ExcelPackage(new FileInfo(workbook));
        var sheet = package.Workbook.Worksheets[ExcelExtract.Sheet];
        var text = new StringBuilder(ExcelExtract.CanonicalHeader).Append('\n');
        for (var row = 3; row <= sheet.Dimension.End.Row; row++)
        {
            if (sheet.Cells[row, 1].Text == "合计")
            {
                continue;
            }

            var fields = Enumerable.Range(1, ExcelExtract.ClaimHeaders.Length).Select(c =>
            {
                var cell = sheet.Cells[row, c];
                return cell.Value switch
                {
                    null => "",
                    double serial when cell.Style.Numberformat.Format == "yyyy-mm-dd" => DateTime.FromOADate(serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    double amount => ((decimal)amount).ToString("0.00", CultureInfo.InvariantCulture),
                    var value => values.GetValueOrDefault(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
                };
            });
            text.Append(string.Join(",", fields)).Append('\n');
        }

        return text.ToString();
    }
}
