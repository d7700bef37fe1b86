namespace Reporting.Jobs.Store;

/// <summary>
/// The order a version table is kept in, so that the rows a month reads sit together on disk: a
/// policy by its expiry date and then its coverage (the cohort is one coverage, SPEC §3.1; its
/// candidate renewals and the month's sales, a year-long term apart, are by expiry too), a claim
/// by its report date, a follow-up by its contact date. An insurer's history file lists its rows
/// in no date order, and a table kept in the order files arrive scatters one month's rows over
/// most of its pages, so a month's reads fetched most of the store from disk. Both providers'
/// loads write a file's rows in this order, then by line (SQLite each run of the file, PostgreSQL
/// the whole file), and migration 0007 put the rows already stored in it. Each is the columns an
/// <c>ORDER BY</c> names.
/// </summary>
internal static class StoreOrder
{
    public const string Policies = "expiry_date, coverage";

    public const string Claims = "report_date";

    public const string FollowUps = "contact_date";
}
