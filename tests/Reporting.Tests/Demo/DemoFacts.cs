using System.Globalization;
using System.Text;

namespace Reporting.Tests.Demo;

internal sealed record FactPolicy(
    string InsurerCode,
    string PolicyNo,
    string Coverage,
    string BusinessType,
    string BranchCode,
    string AdvisorId,
    string Vin,
    DateOnly IssueDate,
    DateOnly EffectiveDate,
    DateOnly ExpiryDate,
    decimal Premium,
    string Status,
    DateOnly? CancelDate);

internal sealed record FactClaim(
    string InsurerCode, string ClaimNo, string PolicyNo, DateOnly ReportDate, string RepairBranchCode, string Referred, string Status);

internal sealed record FactFollowUp(
    string InsurerCode, string PolicyNo, string BranchCode, DateOnly ContactDate, string Channel, string Outcome, string LostReason);

/// <summary>A cohort policy (SPEC §3.1) as of the business date, with its renewal if any.</summary>
internal sealed record CohortPolicy(FactPolicy Policy, FactPolicy? Renewal, bool Lapsed, IReadOnlyList<FactFollowUp> FollowUps)
{
    public int? Lead => Renewal is null ? null : Policy.ExpiryDate.DayNumber - Renewal.IssueDate.DayNumber;
}

/// <summary>Where a scenario happened: the month, and for which branch and insurer.</summary>
internal sealed record Occurrence(string Month, string Branch, string Insurer);

/// <summary>
/// What the generated rows say once loaded the way SPEC §2.5 loads them (the latest version of
/// each key wins), with a simple reading of the renewal rule of SPEC §3.1 — enough to count the
/// scenarios the demo promises, not a second implementation of the metrics.
/// </summary>
internal sealed class DemoFacts
{
    private const int Grace = 30;

    public DemoFacts(DemoFiles files)
    {
        BusinessDate = files.Options.BusinessDate;
        var businessMonth = new DateOnly(BusinessDate.Year, BusinessDate.Month, 1);
        LastYearMonths = [.. Enumerable.Range(1, 12).Reverse().Select(i => Month(businessMonth.AddMonths(-i)))];

        Policies = [.. Latest(files.CanonicalPolicyRows(), r => (r["insurer_code"], r["policy_no"])).Select(ToPolicy)];
        Claims = [.. Latest(files.CanonicalClaimRows(), r => (r["insurer_code"], r["claim_no"])).Select(r => new FactClaim(
            r["insurer_code"], r["claim_no"], r["policy_no"], r.Date("report_date")!.Value, r["repair_branch_code"], r["referred"], r["status"]))];
        FollowUps = [.. files.Rows(DemoFiles.FollowUps).Select(r => new FactFollowUp(
            r["insurer_code"], r["policy_no"], r["branch_code"], r.Date("contact_date")!.Value, r["channel"], r["outcome"], r["lost_reason"]))];
        PolicyByKey = Policies.ToDictionary(p => (p.InsurerCode, p.PolicyNo));
        CommercialByVin = Policies.Where(p => p.Coverage == "COMMERCIAL").ToLookup(p => p.Vin, StringComparer.Ordinal);
        NewCarCtpl = [.. Policies.Where(p => p.Coverage == "CTPL" && p.BusinessType == "NEW_CAR").Select(p => (p.Vin, p.IssueDate))];
        Cohort = BuildCohort();
    }

    public DateOnly BusinessDate { get; }

    /// <summary>The twelve calendar months before the business date's month, as <c>yyyy-MM</c>.</summary>
    public IReadOnlyList<string> LastYearMonths { get; }

    public IReadOnlyList<FactPolicy> Policies { get; }

    public IReadOnlyDictionary<(string InsurerCode, string PolicyNo), FactPolicy> PolicyByKey { get; }

    public ILookup<string, FactPolicy> CommercialByVin { get; }

    public IReadOnlyList<FactClaim> Claims { get; }

    public IReadOnlyList<FactFollowUp> FollowUps { get; }

    public IReadOnlyList<CohortPolicy> Cohort { get; }

    private HashSet<(string Vin, DateOnly IssueDate)> NewCarCtpl { get; }

    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string NormaliseVin(string vin) => vin.Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    public static string Band(decimal commercialPremium) => commercialPremium switch
    {
        < 2_000m => "below 2000",
        < 3_000m => "2000-3000",
        < 4_000m => "3000-4000",
        < 5_000m => "4000-5000",
        < 6_000m => "5000-6000",
        _ => "6000 and above",
    };

    public static string Window(int lead) => lead switch
    {
        > 90 => "EARLY",
        >= 61 => "W90",
        >= 46 => "W60",
        >= 31 => "W45",
        >= 1 => "W30",
        >= -Grace => "W0",
        _ => "BELOW",
    };

