using System.Xml;
using OfficeOpenXml.Drawing.Chart;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>A chart series: its legend text and the cells it plots (a sheet-qualified, absolute range).</summary>
public sealed record ChartSeries(string Header, string Cells);

/// <summary>
/// Native Excel charts (EPPlus) over a sheet's own cells, so a chart is always the figures beside
/// it: recalculated with them when the workbook opens, never a picture of numbers that may differ.
/// Bars for the figures, and a line for a target where there is one.
/// </summary>
public static class WorkbookCharts
{
    /// <summary>Pixels: wide enough for a dozen branch names under the bars.</summary>
    public const int Width = 760;

    public const int Height = 340;

    private const string ChartNamespace = "http://schemas.openxmlformats.org/drawingml/2006/chart";
    private const string DrawingNamespace = "http://schemas.openxmlformats.org/drawingml/2006/main";

    /// <summary>Bar colours in series order (blue, green, orange), and the target line's (dark red).</summary>
    private static readonly string[] BarColours = ["4472C4", "70AD47", "ED7D31"];

    private const string TargetColour = "C00000";

    /// <summary>
    /// Clustered columns of <paramref name="bars"/> by <paramref name="categories"/>, with
    /// <paramref name="line"/> (a target) as a line over the same axes, placed with its top left
    /// corner at <paramref name="row"/>, <paramref name="column"/> (1-based) of
    /// <paramref name="sheet"/>.
    /// </summary>
    public static ExcelChart Columns(
        SheetTable sheet, string name, string title, string categories, IReadOnlyList<ChartSeries> bars, ChartSeries? line, string axisFormat, int row, int column)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        ArgumentNullException.ThrowIfNull(bars);
        var chart = (ExcelBarChart)sheet.Sheet.Drawings.AddChart(name, eChartType.ColumnClustered);
        chart.Title.Text = TextSafety.XmlText(title);
        foreach (var bar in bars)
        {
            chart.Series.Add(bar.Cells, categories).Header = TextSafety.XmlText(bar.Header);
        }

        if (line is not null)
        {
            var target = chart.PlotArea.ChartTypes.Add(eChartType.Line);
            target.Series.Add(line.Cells, categories).Header = TextSafety.XmlText(line.Header);
        }

        Colour(chart.ChartXml);
        chart.YAxis.Format = axisFormat;
        chart.Legend.Position = eLegendPosition.Bottom;
        chart.SetPosition(row - 1, 0, column - 1, 0);
        chart.SetSize(Width, Height);
        return chart;
    }

    /// <summary>
    /// Gives every series its colour. EPPlus 4 writes series without shape properties, which
    /// Excel fills with its theme's colours but LibreOffice leaves without any fill: the bars
    /// would not show there (nor in its PDF). The properties go right after the series' name, where
    /// the schema has them.
    /// </summary>
    private static void Colour(XmlDocument chart)
    {
        var names = new XmlNamespaceManager(chart.NameTable);
        names.AddNamespace("c", ChartNamespace);
        var bars = chart.SelectNodes("//c:barChart/c:ser", names)!;
        for (var i = 0; i < bars.Count; i++)
        {
            var fill = Element(chart, DrawingNamespace, "a:solidFill", Colour(chart, BarColours[i % BarColours.Length]));
            InsertAfterName(bars[i]!, Element(chart, ChartNamespace, "c:spPr", fill), names);
        }

        foreach (XmlNode target in chart.SelectNodes("//c:lineChart/c:ser", names)!)
        {
            var stroke = Element(chart, DrawingNamespace, "a:ln", Element(chart, DrawingNamespace, "a:solidFill", Colour(chart, TargetColour)));
            stroke.SetAttribute("w", "28575"); // 2.25 pt
            InsertAfterName(target, Element(chart, ChartNamespace, "c:spPr", stroke), names);
        }
    }

    private static XmlElement Colour(XmlDocument chart, string rgb)
    {
        var colour = chart.CreateElement("a:srgbClr", DrawingNamespace);
        colour.SetAttribute("val", rgb);
        return colour;
    }

    private static XmlElement Element(XmlDocument chart, string ns, string name, XmlElement child)
    {
        var element = chart.CreateElement(name, ns);
        element.AppendChild(child);
        return element;
    }

    private static void InsertAfterName(XmlNode series, XmlElement properties, XmlNamespaceManager names)
    {
        var name = series.SelectSingleNode("c:tx", names) ?? series.SelectSingleNode("c:order", names);
        series.InsertAfter(properties, name);
    }
}
