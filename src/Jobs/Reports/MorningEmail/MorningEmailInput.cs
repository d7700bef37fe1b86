// SPEC §4 morning emails: the plain records one morning is built from, and the date ranges the store must cover.
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// Everything the morning emails of business date D are built from; <see cref="MorningEmailBuilder"/>
/// turns it into the models without I/O.
/// </summary>
/// <remarks>
/// <para><c>Metrics</c>: the metrics of month(D) as of D (cohort, conversion, referral).</para>
/// <para><c>Renewals</c>: the renewal verdicts as of D of every cohort in
/// <see cref="MorningEmailRanges.Months"/> (yesterday's renewals, the call list); see
/// <see cref="MorningEmailRanges.Renewals"/>.</para>
/// <para><c>FollowUps</c>: follow-ups as of D on policies expiring in
/// <see cref="MorningEmailRanges.CallListExpiry"/>.</para>
/// <para><c>BusinessZone</c>: the zone the footer's load times are shown in (SPEC §1).</para>
/// <para><c>CohortHistory</c>: the kept final figures of the last six closed cohorts
/// (<see cref="CohortFinals"/>), for the rate history; none when not read.</para>
/// <para><c>CallListRows</c>: how many call-list rows a branch email shows
/// (<see cref="MorningEmailOptions.CallListRows"/>).</para>
/// </remarks>
public sealed record MorningEmailInput(
    DateOnly BusinessDate,
    MetricsResult Metrics,
    IReadOnlyList<RenewalVerdict> Renewals,
    IReadOnlyList<FollowUp> FollowUps,
    IReadOnlyList<SourceFreshness> Freshness,
    ReferenceDataOptions Reference,
    MetricsOptions Options,
    SourcesOptions Sources,
    TimeZoneInfo BusinessZone,
    string? Banner,
    IReadOnlyList<CohortFinal>? CohortHistory = null,
    int CallListRows = MorningEmailOptions.DefaultCallListRows);

/// <summary>
/// The months and dates the morning emails of business date D read beyond month(D)'s metrics.
/// </summary>
/// <remarks>
/// <para>Yesterday's renewals are the cohort policies P, of any month, whose chosen renewal Q was
/// issued on D. Q renews P only when <c>Q.effective_date</c> lies in
/// [<c>P.expiry_date − 60</c>, <c>P.expiry_date + 1 + grace</c>]; cover never starts before it is
/// sold, so <c>Q.effective_date ≥ D</c> and <c>P.expiry_date ≥ D − 1 − grace</c>: the first month
/// is month(D − 1 − grace) (2026-10 for D = 2026-11-21, grace 30). Upward the rule has no bound
/// of its own; the last month is month(D) + 4, which holds every P up to D + 120 days (a Q sold
/// up to 60 days before its cover starts, starting 60 days before P expires, and every lead up to
/// the top window, 90). A renewal sold further ahead is not counted as yesterday's.</para>
/// <para>The call list reads policies expiring in [D, D + 30]: "expiring within the next 30 days"
/// counts D itself (cover ends 24:00 on D, the email is read on D + 1) and D + 30.</para>
/// </remarks>
public sealed record MorningEmailRanges(
    IReadOnlyList<BusinessMonth> Months,
    DateRange CohortExpiry,
    DateRange RenewalEffective,
    DateRange CallListExpiry)
{
    /// <summary>Days after D that the call list looks ahead, inclusive.</summary>
    public const int CallListDays = 30;

    /// <summary>A contact within this many days up to D (D − 6 … D) takes a policy off the call list.</summary>
    public const int RecentContactDays = 7;

    /// <summary>Months after month(D) whose cohorts may hold a renewal sold on D.</summary>
    public const int MonthsAhead = 4;

    public static MorningEmailRanges For(DateOnly businessDate, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var first = BusinessMonth.Of(businessDate.AddDays(-1 - options.Renewal.GraceDays));
        var last = BusinessMonth.Of(businessDate).AddMonths(MonthsAhead);
        var months = new List<BusinessMonth>();
        for (var month = first; month <= last; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        return new MorningEmailRanges(
            months,
            new DateRange(first.First, last.Last),
            new DateRange(
                first.First.AddDays(-RenewalMatching.EarliestEffectiveDaysBeforeExpiry),
                last.Last.AddDays(1 + options.Renewal.GraceDays)),
            new DateRange(businessDate, businessDate.AddDays(CallListDays)));
    }

    /// <summary>
    /// The renewal rule of SPEC §3.1 (<see cref="RenewalMatching.Evaluate(IEnumerable{Domain.Policy}, IReadOnlyList{BusinessMonth}, DateOnly, MetricsOptions)"/>) over every month of
    /// <see cref="Months"/> as of D: pure, so tests feed it policies directly.
    /// </summary>
    public IReadOnlyList<RenewalVerdict> Renewals(IReadOnlyList<Policy> policies, DateOnly businessDate, MetricsOptions options) =>
        RenewalMatching.Evaluate(policies, Months, businessDate, options);
}
