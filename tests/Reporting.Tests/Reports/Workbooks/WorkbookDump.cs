using System.Globalization;
using System.Text;
using OfficeOpenXml;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>
/// A workbook as text, for golden files (STYLE: compare the dump, never the binary): per sheet its
/// layout (widths, frozen panes, filter, print setup), its charts and the cells they plot, then every non-empty cell with its value,
/// number format and formula.
/// </summary>
internal static class WorkbookDump
{
    public static string Of(byte[] workbook)
    {
        using var package = new ExcelPackage(new MemoryStream(workbook));
        var text = new StringBuilder();
        var properties = package.Workbook.Properties;
        text.Append(CultureInfo.InvariantCulture, $"# workbook author={properties.Author} title={properties.Title} created={properties.Created:yyyy-MM-dd}").Append('\n');
        foreach (var sheet in package.Workbook.Worksheets)
        {
            text.Append(CultureInfo.InvariantCulture, $"## {sheet.Name}").Append('\n');
            var print = sheet.PrinterSettings;
            text.Append(CultureInfo.InvariantCulture, $"layout frozen={Frozen(sheet)} filter={sheet.AutoFilterAddress?.Address} print={print.Orientation},{print.PaperSize},fit={print.FitToPage}:{print.FitToWidth}x{print.FitToHeight},repeat={print.RepeatRows?.Address}").Append('\n');
            var end = sheet.Dimension?.End.Column ?? 0;
            text.Append("widths");
            for (var c = 1; c <= end; c++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {sheet.Column(c).Width:0.##}");
            }

            text.Append('\n');
            foreach (var chart in sheet.Drawings.OfType<OfficeOpenXml.Drawing.Chart.ExcelChart>())
            {
                text.Append(CultureInfo.InvariantCulture, $"chart {chart.Name} {chart.ChartType} '{chart.Title.Text}' at {chart.From.Row + 1},{chart.From.Column + 1} axis={chart.YAxis.Format}").Append('\n');
                // EPPlus lists the chart itself among its plot area's chart types when it reads one back.
                var series = chart.PlotArea.ChartTypes
                    .SelectMany(type => type.Series.Cast<OfficeOpenXml.Drawing.Chart.ExcelChartSerie>())
                    .Select(s => $"  series '{s.Header}' values={s.Series} categories={s.XSeries}")
                    .Distinct(StringComparer.Ordinal);
                foreach (var line in series)
                {
                    text.Append(line).Append('\n');
                }
            }

            if (sheet.Dimension is null)
            {
                continue;
            }

            for (var r = 1; r <= sheet.Dimension.End.Row; r++)
            {
                for (var c = 1; c <= end; c++)
                {
                    var cell = sheet.Cells[r, c];
                    if (cell.Value is null && string.IsNullOrEmpty(cell.Formula))
                    {
                        continue;
                    }

                    text.Append(cell.Address).Append(" | ").Append(Value(cell.Value, cell.Style.Numberformat.Format)).Append(" | ").Append(cell.Style.Numberformat.Format);
                    if (!string.IsNullOrEmpty(cell.Formula))
                    {
                        text.Append(" | =").Append(cell.Formula);
                    }

                    text.Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Frozen(ExcelWorksheet sheet) =>
        sheet.WorksheetXml.GetElementsByTagName("pane") is { Count: > 0 } panes && panes[0] is System.Xml.XmlElement pane
            ? pane.GetAttribute("state") + ":" + pane.GetAttribute("topLeftCell")
            : "none";

    private static string Value(object? value, string format) => value switch
    {
        null => "",
        double d when format == "yyyy-mm-dd" => DateTime.FromOADate(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string s => s.Replace("\n", "\\n", StringComparison.Ordinal),
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
