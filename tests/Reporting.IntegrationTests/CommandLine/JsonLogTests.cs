using System.Text.Json;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// Issue 19, part 3: the console log as JSON lines (<c>Logging__Console__FormatterName=json</c>), each
/// line of a run carrying the run in its scope, and the default text format unchanged; through the
/// built worker, whose log goes to standard error.
/// </summary>
[Category("Services")]
public sealed class JsonLogTests
{
    private string _folder = "";
    private WorkerResult _json = null!, _text = null!;

    [OneTimeSetUp]
    public async Task RunIngestWithEachFormat()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-json-log-").FullName;
        var environment = new Dictionary<string, string> { ["Data__Folder"] = _folder, ["Logging__LogLevel__Reporting"] = "Information" };
        _text = await WorkerCommand.RunAsync(environment, "run", "ingest", "--date", "2026-03-02");
        environment["Logging__Console__FormatterName"] = "json";
        _json = await WorkerCommand.RunAsync(environment, "run", "ingest", "--date", "2026-03-03");
    }

    [OneTimeTearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private List<string> JsonLines => [.. _json.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    [Test]
    public void Every_log_line_is_a_JSON_object()
    {
        Assert.That(_json.ExitCode, Is.Zero, _json.ToString());
        Assert.That(JsonLines, Is.Not.Empty);
        foreach (var line in JsonLines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.That(json.RootElement.GetProperty("LogLevel").GetString(), Is.Not.Empty, line);
        }
    }

    [Test]
    public void The_lines_of_a_run_carry_its_job_business_date_and_run_id_in_their_scope()
    {
        var line = JsonLines.Single(l => l.Contains("run 2 Succeeded", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var scope = json.RootElement.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("RunId", out _));

        Assert.That((scope.GetProperty("Job").GetString(), scope.GetProperty("BusinessDate").GetString(), scope.GetProperty("RunId").GetInt64()),
            Is.EqualTo(("ingest", "2026-03-03", 2L)));
        Assert.That(scope.GetProperty("Message").GetString(), Is.EqualTo("Job=ingest BusinessDate=2026-03-03 RunId=2"));
    }

    [Test]
    public void The_default_text_format_is_one_line_per_event_without_scopes()
    {
        var line = _text.StandardError.Split('\n').Single(l => l.Contains("run 1 Succeeded", StringComparison.Ordinal)).TrimEnd('\r');

        Assert.That(line, Does.Match(@"^\d\d:\d\d:\d\d info: Reporting\.Jobs\.Scheduling\.JobExecutor\[0\] ingest 2026-03-02 \(Manual\): run 1 Succeeded, 0 rows$"));
    }
}
