namespace Reporting.Jobs.Demo;

/// <summary>What one source received: its files (full paths, oldest first) and data rows over all of them.</summary>
public sealed record DemoSourceSummary(string Source, IReadOnlyList<string> Files, long Rows);

/// <summary>
/// The result of <see cref="DemoDataGenerator.Generate"/>. Row counts are lines written, so a
/// policy sent again when cancelled, or a claim sent again when closed, counts twice; the
/// <c>Distinct…</c> counts are the generated entities.
/// </summary>
public sealed record DemoDataSummary(
    string InboxDirectory,
    DateOnly HistoryEnd,
    DateOnly BusinessDate,
    IReadOnlyList<DemoSourceSummary> Sources,
    long Vehicles,
    long DistinctPolicies,
    long DistinctClaims,
    long DistinctFollowUps)
{
    public IEnumerable<string> FilesWritten => Sources.SelectMany(s => s.Files);

    public long RowsOf(string source) =>
        Sources.FirstOrDefault(s => string.Equals(s.Source, source, StringComparison.Ordinal))?.Rows ?? 0;
}
