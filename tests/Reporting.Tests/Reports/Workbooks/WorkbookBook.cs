using Reporting.Jobs.Delivery;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>
/// A small hand-made book for the workbook tests, in a store held in memory (no I/O): October 2026
/// sales of two branches with two insurers, a clawback of an August sale, a policy sold and cancelled
/// in October, referred claims, and the September 2026 cohort (closed as of 2026-10-31) with renewals,
/// a switch of insurer and lapses with and without follow-ups.
/// </summary>
internal static class WorkbookBook
{
    public static readonly DateOnly AsOf = new(2026, 10, 31);

    public static readonly BusinessMonth October = new(2026, 10);

    public static IReadOnlyList<(Policy Policy, long IngestId)> Policies()
    {
        Policy august = Policies_.Commercial("P-AUG").SoldBy("B01", "A001").IssuedOn(10.August(2026)).EffectiveOn(11.August(2026))
            .Premium(4200m).CancelledOn(12.October(2026), 2100.50m);
        List<(Policy, long)> book =
        [
            (Policies_.Commercial("P-101").SoldBy("B01", "A001").IssuedOn(3.October(2026)).EffectiveOn(5.October(2026)).Premium(3333.33m), 2),
            (Policies_.Ctpl("P-102").SoldBy("B01", "A001").IssuedOn(3.October(2026)).EffectiveOn(5.October(2026)).Premium(950m), 2),
            (Policies_.Commercial("P-103").SoldBy("B01", "A002").IssuedOn(9.October(2026)).EffectiveOn(10.October(2026)).Premium(6120.45m), 2),
            (Policies_.Commercial("C-201").Insurer("CPIC").SoldBy("B01", "A002").IssuedOn(15.October(2026)).EffectiveOn(16.October(2026)).Premium(1999.99m), 2),
            (Policies_.Commercial("P-301").SoldBy("B02", "A006").IssuedOn(20.October(2026)).EffectiveOn(21.October(2026)).Premium(5000m), 3),
            (Policies_.Commercial("P-302").SoldBy("B02", "A006").IssuedOn(21.October(2026)).EffectiveOn(22.October(2026)).Premium(2500m)
                .CancelledOn(28.October(2026), 2400m), 3),
            (Policies_.Commercial("P-303").SoldBy(null, "A007").IssuedOn(22.October(2026)).EffectiveOn(23.October(2026)).Premium(3100m), 3),
            (august, 3),
            // The September cohort (expiring in September 2026).
            (Policies_.Commercial("S-1").SoldBy("B01", "A001").ExpiringOn(5.September(2026)).Premium(3000m).ForVin("LVINS100000000001"), 1),
            (Policies_.Commercial("S-2").SoldBy("B01", "A002").ExpiringOn(12.September(2026)).Premium(4000m).ForVin("LVINS200000000002"), 1),
            (Policies_.Commercial("S-3").SoldBy("B01", "A002").ExpiringOn(20.September(2026)).Premium(2500m).ForVin("LVINS300000000003"), 1),
            (Policies_.Commercial("S-4").SoldBy("B02", "A006").ExpiringOn(25.September(2026)).Premium(5200m).ForVin("LVINS400000000004"), 1),
            (Policies_.Commercial("S-5").SoldBy("B02", null).ExpiringOn(30.September(2026)).Premium(1800m).ForVin("LVINS500000000005"), 1),
            // Their renewals: S-1 at B01 with PICC 40 days ahead, S-4 switched to CPIC 10 days ahead.
            (Policies_.Commercial("R-1").SoldBy("B01", "A001").ForVin("LVINS100000000001").EffectiveOn(6.September(2026)).IssuedOn(27.July(2026)).Premium(3100m), 1),
            (Policies_.Commercial("R-4").Insurer("CPIC").SoldBy("B02", "A006").ForVin("LVINS400000000004").EffectiveOn(26.September(2026)).IssuedOn(15.September(2026)).Premium(5300m), 1),
        ];
        return book;
    }

    public static IReadOnlyList<Claim> Claims()
    {
        var p101 = Policies().Single(p => p.Policy.PolicyNo == "P-101").Policy;
        var p301 = Policies().Single(p => p.Policy.PolicyNo == "P-301").Policy;
        return
        [
            Claims_.On(p101, "CL-1").ReportedOn(20.October(2026)).ReferredTo("B01").Assessed(1500.25m),
            Claims_.On(p301, "CL-2").ReportedOn(25.October(2026)).RepairedAt("B01").Assessed(800m),
        ];
    }

    public static IReadOnlyList<FollowUp> FollowUps()
    {
        var s2 = Policies().Single(p => p.Policy.PolicyNo == "S-2").Policy;
        var s3 = Policies().Single(p => p.Policy.PolicyNo == "S-3").Policy;
        return
        [
            FollowUps_.On(s2, "F-1").ContactedOn(20.August(2026)).Outcome(FollowUpOutcome.QUOTED),
            FollowUps_.On(s2, "F-2").ContactedOn(1.September(2026)).Lost(LostReason.PRICE),
            FollowUps_.On(s3, "F-3").ContactedOn(1.September(2026)).Outcome(FollowUpOutcome.NO_ANSWER),
        ];
    }

