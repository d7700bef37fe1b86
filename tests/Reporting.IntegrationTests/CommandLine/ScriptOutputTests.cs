using System.Text.Json;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// <c>history</c> and <c>jobs</c> as ops and scripts run them, through the built worker with its
/// standard output redirected: tables without ANSI escapes, and JSON that parses back in the shape
/// the README documents.
/// </summary>
[Category("Services")]
public sealed class ScriptOutputTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-script-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private Dictionary<string, string> Environment => new() { ["Data__Folder"] = _folder };

    [Test]
    public async Task History_as_json_lists_the_run_with_its_date_and_instants()
    {
        var run = await WorkerCommand.RunAsync(Environment, "run", "ingest", "--date", "2026-03-02");

        var history = await WorkerCommand.RunAsync(Environment, "history", "--format", "json");

        Assert.That(history.ExitCode, Is.Zero, history.ToString());
        using var json = JsonDocument.Parse(history.StandardOutput);
        var runs = json.RootElement.GetProperty("runs");
        Assert.That(runs.GetArrayLength(), Is.EqualTo(1), run.ToString());
        Assert.That((runs[0].GetProperty("job").GetString(), runs[0].GetProperty("businessDate").GetString(), runs[0].GetProperty("trigger").GetString()),
            Is.EqualTo(("ingest", "2026-03-02", "Manual")));
        Assert.That(runs[0].GetProperty("startedAt").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$"));
        Assert.That(json.RootElement.GetProperty("deliveries").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task History_as_a_table_into_a_pipe_has_no_ANSI_escapes()
    {
        await WorkerCommand.RunAsync(Environment, "run", "ingest", "--date", "2026-03-02");

        var history = await WorkerCommand.RunAsync(Environment, "history");

        Assert.That(history.ExitCode, Is.Zero, history.ToString());
        Assert.That(history.StandardOutput.IndexOf('\u001b', StringComparison.Ordinal), Is.EqualTo(-1), history.StandardOutput);
        var row = history.StandardOutput.Split('\n').Single(l => l.Contains("#1", StringComparison.Ordinal));
        Assert.That(row.Split('│').Select(c => c.Trim()).Take(4), Is.EqualTo(new[] { "#1", "ingest", "2026-03-02", "Manual" }));
    }

    [Test]
    public async Task Jobs_as_json_lists_every_configured_job_with_three_fires()
    {
        var jobs = await WorkerCommand.RunAsync(Environment, "jobs", "--format", "json");

        Assert.That(jobs.ExitCode, Is.Zero, jobs.ToString());
        using var json = JsonDocument.Parse(jobs.StandardOutput);
        var list = json.RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.That(list.Select(j => j.GetProperty("name").GetString()), Is.EqualTo(new[] { "ingest", "morning", "commission", "renewal-review" }));
        Assert.That(list.Select(j => j.GetProperty("nextFires").GetArrayLength()), Is.All.EqualTo(3));
        Assert.That(list[1].GetProperty("nextFires")[0].GetProperty("at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT07:30:00\+08:00$"));
        Assert.That(list[1].GetProperty("nextFires")[0].GetProperty("businessDate").GetString(), Does.Match(@"^\d{4}-\d\d-\d\d$"));
        Assert.That(list[1].GetProperty("lastRun").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Jobs_from_a_date_lists_the_commission_fire_moved_past_the_national_day_holiday()
    {
        var jobs = await WorkerCommand.RunAsync(Environment, "jobs", "--from", "2026-09-30", "--format", "json");

        Assert.That(jobs.ExitCode, Is.Zero, jobs.ToString());
        using var json = JsonDocument.Parse(jobs.StandardOutput);
        var commission = json.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("name").GetString() == "commission");
        Assert.That(commission.GetProperty("days").GetString(), Is.EqualTo("FirstWorkday"));
        Assert.That(
            commission.GetProperty("nextFires").EnumerateArray().Select(f => (f.GetProperty("at").GetString(), f.GetProperty("businessDate").GetString())),
            Is.EqualTo(new[] { ("2026-10-08T06:00:00+08:00", "2026-09-30"), ("2026-11-02T06:00:00+08:00", "2026-10-31"), ("2026-12-01T06:00:00+08:00", "2026-11-30") }));
    }

    [Test]
    public async Task Jobs_warn_when_a_listed_fire_falls_in_a_year_without_a_calendar_file()
    {
        // Only 2026 in the calendar folder, whatever config/calendar ships later.
        var calendar = Directory.CreateDirectory(Path.Combine(_folder, "calendar")).FullName;
        File.Copy(Path.Combine(Reporting.Testing.RepositoryLayout.Root, "config", "calendar", "cn-2026.json"), Path.Combine(calendar, "cn-2026.json"));
        var environment = new Dictionary<string, string>(Environment) { ["Scheduling__CalendarFolder"] = calendar };

        var json = await WorkerCommand.RunAsync(environment, "jobs", "--from", "2027-03-01", "--format", "json");
        var text = await WorkerCommand.RunAsync(environment, "jobs", "--from", "2027-03-01");

        Assert.That(json.ExitCode, Is.Zero, json.ToString());
        using var document = JsonDocument.Parse(json.StandardOutput);
        var warnings = document.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        Assert.That(warnings, Has.Some.StartsWith("no working calendar for 2027 (config/calendar/cn-2027.json is missing)"));
        Assert.That(warnings, Has.Some.Contains("Saturday/Sunday weekends"));
        Assert.That(text.ExitCode, Is.Zero, text.ToString());
        Assert.That(text.StandardError, Does.Contain("warning: no working calendar for 2027"));
    }
}