    /// <summary>Every occurrence of a named scenario; the names are <see cref="ScenarioNames"/>.</summary>
    public IEnumerable<Occurrence> Occurrences(string scenario)
    {
        var sold = Policies.Where(p => p.BranchCode.Length > 0).ToList();
        var commercial = sold.Where(p => p.Coverage == "COMMERCIAL").ToList();
        var closedCohort = Cohort.Where(c => c.Renewal is not null || c.Lapsed).ToList();
        return scenario switch
        {
            "new car pair" => commercial
                .Where(p => p.BusinessType == "NEW_CAR" && NewCarCtpl.Contains((p.Vin, p.IssueDate)))
                .Select(IssueOccurrence),
            var band when band.StartsWith("band ", StringComparison.Ordinal) =>
                commercial.Where(p => Band(p.Premium) == band[5..]).Select(IssueOccurrence),
            "empty advisor" => sold.Where(p => p.AdvisorId.Length == 0).Select(IssueOccurrence),
            "transfer in" => sold.Where(p => p.BusinessType == "TRANSFER_IN").Select(IssueOccurrence),
            "cancelled in issue month" => sold
                .Where(p => p.CancelDate is { } c && Month(c) == Month(p.IssueDate))
                .Select(p => new Occurrence(Month(p.CancelDate!.Value), p.BranchCode, p.InsurerCode)),
            "cancelled in a later month" => sold
                .Where(p => p.CancelDate is { } c && Month(c) != Month(p.IssueDate))
                .Select(p => new Occurrence(Month(p.CancelDate!.Value), p.BranchCode, p.InsurerCode)),
            var window when window.StartsWith("renewed in window ", StringComparison.Ordinal) =>
                Cohort.Where(c => c.Lead is { } lead && Window(lead) == window[18..]).Select(CohortOccurrence),
            "renewed at another branch" => Cohort
                .Where(c => c.Renewal is { } q && q.BranchCode != c.Policy.BranchCode).Select(CohortOccurrence),
            "renewed with another insurer" => Cohort
                .Where(c => c.Renewal is { } q && q.InsurerCode != c.Policy.InsurerCode).Select(CohortOccurrence),
            "renewed outside the group" => closedCohort
                .Where(c => c.Renewal is null && CommercialByVin[c.Policy.Vin].Any(q =>
                    q.BranchCode.Length == 0 && q.IssueDate > c.Policy.IssueDate))
                .Select(CohortOccurrence),
            "lapsed with a LOST follow-up" => closedCohort
                .Where(c => c.Lapsed && c.FollowUps.Any(f => f.Outcome == "LOST")).Select(CohortOccurrence),
            "lapsed without follow-up" => closedCohort
                .Where(c => c.Lapsed && c.FollowUps.Count == 0).Select(CohortOccurrence),
            "lapsed with follow-ups but no LOST" => closedCohort
                .Where(c => c.Lapsed && c.FollowUps.Count > 0 && c.FollowUps.All(f => f.Outcome != "LOST")).Select(CohortOccurrence),
            "claim referred" => Claims.Where(c => c.Referred == "Y").Select(ClaimOccurrence),
            "claim not referred" => Claims.Where(c => c.Referred == "N").Select(ClaimOccurrence),
            "claim repaired at the selling branch" => Claims
                .Where(c => c.RepairBranchCode.Length > 0 && SellingBranch(c) == c.RepairBranchCode).Select(ClaimOccurrence),
            "claim repaired at another branch" => Claims
                .Where(c => c.RepairBranchCode.Length > 0 && SellingBranch(c) is { Length: > 0 } b && b != c.RepairBranchCode)
                .Select(ClaimOccurrence),
            "claim repaired elsewhere" => Claims.Where(c => c.RepairBranchCode.Length == 0).Select(ClaimOccurrence),
            var status when status.StartsWith("claim status ", StringComparison.Ordinal) =>
                Claims.Where(c => c.Status == status[13..]).Select(ClaimOccurrence),
            var channel when channel.StartsWith("follow-up by ", StringComparison.Ordinal) =>
                FollowUps.Where(f => f.Channel == channel[13..]).Select(FollowUpOccurrence),
            var outcome when outcome.StartsWith("follow-up outcome ", StringComparison.Ordinal) =>
                FollowUps.Where(f => f.Outcome == outcome[18..]).Select(FollowUpOccurrence),
            var reason when reason.StartsWith("lost reason ", StringComparison.Ordinal) =>
                FollowUps.Where(f => f.LostReason == reason[12..]).Select(FollowUpOccurrence),
            _ => throw new ArgumentException("Unknown scenario " + scenario, nameof(scenario)),
        };
    }

