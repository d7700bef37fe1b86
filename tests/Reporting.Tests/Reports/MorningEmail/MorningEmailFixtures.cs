using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>Hand-made inputs and models for the morning email tests.</summary>
internal static class MorningEmailFixtures
{
    public static readonly DateOnly BusinessDate = 21.November(2026);

    public static readonly ReferenceDataOptions Reference = new()
    {
        Branches =
        [
            new BranchOptions { Code = "B01", Name = "深圳福田丰田4S店", Region = "深圳", ManagerEmails = ["manager.b01@dealer.example"] },
            new BranchOptions { Code = "B02", Name = "深圳南山本田4S店", Region = "深圳", ManagerEmails = ["manager.b02@dealer.example"] },
            new BranchOptions { Code = "B03", Name = "广州天河大众4S店", Region = "广州", ManagerEmails = ["manager.b03@dealer.example"] },
        ],
        Advisors = [new AdvisorOptions { Id = "A001", Name = "陈志强", Branch = "B01" }],
        Insurers = [new InsurerOptions { Code = "PICC", Name = "人保财险" }],
    };

    /// <summary>The models of one morning, built from hand-made policies and follow-ups through the real rules.</summary>
    public static MorningEmails Build(IEnumerable<Policy> policies, IEnumerable<FollowUp>? followUps = null, DateOnly? businessDate = null, MetricsOptions? options = null)
    {
        var date = businessDate ?? BusinessDate;
        var list = policies.ToList();
        var contacts = followUps?.ToList() ?? [];
        options ??= MetricsOptions.CreateDefault();
        var metrics = MetricsCalculator.Calculate(new MetricsInput(date, BusinessMonth.Of(date), list, [], contacts, options));
        var renewals = MorningEmailRanges.For(date, options).Renewals(list, date, options);
        return MorningEmailBuilder.Build(new MorningEmailInput(
            date, metrics, renewals, contacts, [], Reference, options, new SourcesOptions(), TimeZoneInfo.Utc, null));
    }

    public static BranchMorningEmail Branch(this MorningEmails emails, string code) =>
        emails.Branches.Single(b => b.Branch.Code == code);

    public static readonly IReadOnlyList<FreshnessLine> Freshness =
    [
        new("claims", ExtractDataset.Claims, FreshnessStatus.Late, 20.November(2026), new DateTime(2026, 11, 21, 6, 5, 0, DateTimeKind.Unspecified)),
        new("followups", ExtractDataset.FollowUps, FreshnessStatus.OnTime, 21.November(2026), new DateTime(2026, 11, 22, 6, 12, 30, DateTimeKind.Unspecified)),
        new("pingan_policies", ExtractDataset.Policies, FreshnessStatus.Failed, 20.November(2026), new DateTime(2026, 11, 21, 6, 20, 0, DateTimeKind.Unspecified)),
        new("policies", ExtractDataset.Policies, FreshnessStatus.OnTime, 21.November(2026), new DateTime(2026, 11, 22, 6, 10, 0, DateTimeKind.Unspecified)),
    ];

    /// <summary>A fixed branch email for the golden file: every section filled, one of each edge.</summary>
    public static BranchMorningEmail BranchEmail(string? banner = null, string maskedName = "张*") => new(
        BusinessDate,
        new BranchName("B01", "深圳福田丰田4S店", "深圳"),
        banner,
        new YesterdayRenewals(3, 12_345.67m),
        new CohortSummary(new BusinessMonth(2026, 11), 125, 412_500.00m, 83, 280_120.50m, 30, 12, 0.6640m, 0.70m),
        [
            new WindowLine("W90", 61, 90, 125, 10, 40, 0.0800m, 0.0800m),
            new WindowLine("W60", 46, 60, 115, 20, 60, 0.1739m, 0.2400m),
            new WindowLine("W45", 31, 45, 95, 25, 70, 0.2632m, 0.4400m),
            new WindowLine("W30", 1, 30, 70, 25, 50, 0.3571m, 0.6400m),
            new WindowLine("W0", -30, 0, 0, 0, 0, null, null),
        ],
        [
            new CallListEntry("PICC2025110001", "PICC", "人保财险", Coverage.COMMERCIAL, 23.November(2026), 2, 3_456.00m, maskedName, "138****1234", "粤B***45", 10.November(2026), FollowUpOutcome.QUOTED, "陈志强"),
            new CallListEntry("PA2025110002", "PINGAN", "平安产险", Coverage.COMMERCIAL, 15.December(2026), 24, 5_120.30m, "欧***", "****5678", "粤B****88", null, null, ""),
        ],
        [
            new ReferralLine("PICC", "人保财险", 60_000.00m, 100_000.00m, 0.6000m, 0.5m, 0.1000m, 0.7500m),
            new ReferralLine("PINGAN", "平安产险", 12_000.00m, 40_000.00m, 0.3000m, 0.5m, -0.2000m, null),
            new ReferralLine("SUNSHINE", "阳光产险", 5_000.00m, 0m, null, 0.5m, null, 1.0000m),
        ],
        Freshness,
        [
            new RatePoint(new BusinessMonth(2026, 4), 110, 80, 0.7273m, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 5), 120, 82, 0.6833m, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 6), 0, 0, null, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 7), 130, 96, 0.7385m, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 8), 118, 70, 0.5932m, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 9), 125, 88, 0.7040m, 0.70m, false),
            new RatePoint(new BusinessMonth(2026, 11), 125, 83, 0.6640m, 0.70m, true),
        ]);

    /// <summary>A fixed group email for the golden file: a branch below target, one above, one without a cohort.</summary>
    public static GroupMorningEmail GroupEmail(string? banner = null) => new(
        BusinessDate,
        banner,
        [
            new GroupBranchLine(1, new BranchName("B02", "深圳南山本田4S店", "深圳"), new CohortSummary(new BusinessMonth(2026, 11), 100, 300_000m, 75, 230_000m, 20, 5, 0.7500m, 0.70m), new YesterdayRenewals(2, 8_000m), 14, 20_000m, 50_000m, 0.4000m),
            new GroupBranchLine(2, new BranchName("B01", "深圳福田丰田4S店", "深圳"), new CohortSummary(new BusinessMonth(2026, 11), 125, 412_500m, 83, 280_120.50m, 30, 12, 0.6640m, 0.70m), new YesterdayRenewals(3, 12_345.67m), 2, 77_000m, 140_000m, 0.5500m),
            new GroupBranchLine(null, new BranchName("B03", "广州天河大众4S店", "广州"), new CohortSummary(new BusinessMonth(2026, 11), 0, 0m, 0, 0m, 0, 0, null, 0.70m), YesterdayRenewals.None, 0, 0m, 0m, null),
        ],
        new GroupBranchLine(null, new BranchName("*", "集团合计", ""), new CohortSummary(new BusinessMonth(2026, 11), 225, 712_500m, 158, 510_120.50m, 50, 17, 0.7022m, 0.70m), new YesterdayRenewals(5, 20_345.67m), 16, 97_000m, 190_000m, 0.5105m),
        Freshness);
}
