using System.Text;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>SPEC §2.5 and §2.6 against real SQLite and real PostgreSQL.</summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class LoadingTests(string provider)
{
    private static readonly DateOnly Far = new(2099, 12, 31);
    private TestStore _store = null!;
    private SourcesOptions _sources = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = await TestStore.CreateAsync(provider);
        _sources = TestStore.ConfiguredSources();
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task Loading_the_same_file_twice_changes_nothing()
    {
        var file = _store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1"), CanonicalCsv.Policy("P2", coverage: "CTPL", premium: "950.00")));
        var first = await Load(file);
        var before = await _store.SnapshotAsync();

        var second = await Load(file);

        Assert.That(first.Outcome, Is.EqualTo(LoadOutcome.Loaded));
        Assert.That(second.Outcome, Is.EqualTo(LoadOutcome.AlreadyLoaded));
        Assert.That(second.IngestId, Is.EqualTo(first.IngestId));
        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task The_same_content_under_a_later_extract_date_is_a_new_version()
    {
        var monday = CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "100.00"));
        await Load(_store.WriteFile("policies_20261012.csv", monday));
        await Load(_store.WriteFile("policies_20261013.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "200.00"))));

        var wednesday = await Load(_store.WriteFile("policies_20261014.csv", monday));

        Assert.That(wednesday.Outcome, Is.EqualTo(LoadOutcome.Loaded), "same bytes, another extract");
        Assert.That((await _store.Store.GetPoliciesAsync(new DateOnly(2026, 10, 14))).Single().Premium, Is.EqualTo(100.00m));
    }

    [Test]
    public async Task Header_only_files_of_quiet_days_are_each_recorded_in_the_ledger()
    {
        await Load(_store.WriteFile("policies_20261017.csv", CanonicalCsv.Policies()));
        await Load(_store.WriteFile("policies_20261018.csv", CanonicalCsv.Policies()));

        var ledger = await _store.Store.GetLedgerAsync();

        Assert.That(ledger.Select(l => (l.ExtractDate, l.Status, l.RowsRead)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 10, 17), IngestStatus.LOADED, 0L),
            (new DateOnly(2026, 10, 18), IngestStatus.LOADED, 0L),
        }));
    }

    [Test]
    public async Task A_corrected_file_with_the_same_name_replaces_the_rows_it_changes()
    {
        var file = _store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3500.00"), CanonicalCsv.Policy("P2", premium: "4000.00")));
        await Load(file);
        _store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3600.00")));

        var corrected = await Load(file);
        var policies = await _store.Store.GetPoliciesAsync(Far);

        Assert.That(corrected.Outcome, Is.EqualTo(LoadOutcome.Loaded));
        Assert.That(policies.Single(p => p.PolicyNo == "P1").Premium, Is.EqualTo(3600.00m), "the corrected row wins");
        Assert.That(policies.Single(p => p.PolicyNo == "P2").Premium, Is.EqualTo(4000.00m), "a row the correction does not repeat stays");
        Assert.That(await _store.Store.GetLedgerAsync(), Has.Count.EqualTo(2), "both versions are in the ledger");
    }

    [Test]
    public async Task A_GB18030_file_with_Chinese_headers_maps_and_loads()
    {
        var header = "保单号,保险公司,险种,业务类型,门店代码,业务员工号,车架号,车牌号,被保险人,联系电话,证件号码,出单日期,起保日期,终保日期,保费,保单状态,退保日期,退保保费";
        var line = "PA2026001,PINGAN,商业险,转保,B02,A007,LFV2A21K5D4000001,粤B88888,李四,13900001111,440301198805051234,2026/10/10,2026/10/11,2027/10/10,4200.50,退保,2026/10/20,1000.00";
        var file = _store.WriteFile("pingan_policies_20261020.csv", header + "\r\n" + line + "\r\n", TextEncodings.Gb18030);

        var result = await _store.Loader().LoadFileAsync(_sources.Get("pingan_policies"), file);
        var policy = (await _store.Store.GetPoliciesAsync(Far)).Single();

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That(policy, Is.EqualTo(new Policy(
            "PINGAN", "PA2026001", Coverage.COMMERCIAL, BusinessType.TRANSFER_IN, "B02", "A007", "LFV2A21K5D4000001", "粤B88888", "李四", "13900001111",
            new DateOnly(2026, 10, 10), new DateOnly(2026, 10, 11), new DateOnly(2027, 10, 10), 4200.50m, PolicyStatus.CANCELLED, new DateOnly(2026, 10, 20), 1000.00m)));
    }

    [TestCase("lsvab1234567890ab")]
    [TestCase("ＬＳＶＡＢ１２３４５６７８９０ＡＢ")]
    [TestCase("  LSVAB1234567890AB  ")]
    [TestCase("ｌｓｖａｂ1234567890ab")]
    public async Task Vins_are_normalised_to_trimmed_half_width_upper_case(string vin)
    {
        var file = _store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", vin: '"' + vin + '"')));

        var result = await Load(file);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That((await _store.Store.GetPoliciesAsync(Far)).Single().Vin, Is.EqualTo("LSVAB1234567890AB"));
    }

    [Test]
    public async Task A_run_sees_only_extracts_dated_on_or_before_its_business_date()
    {
        await Load(_store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1"))));
        await Load(_store.WriteFile("policies_20261020.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", status: "CANCELLED", cancel: "2026-10-20", refund: "1000.00"),
            CanonicalCsv.Policy("P2"))));

        var before = await _store.Store.GetPoliciesAsync(new DateOnly(2026, 10, 19));
        var after = await _store.Store.GetPoliciesAsync(new DateOnly(2026, 10, 20));

        Assert.That(before.Select(p => (p.PolicyNo, p.Status)), Is.EqualTo(new[] { ("P1", PolicyStatus.ACTIVE) }));
        Assert.That(after.OrderBy(p => p.PolicyNo, StringComparer.Ordinal).Select(p => (p.PolicyNo, p.Status)),
            Is.EqualTo(new[] { ("P1", PolicyStatus.CANCELLED), ("P2", PolicyStatus.ACTIVE) }));
    }

    [Test]
    public async Task A_late_loaded_older_extract_does_not_override_a_newer_one()
    {
        await Load(_store.WriteFile("policies_20261020.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", status: "CANCELLED", cancel: "2026-10-20", refund: "10.00"))));
        await Load(_store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1"))));

        var seen = (await _store.Store.GetPoliciesAsync(Far)).Single();

        Assert.That(seen.Status, Is.EqualTo(PolicyStatus.CANCELLED), "versions order by extract date, not by load order");
    }

    [Test]
    public async Task Of_two_extracts_of_one_date_the_later_file_name_wins_whatever_the_load_order()
    {
        // Both files are dated 2026-10-20 and hold PINGAN/PA1; "policies_…" sorts after
        // "pingan_policies_…" byte by byte, so its version is the one a run sees, although the
        // other file was loaded after it.
        await Load(_store.WriteFile("policies_20261020.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("PA1", insurer: "PINGAN", premium: "100.00"))));
        var header = "保单号,保险公司,险种,业务类型,门店代码,业务员工号,车架号,车牌号,被保险人,联系电话,证件号码,出单日期,起保日期,终保日期,保费,保单状态,退保日期,退保保费";
        var line = "PA1,PINGAN,商业险,续保,B01,A001,LSVAB1234567890AB,粤B12345,张三,13800001234,440301199001011234,2026/10/01,2026/10/02,2027/10/01,200.00,有效,,";
        var later = _store.WriteFile("pingan_policies_20261020.csv", header + "\r\n" + line + "\r\n", TextEncodings.Gb18030);
        Assert.That((await _store.Loader().LoadFileAsync(_sources.Get("pingan_policies"), later)).Outcome, Is.EqualTo(LoadOutcome.Loaded));

        var seen = (await _store.Store.GetPoliciesAsync(Far)).Single();
        var sums = await _store.Store.GetBranchMonthTotalsAsync(Far, new DateRange(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)));

        Assert.That(seen.Premium, Is.EqualTo(100.00m));
        Assert.That(sums.Single().IssuedPremium, Is.EqualTo(100.00m));
    }

    [Test]
    public async Task Within_one_file_the_later_line_of_a_duplicate_key_wins()
    {
        var file = _store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "100.00"), CanonicalCsv.Policy("P1", premium: "200.00")));

        var result = await Load(file);

        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(1));
        Assert.That(result.Counts.RowsDuplicate, Is.EqualTo(1));
        Assert.That((await _store.Store.GetPoliciesAsync(Far)).Single().Premium, Is.EqualTo(200.00m));
    }

    [Test]
    public async Task The_ledger_records_name_hash_counts_and_premium()
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "100.10"), CanonicalCsv.Policy("P2", premium: "-5.00"), CanonicalCsv.Policy("P3", premium: "200.20"));
        var file = _store.WriteFile("policies_20261015.csv", content);
        var sources = TestStore.ConfiguredSources();
        sources.Get("policies").RejectThreshold = 0.5;

        await _store.Loader().LoadFileAsync(sources.Get("policies"), file);
        var entry = (await _store.Store.GetLedgerAsync()).Single();

        Assert.That(entry.FileName, Is.EqualTo("policies_20261015.csv"));
        Assert.That(entry.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content)))));
        Assert.That((entry.Status, entry.RowsRead, entry.RowsLoaded, entry.RowsRejected), Is.EqualTo((IngestStatus.LOADED, 3L, 2L, 1L)));
        Assert.That(entry.Premium, Is.EqualTo(300.30m));
        Assert.That(entry.ExtractDate, Is.EqualTo(new DateOnly(2026, 10, 15)));
    }

    [Test]
    public async Task Claims_and_follow_ups_load_with_latest_version_winning()
    {
        await _store.Loader().LoadFileAsync(_sources.Get("claims"), _store.WriteFile("claims_20261004.csv",
            CanonicalCsv.File(CanonicalCsv.ClaimHeader, [CanonicalCsv.Claim("C1")])));
        await _store.Loader().LoadFileAsync(_sources.Get("claims"), _store.WriteFile("claims_20261010.csv",
            CanonicalCsv.File(CanonicalCsv.ClaimHeader, [CanonicalCsv.Claim("C1", status: "CLOSED", paid: "4800.00", close: "2026-10-10")])));
        await _store.Loader().LoadFileAsync(_sources.Get("followups"), _store.WriteFile("followups_20261004.csv",
            CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F1", outcome: "LOST", lostReason: "PRICE", note: "\"嫌贵, 说\"\"外面便宜\"\"\"")])));

        var claimThen = (await _store.Store.GetClaimsAsync(new DateOnly(2026, 10, 9))).Single();
        var claimNow = (await _store.Store.GetClaimsAsync(Far)).Single();
        var followUp = (await _store.Store.GetFollowUpsAsync(Far)).Single();

        Assert.That((claimThen.Status, claimThen.PaidAmount), Is.EqualTo((ClaimStatus.OPEN, 0.00m)));
        Assert.That((claimNow.Status, claimNow.PaidAmount, claimNow.CloseDate), Is.EqualTo((ClaimStatus.CLOSED, 4800.00m, (DateOnly?)new DateOnly(2026, 10, 10))));
        Assert.That((followUp.Outcome, followUp.LostReason, followUp.Note), Is.EqualTo((FollowUpOutcome.LOST, (LostReason?)LostReason.PRICE, "嫌贵, 说\"外面便宜\"")));
    }

    [Test]
    public async Task Policies_can_be_read_by_date_range_of_their_latest_version()
    {
        await Load(_store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", expiry: "2026-11-05"),
            CanonicalCsv.Policy("P2", expiry: "2026-12-05"))));
        await Load(_store.WriteFile("policies_20261016.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P2", expiry: "2026-11-30"))));

        var november = await _store.Store.GetPoliciesAsync(Far, new PolicySelection(Expiry: new DateRange(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30))));
        var novemberBefore = await _store.Store.GetPoliciesAsync(new DateOnly(2026, 10, 15), new PolicySelection(Expiry: new DateRange(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30))));

        Assert.That(november.Select(p => p.PolicyNo).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "P1", "P2" }));
        Assert.That(novemberBefore.Select(p => p.PolicyNo), Is.EqualTo(new[] { "P1" }));
    }

    private Task<LoadResult> Load(string file) => _store.Loader().LoadFileAsync(_sources.Get("policies"), file);
}
