using System.Globalization;

namespace Reporting.Jobs.Demo;

/// <summary>
/// What the demo generator produces (<see cref="DemoDataGenerator"/>). The same options always
/// give byte-identical files: everything is drawn from one <see cref="Random"/> seeded with
/// <see cref="Seed"/>, and no clock is read.
/// </summary>
/// <remarks>
/// <see cref="PoliciesPerYear"/> is the scale knob. It counts policy rows (交强险 and 商业险 are
/// two policies) issued in a steady year, so the whole history holds about
/// <c>PoliciesPerYear × HistoryYears</c> policies: the default 6 000 × 2.5 gives about 15 000,
/// and <see cref="ForTotalPolicies"/> asks for a benchmark size such as 1 000 000.
/// </remarks>
public sealed class DemoDataOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed of the one random generator everything is drawn from.</summary>
    public int Seed { get; init; } = 20261031;

    /// <summary>
    /// The last extract date: the data runs through this business date and nothing in any file
    /// happens after it.
    /// </summary>
    public DateOnly BusinessDate { get; init; } = new(2026, 10, 31);

    /// <summary>How far back policies are issued, in years before <see cref="BusinessDate"/>.</summary>
    public double HistoryYears { get; init; } = 2.5;

    /// <summary>
    /// Days covered by one daily file each, ending with <see cref="BusinessDate"/>; everything
    /// before them is in one history file per source dated <see cref="HistoryEnd"/>.
    /// </summary>
    public int DailyExtractDays { get; init; } = 45;

    /// <summary>Branches (4S stores) of the group, <c>B01</c>…; the first six are the fixed demo group.</summary>
    public int Branches { get; init; } = 6;

    /// <summary>Advisors per branch, numbered <c>A001</c>… across the group.</summary>
    public int AdvisorsPerBranch { get; init; } = 5;

    /// <summary>Policies issued in a steady year, both coverages counted; see the remarks.</summary>
    public int PoliciesPerYear { get; init; } = 6_000;

    /// <summary>
    /// The share of a renewal specialist's calls on an expiring policy, before the closing one,
    /// that reach the follow-up log; the closing call (won, lost, or the last try on a lapse) is
    /// always logged. 1 logs every call: about 1.6 follow-ups per policy. Lower values model a CRM
    /// where advisors enter the outcome but rarely the attempts before it, as the benchmark books
    /// of the performance issue do (about 0.3 follow-ups per policy).
    /// </summary>
    /// <remarks>
    /// Which calls are dropped is drawn from a second random generator seeded from
    /// <see cref="Seed"/>, and a dropped call still makes every draw of the simulation: policies
    /// and claims do not depend on this share, and a book with a lower share logs a subset of the
    /// full book's follow-ups under the same ids.
    /// </remarks>
    public double FollowUpCallShare { get; init; } = 1.0;

    /// <summary>The date of the history file: the business date less <see cref="DailyExtractDays"/>.</summary>
    public DateOnly HistoryEnd => BusinessDate.AddDays(-DailyExtractDays);

    /// <summary>The first issue date of the data.</summary>
    public DateOnly HistoryStart =>
        BusinessDate.AddDays(-(int)Math.Round(HistoryYears * 365.25, MidpointRounding.AwayFromZero) + 1);

    /// <summary>
    /// Options that produce about <paramref name="totalPolicies"/> policies over the default
    /// history, for a benchmark; the group keeps <paramref name="branches"/> branches, and
    /// <paramref name="followUpCallShare"/> is <see cref="FollowUpCallShare"/>.
    /// </summary>
    public static DemoDataOptions ForTotalPolicies(long totalPolicies, int branches = 6, int seed = 20261031, double followUpCallShare = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalPolicies, 100);
        var defaults = new DemoDataOptions();
        var perYear = (int)Math.Min(int.MaxValue, Math.Round(totalPolicies / defaults.HistoryYears));
        return new DemoDataOptions { Seed = seed, PoliciesPerYear = perYear, Branches = branches, FollowUpCallShare = followUpCallShare };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (HistoryYears is < 1.2 or > 20 || double.IsNaN(HistoryYears))
        {
            throw Bad(nameof(HistoryYears), HistoryYears, "between 1.2 and 20 (a renewal needs a year of history before it)");
        }

        if (DailyExtractDays is < 0 or > 366)
        {
            throw Bad(nameof(DailyExtractDays), DailyExtractDays, "between 0 and 366");
        }

        if (DailyExtractDays >= HistoryYears * 365)
        {
            throw Bad(nameof(DailyExtractDays), DailyExtractDays, "shorter than the history");
        }

        if (Branches is < 1 or > 9_999)
        {
            throw Bad(nameof(Branches), Branches, "between 1 and 9999");
        }

        if (AdvisorsPerBranch is < 1 or > 99)
        {
            throw Bad(nameof(AdvisorsPerBranch), AdvisorsPerBranch, "between 1 and 99");
        }

        if (PoliciesPerYear is < 10 or > 100_000_000)
        {
            throw Bad(nameof(PoliciesPerYear), PoliciesPerYear, "between 10 and 100000000");
        }

        if (FollowUpCallShare is < 0 or > 1 || double.IsNaN(FollowUpCallShare))
        {
            throw Bad(nameof(FollowUpCallShare), FollowUpCallShare, "between 0 and 1");
        }

        if (BusinessDate.Year is < 2000 or > 9000)
        {
            throw Bad(nameof(BusinessDate), BusinessDate, "a date between the years 2000 and 9000");
        }
    }

    private static ArgumentException Bad(string key, object value, string expected) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"{SectionName}:{key} is {Convert.ToString(value, CultureInfo.InvariantCulture)}; it must be {expected}."));
}
