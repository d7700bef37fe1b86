using Reporting.Jobs.Demo;

namespace Reporting.Tests.Demo;

/// <summary>The same options give the same bytes: the demo, the tests and the benchmarks can rely on it.</summary>
[TestFixture]
public sealed class DemoDeterminismTests
{
    private static readonly DemoDataOptions Small = new() { PoliciesPerYear = 1_500 };

    [Test]
    public void The_same_seed_gives_byte_identical_files()
    {
        var first = GeneratedDemo.Generate(Small);
        var second = GeneratedDemo.Generate(Small);

        var firstFiles = Snapshot(first);
        var secondFiles = Snapshot(second);

        Assert.That(secondFiles.Keys, Is.EqualTo(firstFiles.Keys));
        Assert.That(firstFiles.Keys.Where(k => !firstFiles[k].AsSpan().SequenceEqual(secondFiles[k])), Is.Empty);
    }

    [Test]
    public void A_different_seed_gives_different_files()
    {
        var first = GeneratedDemo.Generate(Small);
        var other = GeneratedDemo.Generate(new DemoDataOptions { PoliciesPerYear = Small.PoliciesPerYear, Seed = Small.Seed + 1 });

        var history = Path.Combine("inbox", "policies", Path.GetFileName(first.CsvFiles(DemoFiles.Policies)[0]));

        Assert.That(File.ReadAllBytes(Path.Combine(other.Folder, history)), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(first.Folder, history))));
    }

    [Test]
    public void The_scale_knob_sets_the_number_of_policies()
    {
        var options = DemoDataOptions.ForTotalPolicies(40_000);

        var summary = GeneratedDemo.Generate(options).Summary;

        Assert.That(summary.DistinctPolicies, Is.InRange(36_000, 44_000));
    }

    [Test]
    public void A_lower_follow_up_call_share_logs_a_subset_of_the_calls_and_changes_no_policy_or_claim()
    {
        var full = GeneratedDemo.Generate(Small);
        var sparse = GeneratedDemo.Generate(new DemoDataOptions { PoliciesPerYear = Small.PoliciesPerYear, FollowUpCallShare = 0.05 });

        var fullFiles = Snapshot(full);
        var sparseFiles = Snapshot(sparse);
        var followUps = full.Rows(DemoFiles.FollowUps).ToDictionary(r => r["followup_id"], r => string.Join(",", r.Fields.Values), StringComparer.Ordinal);
        var kept = sparse.Rows(DemoFiles.FollowUps).ToDictionary(r => r["followup_id"], r => string.Join(",", r.Fields.Values), StringComparer.Ordinal);
        var won = full.Rows(DemoFiles.FollowUps).Where(r => r["outcome"] == "WON").Select(r => r["followup_id"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(
                fullFiles.Keys.Where(k => !k.StartsWith(DemoFiles.FollowUps, StringComparison.Ordinal) && !fullFiles[k].AsSpan().SequenceEqual(sparseFiles[k])),
                Is.Empty,
                "policy and claim files");
            Assert.That(kept.Where(k => followUps.GetValueOrDefault(k.Key) != k.Value), Is.Empty, "kept follow-ups as in the full log");
            Assert.That(kept.Count, Is.InRange(followUps.Count * 0.12, followUps.Count * 0.25));
            Assert.That(won.Where(id => !kept.ContainsKey(id)), Is.Empty, "a won call closes its log and is always logged");
        });
    }

    [Test]
    public void More_branches_than_the_fixed_group_get_their_own_codes_names_and_advisors()
    {
        var group = DemoDealerGroup.Create(new DemoDataOptions { Branches = 120, AdvisorsPerBranch = 6 });

        Assert.Multiple(() =>
        {
            Assert.That(group.Branches.Select(b => b.Code).Distinct().Count(), Is.EqualTo(120));
            Assert.That(group.Branches.Select(b => b.Name).Distinct().Count(), Is.EqualTo(120));
            Assert.That(group.Advisors.Select(a => a.Id).Distinct().Count(), Is.EqualTo(720));
            Assert.That(group.Branches.Take(6).Select(b => b.Name), Is.EqualTo(DemoDealerGroup.Default.Branches.Select(b => b.Name)));
        });
    }

    [TestCase(nameof(DemoDataOptions.PoliciesPerYear))]
    [TestCase(nameof(DemoDataOptions.Branches))]
    [TestCase(nameof(DemoDataOptions.HistoryYears))]
    public void A_setting_out_of_range_is_rejected_naming_the_key(string key)
    {
        var options = key switch
        {
            nameof(DemoDataOptions.PoliciesPerYear) => new DemoDataOptions { PoliciesPerYear = 0 },
            nameof(DemoDataOptions.Branches) => new DemoDataOptions { Branches = 0 },
            _ => new DemoDataOptions { HistoryYears = 0.5 },
        };

        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("Demo:" + key));
    }

    private static SortedDictionary<string, byte[]> Snapshot(DemoFiles files)
    {
        var inbox = Path.Combine(files.Folder, "inbox");
        var snapshot = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(inbox, "*", SearchOption.AllDirectories))
        {
            snapshot[Path.GetRelativePath(inbox, file)] = File.ReadAllBytes(file);
        }

        return snapshot;
    }
}