    public static IEnumerable<string> ScenarioNames()
    {
        yield return "new car pair";
        foreach (var band in new[] { "below 2000", "2000-3000", "3000-4000", "4000-5000", "5000-6000", "6000 and above" })
        {
            yield return "band " + band;
        }

        yield return "empty advisor";
        yield return "transfer in";
        yield return "cancelled in issue month";
        yield return "cancelled in a later month";
        foreach (var window in new[] { "EARLY", "W90", "W60", "W45", "W30", "W0" })
        {
            yield return "renewed in window " + window;
        }

        yield return "renewed at another branch";
        yield return "renewed with another insurer";
        yield return "renewed outside the group";
        yield return "lapsed with a LOST follow-up";
        yield return "lapsed without follow-up";
        yield return "lapsed with follow-ups but no LOST";
        yield return "claim referred";
        yield return "claim not referred";
        yield return "claim repaired at the selling branch";
        yield return "claim repaired at another branch";
        yield return "claim repaired elsewhere";
        foreach (var status in new[] { "OPEN", "CLOSED", "WITHDRAWN" })
        {
            yield return "claim status " + status;
        }

        foreach (var channel in new[] { "SMS", "PHONE", "VISIT", "WECHAT" })
        {
            yield return "follow-up by " + channel;
        }

        foreach (var outcome in new[] { "NO_ANSWER", "CALLBACK", "QUOTED", "WON", "LOST" })
        {
            yield return "follow-up outcome " + outcome;
        }

        foreach (var reason in new[] { "PRICE", "INSURED_ELSEWHERE", "FRIEND_AT_INSURER", "VEHICLE_SOLD", "SERVICE_COMPLAINT", "OTHER" })
        {
            yield return "lost reason " + reason;
        }
    }

    private static Occurrence IssueOccurrence(FactPolicy p) => new(Month(p.IssueDate), p.BranchCode, p.InsurerCode);

    private static Occurrence CohortOccurrence(CohortPolicy c) =>
        new(Month(c.Policy.ExpiryDate), c.Policy.BranchCode, c.Policy.InsurerCode);

    private Occurrence ClaimOccurrence(FactClaim c) =>
        new(Month(c.ReportDate), c.RepairBranchCode.Length > 0 ? c.RepairBranchCode : SellingBranch(c) ?? "", c.InsurerCode);

    private static Occurrence FollowUpOccurrence(FactFollowUp f) => new(Month(f.ContactDate), f.BranchCode, f.InsurerCode);

    private string? SellingBranch(FactClaim claim) =>
        PolicyByKey.TryGetValue((claim.InsurerCode, claim.PolicyNo), out var policy) ? policy.BranchCode : null;

    private List<CohortPolicy> BuildCohort()
    {
        var followUps = FollowUps.ToLookup(f => (f.InsurerCode, f.PolicyNo));
        var cohort = new List<CohortPolicy>();
        foreach (var p in Policies)
        {
            var cancelledBeforeExpiry = p.Status == "CANCELLED" && p.CancelDate <= p.ExpiryDate;
            if (p.Coverage != "COMMERCIAL" || p.BranchCode.Length == 0 || cancelledBeforeExpiry || p.ExpiryDate > BusinessDate)
            {
                continue;
            }

            var renewal = CommercialByVin[p.Vin]
                .Where(q => q.BranchCode.Length > 0 && q.Status == "ACTIVE" && (q.InsurerCode, q.PolicyNo) != (p.InsurerCode, p.PolicyNo)
                    && q.EffectiveDate >= p.ExpiryDate.AddDays(-60) && q.EffectiveDate <= p.ExpiryDate.AddDays(1 + Grace)
                    && q.IssueDate <= BusinessDate)
                .OrderBy(q => q.EffectiveDate)
                .ThenBy(q => q.IssueDate)
                .ThenBy(q => q.PolicyNo, StringComparer.Ordinal)
                .FirstOrDefault();
            var lapsed = renewal is null && BusinessDate > p.ExpiryDate.AddDays(Grace);
            cohort.Add(new CohortPolicy(p, renewal, lapsed, [.. followUps[(p.InsurerCode, p.PolicyNo)]]));
        }

        return cohort;
    }

    private static List<ExtractRow> Latest<TKey>(IEnumerable<ExtractRow> rows, Func<ExtractRow, TKey> key)
        where TKey : notnull
    {
        var latest = new Dictionary<TKey, ExtractRow>();
        foreach (var row in rows.OrderBy(r => r.ExtractDate).ThenBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line))
        {
            latest[key(row)] = row;
        }

        return [.. latest.Values];
    }

    private static FactPolicy ToPolicy(ExtractRow r) => new(
        r["insurer_code"],
        r["policy_no"],
        r["coverage"],
        r["business_type"],
        r["branch_code"],
        r["advisor_id"],
        NormaliseVin(r["vin"]),
        r.Date("issue_date")!.Value,
        r.Date("effective_date")!.Value,
        r.Date("expiry_date")!.Value,
        r.Amount("premium"),
        r["status"],
        r.Date("cancel_date"));
}
