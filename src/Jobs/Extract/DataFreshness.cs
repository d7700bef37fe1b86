using Reporting.Jobs.Store;

namespace Reporting.Jobs.Extract;

public enum FreshnessStatus
{
    /// <summary>The extract for the business date is loaded.</summary>
    OnTime,

    /// <summary>The latest loaded extract is older than the business date.</summary>
    Late,

    /// <summary>An extract for the business date arrived but failed as a whole, and none loaded since.</summary>
    Failed,

    /// <summary>Nothing was ever loaded from this source.</summary>
    Never,
}

/// <summary>One source's state for a business date: the footer of every email, and the freshness gate.</summary>
public sealed record SourceFreshness(
    string Source,
    FreshnessStatus Status,
    DateOnly? LatestExtractDate,
    DateTimeOffset? LatestLoadedAt,
    string? LatestFailure);

/// <summary>
/// Reads the ingest ledger to say, per configured source, whether the extract for a business date
/// is loaded (SPEC §4 data-freshness footer, §5 freshness gate). Only extracts dated on or before
/// the business date count, so a rerun for an old date reports what was known then.
/// </summary>
public static class DataFreshness
{
    public static async Task<IReadOnlyList<SourceFreshness>> ForAsync(IReportingStore store, SourcesOptions sources, DateOnly businessDate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sources);
        var ledger = await store.GetLedgerAsync(null, cancellationToken);
        return sources.Sources.Values.Where(s => s.Enabled).Select(s => s.Name).Order(StringComparer.Ordinal).Select(name => Of(name, ledger, businessDate)).ToList();
    }

    public static SourceFreshness Of(string source, IReadOnlyList<IngestEntry> ledger, DateOnly businessDate)
    {
        var entries = ledger.Where(e => e.Source == source && e.ExtractDate <= businessDate).ToList();
        var loaded = entries.Where(e => e.Status == IngestStatus.LOADED).OrderBy(e => e.ExtractDate).ThenBy(e => e.IngestId).LastOrDefault();
        var failedToday = entries.Where(e => e.Status == IngestStatus.FAILED && e.ExtractDate == businessDate).OrderBy(e => e.IngestId).LastOrDefault();
        var status = loaded?.ExtractDate == businessDate
            ? FreshnessStatus.OnTime
            : failedToday is not null ? FreshnessStatus.Failed
            : loaded is null ? FreshnessStatus.Never
            : FreshnessStatus.Late;
        return new SourceFreshness(source, status, loaded?.ExtractDate, loaded?.FinishedAt, status == FreshnessStatus.Failed ? failedToday!.Error : null);
    }
}
