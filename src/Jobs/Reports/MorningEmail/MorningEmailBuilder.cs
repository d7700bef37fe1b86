// SPEC §4 Branch morning email and group email, §7 personal data: the models, built from the metrics without I/O.
using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports.Email;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// Builds the branch and group morning emails of business date D from <see cref="MorningEmailInput"/>:
/// records in, models out, no clock and no I/O. Every figure comes from the metrics (the §4.1
/// rows of month(D) and the renewal verdicts); the builder selects, sums rows and masks, it never
/// applies a rule of its own.
/// </summary>
/// <remarks>
/// <para>Yesterday's renewals (昨日续保) of a branch: its cohort policies P, of any month of
/// <see cref="MorningEmailRanges.Months"/>, whose chosen renewal Q was issued on D; the premium is
/// Σ Q.premium, as <c>renewedPremium</c> counts it. One Q renewing two P counts twice, as in the
/// renewal rate. The branch is P's.</para>
/// <para>Call list (待跟进名单): the branch's cohort policies pending as of D with expiry in
/// [D, D + 30], and no follow-up on P with <c>contact_date</c> in [D − 6, D]: with D = 2026-11-21 a
/// contact on 11-15 keeps P off the list, one on 11-14 does not. A follow-up dated after D is
/// ignored. Sorted most urgent first: by expiry, then premium (highest first), then policy number
/// and insurer for a stable order; the email shows the first <see cref="MorningEmailInput.CallListRows"/>
/// and the whole list goes in the attached workbook. The last contact is the latest follow-up on P
/// up to D by <c>contact_date</c>, then <c>followup_id</c> (as for lost reasons). The advisor is P's
/// (<c>advisor_id</c>, named from the reference data).</para>
/// <para>Group email: one line per configured branch, and per branch code found in the data but not
/// configured (named by its code), ranked by renewal rate, highest first, a null rate last, ties
/// by branch code. A branch's referral ratio is Σ <c>referredRepairValue</c> / Σ
/// <c>writtenPremium</c> over its §4.1 referral rows (sums of rounded lines, SPEC §3); the group
/// total uses the <c>*</c> renewal row and the group target is the default
/// <c>Metrics:Renewal:Target</c>.</para>
/// </remarks>
public static class MorningEmailBuilder
{
    /// <summary>The group total's branch code, as in the §4.1 rows.</summary>
    public const string All = "*";

