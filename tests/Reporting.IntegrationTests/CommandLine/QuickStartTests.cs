using System.Globalization;
using System.Text.RegularExpressions;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// The README's quick start, step 1, exactly as written (<c>demo --out DIR</c>, no other option), run
/// as the built worker: it exits 0, and the workbooks and emails it says it produced are there.
/// </summary>
[Category("Services")]
public sealed partial class QuickStartTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-quick-start-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Demo_out_dir_exits_0_with_the_workbooks_and_emails_it_reports()
    {
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string>(), "demo", "--out", _folder);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var output = Path.Combine(_folder, "output");
        var outbox = Path.Combine(_folder, "outbox");
        Assert.That(result.StandardOutput, Does.Contain($"workbooks in {output}, emails in {outbox}"), result.ToString());

        var workbooks = Workbook().Matches(result.StandardOutput).Select(m => m.Groups[1].Value).ToList();
        Assert.That(workbooks.Select(Path.GetFileName), Is.EquivalentTo(Directory.GetFiles(output, "*.xlsx").Select(Path.GetFileName)), "the workbooks it names are the output folder's");
        Assert.That(workbooks, Has.Count.GreaterThanOrEqualTo(2), "the commission workbook and the renewal review");
        Assert.That(workbooks.Select(f => new FileInfo(f).Length), Has.All.GreaterThan(0));

        var sent = Sent().Matches(result.StandardOutput).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.That(sent, Is.GreaterThan(0));
        Assert.That(Directory.GetFiles(outbox, "*.eml"), Has.Length.EqualTo(sent), "one .eml file per message it says it sent");
    }

    [GeneratedRegex("\"([^\"]+\\.xlsx)\"")]
    private static partial Regex Workbook();

    [GeneratedRegex(@"Succeeded, (\d+) messages sent")]
    private static partial Regex Sent();
}