    public static IReadOnlyList<IngestEntry> Ledger() =>
    [
        Entry(1, "policies_20260930.csv", new DateOnly(2026, 9, 30), 9, 9, 0, 0, 0, 28_900m),
        Entry(2, "policies_20261015.csv", new DateOnly(2026, 10, 15), 6, 4, 1, 1, 0, 12_403.77m),
        Entry(3, "pingan_policies_20261031.csv", new DateOnly(2026, 10, 31), 5, 4, 0, 0, 1, 14_800m),
    ];

    public static IngestEntry Entry(long id, string file, DateOnly extractDate, long read, long loaded, long rejected, long duplicate, long skipped, decimal premium) =>
        new(id, file.StartsWith("pingan", StringComparison.Ordinal) ? "pingan_policies" : "policies", "Policies", file, extractDate, "sha" + id,
            IngestStatus.LOADED, read, loaded, rejected, duplicate, skipped, 0, premium,
            new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 1, 2, 0, 1, TimeSpan.Zero), null);

    public static MetricsOptions Metrics()
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.DefaultSchedule[0].MinWrittenPremium = 10_000m;
        options.Commission.DefaultSchedule[1].MinWrittenPremium = 5_000m;
        options.Renewal.BranchTargets["B02"] = 0.75m;
        return options;
    }

    public static ReferenceDataOptions Reference() => new()
    {
        Branches =
        [
            new BranchOptions { Code = "B01", Name = "深圳福田丰田4S店", Region = "深圳", ManagerEmails = ["manager.b01@dealer.example"] },
            new BranchOptions { Code = "B02", Name = "深圳南山本田4S店", Region = "深圳", ManagerEmails = ["manager.b02@dealer.example"] },
        ],
        Advisors =
        [
            new AdvisorOptions { Id = "A001", Name = "陈志强", Branch = "B01" },
            new AdvisorOptions { Id = "A002", Name = "李晓婷", Branch = "B01" },
            new AdvisorOptions { Id = "A006", Name = "王芳", Branch = "B02" },
        ],
        Insurers = [new InsurerOptions { Code = "PICC", Name = "人保财险" }, new InsurerOptions { Code = "CPIC", Name = "太保产险" }],
    };

    public static ReportContext Context(IReportingStore? store = null, bool attach = true) => new(
        store ?? new InMemoryStore(Policies(), Claims(), FollowUps(), Ledger()),
        new SourcesOptions(),
        Reference(),
        Metrics(),
        new DeliveryOptions
        {
            FinanceRecipients = ["finance@dealer.example"],
            GroupRecipients = ["gm@dealer.example"],
            AttachWorkbooks = attach,
        });

    // Aliases: the builders' entry points share their names with this class's methods.
    private static class Policies_
    {
        public static PolicyBuilder Commercial(string no) => Reporting.Testing.Builders.Policies.Commercial(no);

        public static PolicyBuilder Ctpl(string no) => Reporting.Testing.Builders.Policies.Ctpl(no);
    }

    private static class Claims_
    {
        public static ClaimBuilder On(Policy policy, string no) => Reporting.Testing.Builders.Claims.On(policy, no);
    }

    private static class FollowUps_
    {
        public static FollowUpBuilder On(Policy policy, string no) => Reporting.Testing.Builders.FollowUps.On(policy, no);
    }
}

/// <summary>An <see cref="IReportingStore"/> over fixed lists: every read returns everything (the rules filter by date).</summary>
internal sealed class InMemoryStore(
    IReadOnlyList<(Policy Policy, long IngestId)> policies,
    IReadOnlyList<Claim> claims,
    IReadOnlyList<FollowUp> followUps,
    IReadOnlyList<IngestEntry> ledger) : IReportingStore
{
    public string Provider => "memory";

    public Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(ledger);

    public Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Policy>>([.. policies.Select(p => p.Policy)]);

    public Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PolicyVersion>>([.. policies.Select(p => new PolicyVersion(p.Policy, p.IngestId))]);

    public Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(claims);

    public Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(followUps);

    public Task<IReadOnlyList<BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default) =>
        Task.FromResult(BranchMonthTotals.Between(
            BranchMonthTotals.From(policies.Select(p => p.Policy), claims), BusinessMonth.Of(period.From), BusinessMonth.Of(period.To)));

    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<long> RecordPullAsync(PulledFile pull, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PulledFile?> FindLatestPullAsync(string source, string remotePath, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<PulledFile>> GetPullsAsync(string? source = null, string? localFileName = null, int limit = 100, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task RecordArchiveAsync(long pullId, string archivePath, DateTimeOffset archivedAt, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <summary>Closed cohorts' kept figures, as the store keeps them: the first figures of a month and branch win.</summary>
    private readonly List<CohortFinal> _finals = [];

    public Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CohortFinal>>([.. _finals
            .Where(f => string.CompareOrdinal(f.Month, firstMonth) >= 0 && string.CompareOrdinal(f.Month, lastMonth) <= 0)
            .OrderBy(f => f.Month, StringComparer.Ordinal).ThenBy(f => f.Branch, StringComparer.Ordinal)]);

    public Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default)
    {
        _finals.AddRange(finals.Where(f => !_finals.Any(k => k.Month == f.Month && k.Branch == f.Branch)));
        return Task.CompletedTask;
    }
}
