using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The order a version table is kept in, so that the rows a month reads sit together on disk: a
/// policy by its expiry date and then its coverage (the cohort is one coverage, SPEC §3.1; its
/// candidate renewals and the month's sales, a year-long term apart, are by expiry too), a claim
/// by its report date, a follow-up by its contact date. An insurer's history file lists its rows
/// in no date order, and a table kept in the order files arrive scatters one month's rows over
/// most of its pages, so a month's reads fetched most of the store from disk. Loads write each run
/// of a file's rows in this order (<see cref="Extract.ExtractLoader"/>, PostgreSQL's load the
/// whole file), and migration 0007 put the rows already stored in it.
/// </summary>
public static class StoreOrder
{
    /// <summary>Each coverage's rank in the order of its name, as SQL sorts the stored text.</summary>
    private static readonly Dictionary<Coverage, int> CoverageRank = Enum.GetValues<Coverage>()
        .OrderBy(c => c.ToString(), StringComparer.Ordinal)
        .Select((c, rank) => (c, rank))
        .ToDictionary(r => r.c, r => r.rank);

    /// <summary>
    /// The key a row of a file sorts on: the date's day number, then the coverage by name, then
    /// the line, so no two rows of a file tie.
    /// </summary>
    public static long KeyOf(object record, int line)
    {
        var (date, within) = record switch
        {
            Policy policy => (policy.ExpiryDate, CoverageRank[policy.Coverage]),
            Claim claim => (claim.ReportDate, 0),
            FollowUp followUp => (followUp.ContactDate, 0),
            _ => throw new ArgumentException($"no store order for {record.GetType().Name}", nameof(record)),
        };
        return ((long)date.DayNumber << 32) | ((long)within << 31) | (uint)line;
    }
}
