using Reporting.Testing.Mail;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// <c>demo --out DIR</c> run twice into two folders, as a new user or a rerun would: the outbox
/// holds the same <c>.eml</c> files, byte for byte (no wall-clock Date, no random boundary or Message-ID).
/// </summary>
[Category("Services")]
public sealed class DemoOutboxTests
{
    private readonly List<string> _folders = [];

    [TearDown]
    public void DeleteFolders()
    {
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<SortedDictionary<string, byte[]>> DemoOutboxAsync()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-demo-outbox-").FullName;
        _folders.Add(folder);
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string>(), "demo", "--out", folder, "--date", "2026-11-21", "--policies-per-year", "600");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var outbox = Path.Combine(folder, "outbox");
        return new SortedDictionary<string, byte[]>(
            Directory.GetFiles(outbox, "*.eml").ToDictionary(f => Path.GetRelativePath(outbox, f), File.ReadAllBytes),
            StringComparer.Ordinal);
    }

    [Test]
    public async Task Two_demo_runs_into_two_folders_write_byte_identical_eml_files_each_with_a_Message_ID()
    {
        var first = await DemoOutboxAsync();
        var second = await DemoOutboxAsync();

        Assert.That(first, Has.Count.GreaterThanOrEqualTo(15), "morning, group, commission and review emails");
        Assert.That(second.Keys, Is.EqualTo(first.Keys));
        Assert.That(first.Keys.Where(k => !first[k].AsSpan().SequenceEqual(second[k])), Is.Empty, "files whose bytes differ");
        var messageIds = MailFiles.Read(_folders.Take(1).SelectMany(f => Directory.GetFiles(Path.Combine(f, "outbox"), "*.eml"))).Select(m => m.MessageId).ToList();
        Assert.That(messageIds, Has.All.Match("^<[0-9a-f]{32}@dealer\\.example>$"));
        Assert.That(messageIds.Distinct().Count(), Is.EqualTo(first.Count), "one Message-ID per file");
    }
}
