using System.Text.RegularExpressions;
using Reporting.Testing;

namespace Reporting.Tests.Layout;

/// <summary>
/// The stages share one assembly, so this test is what keeps their dependencies one way (README,
/// Layout): every <c>src/Jobs/&lt;Stage&gt;/**.cs</c> file's <c>using</c> directives and qualified
/// references (<c>Reporting.Jobs.Extract.X</c>, or <c>Extract.X</c> from a sibling namespace) are
/// checked against what its stage may use.
/// </summary>
public sealed partial class StageDependencyTests
{
    private static readonly string[] Stages =
        ["Domain", "Store", "Extract", "Metrics", "Reports", "Delivery", "Scheduling", "Hosting", "Reference", "Demo"];

    /// <summary>What each stage must not use; stages not listed here compose the others (Hosting, Scheduling, Demo).</summary>
    private static readonly Dictionary<string, string[]> Forbidden = new(StringComparer.Ordinal)
    {
        ["Domain"] = ["Store", "Extract", "Metrics", "Reports", "Delivery", "Scheduling", "Hosting", "Reference", "Demo"],
        ["Metrics"] = ["Store", "Extract", "Reports", "Delivery", "Scheduling", "Hosting", "Reference", "Demo"],
        ["Store"] = ["Extract", "Reports", "Delivery", "Scheduling", "Demo"],
        ["Extract"] = ["Metrics", "Reports", "Delivery", "Scheduling", "Demo"],
        ["Delivery"] = ["Extract", "Metrics", "Reports", "Scheduling", "Demo"],
        ["Reports"] = ["Scheduling", "Demo"],
        ["Reference"] = ["Store", "Extract", "Metrics", "Reports", "Delivery", "Scheduling", "Demo"],
    };

    /// <summary>
    /// The uses that still break the rule, each with what fixing it takes. The list only shrinks:
    /// a use fixed must leave it (<see cref="Every_known_exception_still_occurs"/>).
    /// </summary>
    private static readonly HashSet<string> KnownExceptions = new(StringComparer.Ordinal)
    {
        // None left: every stage uses only the stages before it. A use that has to break the rule
        // for a while goes here with what fixing it takes.
    };

    [Test]
    public void Every_stage_uses_only_the_stages_before_it()
    {
        var broken = Uses()
            .Where(u => Forbidden.TryGetValue(u.Stage, out var forbidden) && forbidden.Contains(u.Uses))
            .Select(u => $"{u.File} -> {u.Uses}")
            .Distinct()
            .Where(u => !KnownExceptions.Contains(u))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.That(broken, Is.Empty, "stages that use a stage after them (README, Layout)");
    }

    [Test]
    public void Every_known_exception_still_occurs()
    {
        var uses = Uses().Select(u => $"{u.File} -> {u.Uses}").ToHashSet(StringComparer.Ordinal);

        Assert.That(KnownExceptions.Where(e => !uses.Contains(e)), Is.Empty, "fixed: take these off the known exceptions");
    }

    [Test]
    public void The_check_sees_qualified_references_and_using_directives()
    {
        Assert.That(Referenced("using Reporting.Jobs.Extract;\nnamespace Reporting.Jobs.Store;"), Does.Contain("Extract"));
        Assert.That(Referenced("var t = Metrics.BusinessMonth.Of(d);"), Does.Contain("Metrics"));
        Assert.That(Referenced("x = Reporting.Jobs.Scheduling.JobRegistry.Default;"), Does.Contain("Scheduling"));
        Assert.That(Referenced("var a = options.Delivery.Mode; var b = ExtractDataset.Claims;"), Is.Empty);
    }

    private static IEnumerable<(string Stage, string File, string Uses)> Uses()
    {
        var jobs = Path.Combine(RepositoryLayout.Root, "src", "Jobs");
        foreach (var stage in Stages)
        {
            var folder = Path.Combine(jobs, stage);
            Assert.That(Directory.Exists(folder), Is.True, folder);
            foreach (var path in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            {
                var file = Path.GetRelativePath(jobs, path).Replace('\\', '/');
                foreach (var used in Referenced(File.ReadAllText(path)).Where(u => u != stage))
                {
                    yield return (stage, file, used);
                }
            }
        }
    }

    private static HashSet<string> Referenced(string source) =>
        Reference().Matches(source).Select(m => m.Groups["stage"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(
        @"(?<![\w.])(?:Reporting\.Jobs\.(?<stage>Domain|Store|Extract|Metrics|Reports|Delivery|Scheduling|Hosting|Reference|Demo)\b" +
        @"|(?<stage>Domain|Store|Extract|Metrics|Reports|Delivery|Scheduling|Hosting|Reference|Demo)\.[A-Z])")]
    private static partial Regex Reference();
}