    public static MorningEmails Build(MorningEmailInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(input.CallListRows, 1);
        var date = input.BusinessDate;
        var month = BusinessMonth.Of(date);
        var report = input.Metrics.Report;
        if (report.AsOf != date || report.Month != month)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The morning emails of {date:yyyy-MM-dd} need the metrics of {month} as of that date; got {report.Month} as of {report.AsOf:yyyy-MM-dd}."),
                nameof(input));
        }

        var names = new Names(input.Reference);
        var freshness = Freshness(input);
        var yesterday = YesterdayRenewalsByBranch(input.Renewals, date);
        var callLists = CallListsByBranch(input, names);

        var branchEmails = input.Reference.Branches
            .OrderBy(b => b.Code, StringComparer.Ordinal)
            .Select(b => new BranchMorningEmail(
                date,
                names.Branch(b.Code),
                input.Banner,
                yesterday.GetValueOrDefault(b.Code, YesterdayRenewals.None),
                Cohort(report, b.Code, month, input.Options.Renewal.TargetFor(b.Code)),
                Conversion(report, b.Code, input.Options),
                callLists.GetValueOrDefault(b.Code) ?? [],
                Referral(report, b.Code, names),
                freshness,
                History(input, b.Code, month),
                input.CallListRows))
            .ToList();

        var group = Group(input, names, yesterday, callLists, freshness);
        return new MorningEmails(branchEmails, group);
    }

    /// <summary>
    /// The branch's rate history: each kept closed cohort (<see cref="MorningEmailInput.CohortHistory"/>,
    /// oldest first; a month where the branch had nothing due shows no rate), then month(D)'s cohort
    /// to date, each against the branch's target. None when the history was not read.
    /// </summary>
    private static IReadOnlyList<RatePoint> History(MorningEmailInput input, string branch, BusinessMonth month)
    {
        if (input.CohortHistory is not { } history)
        {
            return [];
        }

        var target = input.Options.Renewal.TargetFor(branch);
        var closed = history
            .GroupBy(f => f.Month, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var final = g.FirstOrDefault(f => f.Branch == branch);
                var (due, renewed) = final is null ? (0, 0) : (checked((int)final.Due), checked((int)final.Renewed));
                return new RatePoint(BusinessMonth.Parse(g.Key), due, renewed, Rounding.Rate(renewed, due), target, Current: false);
            });
        var current = input.Metrics.Report.Renewal.FirstOrDefault(r => r.Branch == branch && r.Insurer == All && r.Advisor == All);
        return [.. closed, new RatePoint(month, current?.Due ?? 0, current?.Renewed ?? 0, current?.Rate, target, Current: true)];
    }

    private static Dictionary<string, YesterdayRenewals> YesterdayRenewalsByBranch(IEnumerable<RenewalVerdict> renewals, DateOnly date) =>
        renewals
            .Where(v => v.Renewal is { } q && q.IssueDate == date)
            .GroupBy(v => v.Branch, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => new YesterdayRenewals(g.Count(), g.Sum(v => Rounding.Money(v.Renewal!.Premium))),
                StringComparer.Ordinal);

    private static Dictionary<string, List<CallListEntry>> CallListsByBranch(MorningEmailInput input, Names names)
    {
        var date = input.BusinessDate;
        var ranges = MorningEmailRanges.For(date, input.Options);
        var recentFrom = date.AddDays(1 - MorningEmailRanges.RecentContactDays);
        var contacts = input.FollowUps
            .Where(f => f.ContactDate <= date)
            .ToLookup(f => f.PolicyKey);

        return input.Renewals
            .Where(v => v.Status == RenewalStatus.Pending && ranges.CallListExpiry.Contains(v.Expiring.ExpiryDate))
            .Select(v => (Verdict: v, Last: contacts[v.Expiring.Key]
                .OrderByDescending(f => f.ContactDate)
                .ThenByDescending(f => f.FollowUpId, StringComparer.Ordinal)
                .FirstOrDefault()))
            .Where(x => x.Last is null || x.Last.ContactDate < recentFrom)
            .OrderBy(x => x.Verdict.Expiring.ExpiryDate)
            .ThenByDescending(x => Rounding.Money(x.Verdict.Expiring.Premium))
            .ThenBy(x => x.Verdict.Expiring.PolicyNo, StringComparer.Ordinal)
            .ThenBy(x => x.Verdict.Expiring.InsurerCode, StringComparer.Ordinal)
            .GroupBy(x => x.Verdict.Branch, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => Entry(x.Verdict.Expiring, x.Last, date, names)).ToList(), StringComparer.Ordinal);
    }

    private static CallListEntry Entry(Policy p, FollowUp? last, DateOnly date, Names names) => new(
        p.PolicyNo,
        p.InsurerCode,
        names.Insurer(p.InsurerCode),
        p.Coverage,
        p.ExpiryDate,
        p.ExpiryDate.DayNumber - date.DayNumber,
        Rounding.Money(p.Premium),
        PersonalData.MaskName(p.CustomerName),
        PersonalData.MaskPhone(p.CustomerPhone),
        PersonalData.MaskPlate(p.PlateNo),
        last?.ContactDate,
        last?.Outcome,
        names.Advisor(p.AdvisorId));

    private static CohortSummary Cohort(MetricsReport report, string branch, BusinessMonth month, decimal target) =>
        CohortSummary.From(
            report.Renewal.FirstOrDefault(r => r.Branch == branch && r.Insurer == All && r.Advisor == All),
            month,
            target);

    /// <summary>The branch's conversion rows; a branch without a cohort has none, and shows every window empty.</summary>
    private static List<WindowLine> Conversion(MetricsReport report, string branch, MetricsOptions options)
    {
        var rows = report.Conversion.Where(r => r.Branch == branch).ToDictionary(r => r.Window, StringComparer.Ordinal);
        return options.Renewal.Windows
            .Select(w => rows.TryGetValue(w.Name, out var row)
                ? new WindowLine(w.Name, w.LowerDays, w.UpperDays, row.AtRisk, row.Converted, row.Contacted, row.Rate, row.Cumulative)
                : new WindowLine(w.Name, w.LowerDays, w.UpperDays, 0, 0, 0, null, null))
            .ToList();
    }

    private static List<ReferralLine> Referral(MetricsReport report, string branch, Names names) =>
        report.Referral
            .Where(r => r.Branch == branch)
            .Select(r => new ReferralLine(r.Insurer, names.Insurer(r.Insurer), r.ReferredRepairValue, r.WrittenPremium, r.Ratio, r.Target, r.Variance, r.ReturnRate))
            .ToList();

    private static List<FreshnessLine> Freshness(MorningEmailInput input) =>
        input.Freshness
            .Select(f => new FreshnessLine(
                f.Source,
                input.Sources.Sources.TryGetValue(f.Source, out var source) ? source.Dataset : null,
                f.Status,
                f.LatestExtractDate,
                f.LatestLoadedAt is { } at ? TimeZoneInfo.ConvertTime(at, input.BusinessZone).DateTime : null))
            .ToList();

    private static GroupMorningEmail Group(
        MorningEmailInput input,
        Names names,
        Dictionary<string, YesterdayRenewals> yesterday,
        Dictionary<string, List<CallListEntry>> callLists,
        List<FreshnessLine> freshness)
    {
        var report = input.Metrics.Report;
        var month = report.Month;
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        codes.UnionWith(input.Reference.Branches.Select(b => b.Code));
        codes.UnionWith(report.Renewal.Select(r => r.Branch));
        codes.UnionWith(report.Referral.Select(r => r.Branch));
        codes.UnionWith(yesterday.Keys);
        codes.UnionWith(callLists.Keys);
        codes.Remove(All);

        var lines = codes
            .Select(code => Line(
                names.Branch(code),
                Cohort(report, code, month, input.Options.Renewal.TargetFor(code)),
                yesterday.GetValueOrDefault(code, YesterdayRenewals.None),
                callLists.GetValueOrDefault(code)?.Count ?? 0,
                report.Referral.Where(r => r.Branch == code)))
            .OrderBy(l => l.Cohort.Rate is null)
            .ThenByDescending(l => l.Cohort.Rate)
            .ThenBy(l => l.Branch.Code, StringComparer.Ordinal)
            .ToList();
        var ranked = lines
            .Select((line, i) => line with { Rank = line.Cohort.Rate is null ? null : i + 1 })
            .ToList();

        var total = Line(
            new BranchName(All, "集团合计", ""),
            Cohort(report, All, month, input.Options.Renewal.Target),
            new YesterdayRenewals(yesterday.Values.Sum(y => y.Count), yesterday.Values.Sum(y => y.Premium)),
            callLists.Values.Sum(l => l.Count),
            report.Referral);
        return new GroupMorningEmail(input.BusinessDate, input.Banner, ranked, total, freshness);
    }

    private static GroupBranchLine Line(BranchName branch, CohortSummary cohort, YesterdayRenewals yesterday, int callListSize, IEnumerable<ReferralRow> referral)
    {
        var rows = referral.ToList();
        var referred = rows.Sum(r => r.ReferredRepairValue);
        var written = rows.Sum(r => r.WrittenPremium);
        return new GroupBranchLine(null, branch, cohort, yesterday, callListSize, referred, written, Rounding.Rate(referred, written));
    }

    /// <summary>Display names from the reference data; a code it does not list shows as itself.</summary>
    private sealed class Names(ReferenceDataOptions reference)
    {
        private readonly Dictionary<string, BranchOptions> _branches = reference.Branches
            .GroupBy(b => b.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        private readonly Dictionary<string, string> _advisors = reference.Advisors
            .GroupBy(a => a.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

        private readonly Dictionary<string, string> _insurers = reference.Insurers
            .GroupBy(i => i.Code, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

        public BranchName Branch(string code) =>
            _branches.TryGetValue(code, out var b) ? new BranchName(code, b.Name, b.Region) : new BranchName(code, "", "");

        public string Insurer(string code) => _insurers.TryGetValue(code, out var name) && name.Length > 0 ? name : code;

        public string Advisor(string? id) =>
            string.IsNullOrEmpty(id) ? "" : _advisors.TryGetValue(id, out var name) && name.Length > 0 ? name : id;
    }
}
