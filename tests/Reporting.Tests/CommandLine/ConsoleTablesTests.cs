using System.Globalization;
using System.Text.Json;
using Reporting.Jobs.Store;
using Reporting.Worker.CommandLine;
using Spectre.Console;

namespace Reporting.Tests.CommandLine;

/// <summary>
/// The console tables of <c>history</c>, <c>jobs</c> and <c>explain</c> (Spectre.Console) and the
/// JSON of <c>history</c> and <c>jobs</c>: Chinese text lines up, output that is not a terminal has
/// no ANSI escapes, values from data can neither drive the terminal nor be read as markup, and the
/// JSON reads back in its documented shape.
/// </summary>
public sealed class ConsoleTablesTests
{
    private static readonly DateTimeOffset Started = new(2026, 3, 3, 7, 30, 1, TimeSpan.FromHours(8));

    private static JobRun Run(long id, string job, string instance, string? error, RunStatus status = RunStatus.Succeeded) =>
        new(id, job, new DateOnly(2026, 3, 2), RunTrigger.Scheduled, instance, Started, Started.AddSeconds(42), status, 1234, "output/a.xlsx", error);

    private static string Render(Action<IAnsiConsole> write, int width = 160)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        write(ConsoleOutput.Create(writer, redirected: true, width));
        return writer.ToString();
    }

    /// <summary>Terminal columns of <paramref name="line"/> up to each column separator: East Asian wide characters take two.</summary>
    private static int[] SeparatorColumns(string line)
    {
        var columns = new List<int>();
        var at = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            if (rune.Value == '│' || rune.Value == '┼')
            {
                columns.Add(at);
            }

            at += IsWide(rune.Value) ? 2 : 1;
        }

        return [.. columns];
    }

    private static bool IsWide(int c) => c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3
        or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6;

    [Test]
    public void History_columns_line_up_with_Chinese_cells_on_a_fixed_width_console()
    {
        var output = Render(console => HistoryCommand.Write(
            [Run(2, "morning", "广州天河店-worker", "数据不完整：缺少平安保单"), Run(1, "ingest", "host-1", null)], null, console));

        var rows = output.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal) || l.Contains('┼', StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(4), output);
        Assert.That(rows.Select(SeparatorColumns).Distinct(new SequenceComparer()).Count(), Is.EqualTo(1), output);
        Assert.That(rows[3].LastIndexOf('│'), Is.Not.EqualTo(rows[2].LastIndexOf('│')),
            "in characters the rows differ: only counting wide characters twice lines them up");
    }

    [Test]
    public void An_explanation_lines_up_a_Chinese_title_cell_with_its_numbers()
    {
        var table = ConsoleOutput.Table(["branch", "name", "premium"], new HashSet<string>(StringComparer.Ordinal) { "premium" });
        table.AddRow(ConsoleOutput.Cell("B01"), ConsoleOutput.Cell("广州天河店"), ConsoleOutput.Cell("3000.00"));
        table.AddRow(ConsoleOutput.Cell("B02"), ConsoleOutput.Cell("深圳"), ConsoleOutput.Cell("12.00"));

        var output = Render(console => console.WriteTable(table));

        var rows = output.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal)).ToList();
        Assert.That(rows.Select(SeparatorColumns).Distinct(new SequenceComparer()).Count(), Is.EqualTo(1), output);
        Assert.That(rows[2].TrimEnd(), Does.EndWith("   12.00"), "numbers are aligned right");
    }

    [Test]
    public void Output_that_is_not_a_terminal_has_no_ANSI_escapes()
    {
        var output = Render(console => HistoryCommand.Write([Run(1, "morning", "host-1", null, RunStatus.Failed)], [], console));

        Assert.That(output.IndexOf('\u001b', StringComparison.Ordinal), Is.EqualTo(-1), "no escape character (ordinal: a culture comparison ignores it)");
        Assert.That(output, Does.Contain("Failed").And.Contain("No deliveries recorded for this date."));
    }

    [Test]
    public void A_value_with_escape_sequences_is_shown_escaped_and_never_reaches_the_terminal()
    {
        var output = Render(console => HistoryCommand.Write([Run(1, "morning", "host\u001b]0;pwned\u0007", "bad \u001b[2J\u202Ething")], null, console));

        Assert.That(output.IndexOfAny(['\u001b', '\u0007', '\u202E']), Is.EqualTo(-1));
        Assert.That(output, Does.Contain("host\\u001B]0;pwned\\u0007").And.Contain("bad \\u001B[2J\\u202Ething"));
    }

    [Test]
    public void A_value_that_looks_like_markup_is_shown_as_it_is()
    {
        var output = Render(console => HistoryCommand.Write([Run(1, "[red]morning[/]", "[bold]", "[/] [link=http://x]y[/]")], null, console));

        Assert.That(output, Does.Contain("[red]morning[/]").And.Contain("[bold]").And.Contain("[/] [link=http://x]y[/]"));
    }

    [Test]
    public void A_long_error_is_not_wrapped_when_the_output_is_not_a_terminal()
    {
        var error = string.Join(' ', Enumerable.Repeat("数据不完整", 60));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);

        HistoryCommand.Write([Run(1, "morning", "host-1", error)], null, ConsoleOutput.Create(writer, redirected: true));

        Assert.That(writer.ToString().Split('\n').Count(l => l.Contains("数据不完整", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void History_json_reads_back_with_camel_case_names_ISO_instants_and_plain_dates()
    {
        var deliveries = new[]
        {
            new DeliveryRecord("morning/2026-03-02/B01", "王经理 <b01@dealer.example>", "morning", new DateOnly(2026, 3, 2), "续保日报 B01", DeliveryStatus.FAILED,
                2, Started.AddMinutes(1), null, 2, "SMTP 127.0.0.1:25: connection refused"),
        };

        var json = JsonSerializer.Serialize(HistoryCommand.Json([Run(2, "morning", "广州-1", null)], deliveries), ConsoleOutput.Json);

        using var document = JsonDocument.Parse(json);
        var run = document.RootElement.GetProperty("runs")[0];
        Assert.That(run.GetProperty("runId").GetInt64(), Is.EqualTo(2));
        Assert.That(run.GetProperty("businessDate").GetString(), Is.EqualTo("2026-03-02"));
        Assert.That(run.GetProperty("startedAt").GetString(), Is.EqualTo("2026-03-02T23:30:01+00:00"));
        Assert.That(run.GetProperty("finishedAt").GetDateTimeOffset(), Is.EqualTo(Started.AddSeconds(42)));
        Assert.That((run.GetProperty("trigger").GetString(), run.GetProperty("status").GetString()), Is.EqualTo(("Scheduled", "Succeeded")));
        Assert.That(run.GetProperty("instance").GetString(), Is.EqualTo("广州-1"));
        Assert.That(run.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
        var delivery = document.RootElement.GetProperty("deliveries")[0];
        Assert.That(delivery.GetProperty("status").GetString(), Is.EqualTo("FAILED"));
        Assert.That(delivery.GetProperty("recipient").GetString(), Is.EqualTo("王经理 <b01@dealer.example>"));
        Assert.That(delivery.GetProperty("sentAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(json, Does.Contain("续保日报"), "Chinese is written as it is");
    }

    [Test]
    public void History_json_without_a_date_has_null_deliveries()
    {
        var json = JsonSerializer.Serialize(HistoryCommand.Json([], null), ConsoleOutput.Json);

        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("runs").GetArrayLength(), Is.Zero);
        Assert.That(document.RootElement.GetProperty("deliveries").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Json_escapes_control_and_invisible_characters_but_keeps_the_value()
    {
        var json = JsonSerializer.Serialize(HistoryCommand.Json([Run(1, "morning", "a\u001b[2J\u202Eb\u200B", null)], null), ConsoleOutput.Json);

        Assert.That(json.IndexOfAny(['\u001b', '\u202E', '\u200B']), Is.EqualTo(-1));
        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("runs")[0].GetProperty("instance").GetString(), Is.EqualTo("a\u001b[2J\u202Eb\u200B"));
    }

    [Test]
    public void Jobs_json_gives_each_fire_in_the_jobs_zone_with_the_business_date_it_reports()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var job = JobsCommand.Describe("morning", "0 30 7 * * ?", shanghai, new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), Run(7, "morning", "host-1", null));

        var json = JsonSerializer.Serialize(new JobsJson([job], []), ConsoleOutput.Json);

        using var document = JsonDocument.Parse(json);
        var morning = document.RootElement.GetProperty("jobs")[0];
        Assert.That((morning.GetProperty("name").GetString(), morning.GetProperty("cron").GetString(), morning.GetProperty("timeZone").GetString()),
            Is.EqualTo(("morning", "0 30 7 * * ?", "Asia/Shanghai")));
        var fires = morning.GetProperty("nextFires").EnumerateArray().Select(f => (f.GetProperty("at").GetString(), f.GetProperty("businessDate").GetString())).ToList();
        Assert.That(fires, Is.EqualTo(new[]
        {
            ("2026-03-03T07:30:00+08:00", "2026-03-02"),
            ("2026-03-04T07:30:00+08:00", "2026-03-03"),
            ("2026-03-05T07:30:00+08:00", "2026-03-04"),
        }));
        Assert.That(morning.GetProperty("lastRun").GetProperty("runId").GetInt64(), Is.EqualTo(7));
    }

    [Test]
    public void Jobs_table_shows_every_fire_on_its_own_line_and_never_for_a_job_not_yet_run()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var job = JobsCommand.Describe("commission", "0 0 6 1 * ?", shanghai, new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), null);

        var output = Render(console => JobsCommand.Write([job], console));

        var lines = output.Split('\n');
        Assert.That(lines.Single(l => l.Contains("commission", StringComparison.Ordinal)), Does.Contain("2026-04-01 06:00:00 +08:00 for 2026-03-31").And.Contain("never"));
        Assert.That(lines.Count(l => l.Contains(" for 20", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    private sealed class SequenceComparer : IEqualityComparer<int[]>
    {
        public bool Equals(int[]? x, int[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(int[] obj) => obj.Length;
    }
}
