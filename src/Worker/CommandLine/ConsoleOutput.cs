using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Reporting.Jobs.Domain;
using Spectre.Console;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// What the <c>explain</c>, <c>history</c> and <c>jobs</c> commands print: Spectre.Console tables
/// for people, JSON for scripts.
/// </summary>
/// <remarks>
/// <para>Tables: Spectre measures East Asian wide characters as two cells, so Chinese text lines
/// up. Every cell from data is a <see cref="Text"/> (never parsed as markup, so <c>[red]</c> in
/// a value is shown as it is) of <see cref="TextSafety.Printable"/> text (control and invisible
/// characters escaped, so a value can neither drive the terminal nor hide what it is).</para>
/// <para>Output that is not a terminal (a pipe, a file) gets no ANSI escapes and no wrapping: the
/// table is as wide as its content.</para>
/// </remarks>
public static class ConsoleOutput
{
    /// <summary>The width of output that is not a terminal: wide enough that no table wraps.</summary>
    public const int RedirectedWidth = 8192;

    /// <summary>Cells longer than this are cut with an ellipsis (errors have their own, longer limit).</summary>
    public const int CellShown = 200;

    /// <summary>
    /// Scripts' JSON: camelCase, indented, enums by name, <see cref="DateOnly"/> as <c>YYYY-MM-DD</c>,
    /// <see cref="DateTimeOffset"/> as ISO 8601 with its offset. Values are exact; Chinese is
    /// written as it is, while control, invisible and bidirectional-override characters are
    /// <c>\uXXXX</c> escapes, so the JSON shown on a terminal cannot drive it or disguise a value.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JsonEncoder(),
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Standard output as a Spectre console: UTF-8; a terminal's width and colours, or none of them when redirected.</summary>
    public static IAnsiConsole StandardOutput() =>
        Create(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true }, Console.IsOutputRedirected);

    /// <summary>A Spectre console writing to <paramref name="writer"/>; <paramref name="redirected"/>: no ANSI escapes, no colours, no wrapping.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected, int? width = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (width is { } fixedWidth)
        {
            console.Profile.Width = fixedWidth;
        }
        else if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>A table of <paramref name="columns"/>, those in <paramref name="rightAligned"/> (numbers) aligned right.</summary>
    public static Table Table(IEnumerable<string> columns, IReadOnlySet<string>? rightAligned = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var table = new Table().Border(TableBorder.Minimal);
        foreach (var column in columns)
        {
            var header = new TableColumn(new Text(TextSafety.Printable(column, CellShown))) { NoWrap = false };
            table.AddColumn(rightAligned?.Contains(column) == true ? header.RightAligned() : header);
        }

        return table;
    }

    /// <summary>
    /// Writes <paramref name="table"/> as Spectre lays it out for this console's width, each line
    /// without trailing blanks and without the blank border lines above and below it.
    /// </summary>
    public static void WriteTable(this IAnsiConsole console, Table table)
    {
        ArgumentNullException.ThrowIfNull(console);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Create(writer, redirected: true, console.Profile.Width).Write(table);
        var lines = writer.ToString().Split('\n').Select(line => line.TrimEnd()).SkipWhile(line => line.Length == 0).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        console.Write(new Text(string.Join('\n', lines) + "\n"));
    }

    /// <summary>A cell from data: plain text (no markup), escaped for the terminal, cut at <paramref name="maxLength"/>; null is a dash.</summary>
    public static Text Cell(string? value, int maxLength = CellShown) => new(value is null ? "—" : TextSafety.Printable(value, maxLength));

    /// <summary>A line of plain text (never parsed as markup), escaped for the terminal.</summary>
    public static void Line(this IAnsiConsole console, string text, int maxLength = CellShown)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Write(new Text(TextSafety.Printable(text, maxLength) + "\n"));
    }

    /// <summary>Writes <paramref name="value"/> as <see cref="Json"/> to standard output, with a final line break.</summary>
    public static async Task WriteJsonAsync<T>(T value, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        await JsonSerializer.SerializeAsync(stdout, value, Json, cancellationToken);
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await stdout.FlushAsync(cancellationToken);
    }

    /// <summary>Every character allowed as it is except those <see cref="TextSafety.IsUnsafeScalar"/> names (and HTML-sensitive ones, which the encoder always escapes).</summary>
    private static JavaScriptEncoder JsonEncoder()
    {
        var settings = new TextEncoderSettings(UnicodeRanges.All);
        var unsafeCharacters = Enumerable.Range(0, 0x10000)
            .Where(c => c is < 0xD800 or > 0xDFFF && TextSafety.IsUnsafeScalar(c))
            .Select(c => (char)c)
            .ToArray();
        settings.ForbidCharacters(unsafeCharacters);
        return JavaScriptEncoder.Create(settings);
    }
}
