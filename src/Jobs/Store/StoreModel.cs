using Reporting.Jobs.Extract;

namespace Reporting.Jobs.Store;

/// <summary>What the ledger records about one file or query run before its rows are read.</summary>
public sealed record LoadHeader(
    string Source,
    ExtractDataset Dataset,
    string FileName,
    DateOnly ExtractDate,
    string Sha256,
    DateTimeOffset StartedAt);

/// <summary>Row counts of one load: every data row read is loaded, rejected, a superseded duplicate, or a skipped totals line.</summary>
public sealed record LoadCounts(
    long RowsRead,
    long RowsLoaded,
    long RowsRejected,
    long RowsDuplicate,
    long RowsSkipped,
    long Warnings,
    decimal Premium);

public enum IngestStatus
{
    LOADED,
    FAILED,
}

/// <summary>One line of the ingest ledger.</summary>
public sealed record IngestEntry(
    long IngestId,
    string Source,
    string Dataset,
    string FileName,
    DateOnly ExtractDate,
    string Sha256,
    IngestStatus Status,
    long RowsRead,
    long RowsLoaded,
    long RowsRejected,
    long RowsDuplicate,
    long RowsSkipped,
    long Warnings,
    decimal Premium,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error);

/// <summary>An inclusive range of business dates.</summary>
public readonly record struct DateRange(DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly date) => date >= From && date <= To;
}

/// <summary>
/// Which policies a read needs, so that a metric never loads the whole table: a policy is returned
/// when its latest version (as of the run) has any of the given dates in range. No range = all.
/// </summary>
public sealed record PolicySelection(
    DateRange? Expiry = null,
    DateRange? Effective = null,
    DateRange? Issue = null,
    DateRange? Cancel = null)
{
    public static readonly PolicySelection All = new();
}
