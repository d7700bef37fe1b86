using System.Globalization;
using Reporting.Jobs.Metrics;
using Spectre.Console;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>explain --format text</c>: the heading line, then per table a line with its name, line count
/// and title and a console table (<see cref="ConsoleOutput"/>), number columns aligned right, a
/// null figure shown as <c>—</c>.
/// </summary>
public static class ExplainText
{
    public static void Write(MetricsExplanation explanation, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(console);
        console.Line(explanation.Heading);
        foreach (var table in explanation.Tables)
        {
            console.WriteLine();
            console.Line(string.Create(CultureInfo.InvariantCulture, $"{table.Name} ({table.Rows.Count} lines): {table.Title}"));
            var grid = ConsoleOutput.Table(table.Columns, MetricsExplanation.NumberColumns);
            foreach (var row in table.Rows)
            {
                grid.AddRow(row.Select(cell => ConsoleOutput.Cell(cell)));
            }

            console.WriteTable(grid);
        }
    }

    /// <summary>The text form as a string, as a file or a pipe receives it (no ANSI escapes, no wrapping).</summary>
    public static string ToText(MetricsExplanation explanation)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(explanation, ConsoleOutput.Create(writer, redirected: true));
        return writer.ToString();
    }
}
