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
/// <para><c>Renewals</c>: renewal verdicts as of D of cohorts in
/// <see cref="MorningEmailRanges.Months"/>, at least those of every policy the emails show:
/// each policy renewed by a policy sold on D (yesterday's renewals) and each policy expiring in
/// <see cref="MorningEmailRanges.CallListExpiry"/> (the call list); see
/// <see cref="MorningEmailRanges.Renewals"/>. Others may be present; the builder selects.</para>
/// <para><c>FollowUps</c>: follow-ups as of D on policies expiring in
/// <see cref="MorningEmailRanges.CallListExpiry"/>; others may be present (the loader reads the
/// month's metrics' with them).</para>
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
/// counts D itself (cover ends 24:00 on D, the email is read on D + 1) and D + 30; their
/// candidate renewals start in [D − 60, D + 31 + grace] (<c>CallListEffective</c>). Yesterday's
/// renewals are those sold on D (<c>Sold</c>).</para>
/// <para>A policy's verdict depends on the policies of its own car alone (SPEC §3.1), so the
/// emails read two sets of cars, not seven months of cohorts: the cars sold on D (cohort policies
/// of <c>Months</c> and their candidates, <see cref="PolicySelection.OnVinsSold"/>) and the cars
/// of the call list. On the 5M book that is about 130 000 policies where the seven months'
/// cohorts and candidates were 1.4 million.</para>
/// </remarks>
public sealed record MorningEmailRanges(
    IReadOnlyList<BusinessMonth> Months,
    DateRange CohortExpiry,
    DateRange RenewalEffective,
    DateRange CallListExpiry,
    DateRange CallListEffective,
    DateRange Sold)
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
            new DateRange(businessDate, businessDate.AddDays(CallListDays)),
            new DateRange(
                businessDate.AddDays(-RenewalMatching.EarliestEffectiveDaysBeforeExpiry),
                businessDate.AddDays(CallListDays + 1 + options.Renewal.GraceDays)),
            new DateRange(businessDate, businessDate));
    }

    /// <summary>The cohort policies of <see cref="Months"/> on the cars sold on D (<see cref="Sold"/>), and their candidate renewals.</summary>
    public PolicySelection SoldOn(MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PolicySelection(
            Expiry: CohortExpiry,
            Effective: RenewalEffective,
            EffectiveOnExpiryVins: true,
            ExpiringCoverage: options.Renewal.Coverage,
            OnVinsSold: Sold);
    }

    /// <summary>The policies expiring in <see cref="CallListExpiry"/> and their candidate renewals.</summary>
    public PolicySelection CallList(MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PolicySelection(
            Expiry: CallListExpiry,
            Effective: CallListEffective,
            EffectiveOnExpiryVins: true,
            ExpiringCoverage: options.Renewal.Coverage);
    }

    /// <summary>
    /// The renewal rule of SPEC §3.1 (<see cref="RenewalMatching.Evaluate(IEnumerable{Domain.Policy}, IReadOnlyList{BusinessMonth}, DateOnly, MetricsOptions)"/>) over every month of
    /// <see cref="Months"/> as of D: pure, so tests feed it policies directly. A cohort policy's
    /// verdict is right when every policy on its car that the rule may choose is among
    /// <paramref name="policies"/>: the reads of <see cref="SoldOn"/> and <see cref="CallList"/> hold
    /// them for every policy the emails show.
    /// </summary>
    public IReadOnlyList<RenewalVerdict> Renewals(IReadOnlyList<Policy> policies, DateOnly businessDate, MetricsOptions options) =>
        RenewalMatching.Evaluate(policies, Months, businessDate, options);
}
