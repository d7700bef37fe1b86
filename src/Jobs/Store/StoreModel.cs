using Reporting.Jobs.Domain;

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

/// <summary>
/// Which policies a read needs, so that a metric never loads the whole table: a policy is returned
/// when its latest version (as of the run) has any of the given dates in range. No range = all.
/// </summary>
/// <param name="Expiry">Policies whose cover ends in the range.</param>
/// <param name="Effective">Policies whose cover starts in the range.</param>
/// <param name="Issue">Policies sold in the range.</param>
/// <param name="Cancel">Policies cancelled in the range.</param>
/// <param name="ClaimsReported">Policies that claims reported in this range are made on, whenever issued.</param>
/// <param name="EffectiveOnExpiryVins">
/// Narrows <paramref name="Effective"/> to policies on a VIN of a policy (any version) expiring in
/// <paramref name="Expiry"/>: the candidate renewals of a cohort (SPEC §3.1), not every policy
/// starting in a four-month window.
/// </param>
/// <param name="ExpiringCoverage">
/// Narrows <paramref name="Expiry"/> and <paramref name="Effective"/> (and the VINs of
/// <paramref name="EffectiveOnExpiryVins"/>) to one coverage: the renewal rules' cohort and its
/// candidates are of the renewal coverage only (SPEC §3.1), half the policies expiring in a month.
/// The other terms keep every coverage.
/// </param>
/// <param name="OnVinsSold">
/// Narrows every term to policies on a VIN of a policy (any version seen by the run, of
/// <paramref name="ExpiringCoverage"/> when given) issued in the range: the cohort policies a
/// renewal sold in the range may renew, and their candidates (yesterday's renewals of the morning
/// email read the few thousand cars sold on D, not every cohort of seven months).
/// </param>
/// <param name="WithoutPersonalData">
/// Leaves the plate, the customer's name and phone out (null): the metric rules never use them,
/// so their reads do not carry personal data at all (SPEC §5), and skip decoding three columns of
/// every row.
/// </param>
public sealed record PolicySelection(
    DateRange? Expiry = null,
    DateRange? Effective = null,
    DateRange? Issue = null,
    DateRange? Cancel = null,
    DateRange? ClaimsReported = null,
    bool EffectiveOnExpiryVins = false,
    bool WithoutPersonalData = false,
    Coverage? ExpiringCoverage = null,
    DateRange? OnVinsSold = null)
{
    public static readonly PolicySelection All = new();
}

/// <summary>A policy as a run sees it, and the ingest (file) its version came from.</summary>
public sealed record PolicyVersion(Policy Policy, long IngestId);

/// <summary>
/// The final renewal figures of one closed cohort month for one branch (<c>*</c>: the group), as
/// computed on <see cref="AsOf"/>, the first business date they were asked for after the cohort
/// closed; kept, never recomputed (docs/reports.md, "Renewal rate history").
/// </summary>
public sealed record CohortFinal(string Month, string Branch, long Due, long Renewed, DateOnly AsOf);
