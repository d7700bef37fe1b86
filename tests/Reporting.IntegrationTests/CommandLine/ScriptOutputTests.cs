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
}
