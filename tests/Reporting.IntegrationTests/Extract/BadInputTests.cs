using System.Text;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// Every kind of bad input an extract can bring (SPEC §2.6, docs/loading.md): each test loads a good
/// file first, then the bad input, and checks the documented outcome, that the message names file,
/// line and column, and that what the store held before is untouched.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed partial class BadInputTests(string provider)
{
    private const string GoodFile = "policies_20261014.csv";
    private const string BadFile = "policies_20261015.csv";
    private static readonly DateOnly Far = new(2099, 12, 31);

    /// <summary>The personal data of <see cref="CanonicalCsv.Policy"/>: never in a reject, a warning or an error (SPEC §7).</summary>
    private static readonly string[] PersonalData = ["张三", "13800001234", "440301199001011234", "粤B12345"];

    private TestStore _store = null!;
    private SourcesOptions _sources = null!;
    private IReadOnlyList<Policy> _earlier = null!;
    private string _before = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = await TestStore.CreateAsync(provider);
        _sources = TestStore.ConfiguredSources();
        var good = await Load(_store.WriteFile(GoodFile, CanonicalCsv.Policies(CanonicalCsv.Policy("P0"), CanonicalCsv.Policy("P1", premium: "3500.00"))));
        Assert.That(good.Outcome, Is.EqualTo(LoadOutcome.Loaded), good.Error);
        _earlier = await _store.Store.GetPoliciesAsync(Far);
        _before = await _store.SnapshotAsync();
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    // ---- rows rejected: the file loads (under the threshold), the row does not -----------------

    [TestCase("issue_date=2026/10/01", "issue_date", "unparsable date", TestName = "A_row_with_a_date_not_in_ISO_form_is_rejected_naming_the_column")]
    [TestCase("effective_date=2026-02-30", "effective_date", "unparsable date", TestName = "A_row_with_an_impossible_date_is_rejected_naming_the_column")]
    [TestCase("expiry_date=", "expiry_date", "missing date", TestName = "A_row_with_an_empty_required_date_is_rejected_naming_the_column")]
    [TestCase("premium=\"12,34\"", "premium", "unparsable amount", TestName = "A_row_with_a_decimal_comma_amount_is_rejected_naming_the_column")]
    [TestCase("premium=\"1,234.00\"", "premium", "unparsable amount", TestName = "A_row_with_a_thousands_separator_in_an_amount_is_rejected_naming_the_column")]
    [TestCase("premium=abc", "premium", "unparsable amount", TestName = "A_row_with_a_non_numeric_amount_is_rejected_naming_the_column")]
    [TestCase("premium=¥12", "premium", "unparsable amount", TestName = "A_row_with_a_currency_sign_in_an_amount_is_rejected_naming_the_column")]
    [TestCase("premium=12.345", "premium", "more than 2 decimals", TestName = "A_row_with_an_amount_of_three_decimals_is_rejected_naming_the_column")]
    [TestCase("premium=-1.00", "premium", "negative amount", TestName = "A_row_with_a_negative_premium_is_rejected_naming_the_column")]
    [TestCase("premium=", "premium", "missing amount", TestName = "A_row_without_a_premium_is_rejected_naming_the_column")]
    [TestCase("effective_date=2026-10-02;expiry_date=2026-10-01", "expiry_date", "expiry_date is before effective_date", TestName = "A_row_with_expiry_before_effective_is_rejected_naming_the_column")]
    [TestCase("status=CANCELLED;cancel_date=2026-10-10;refund_premium=9999.01", "refund_premium", "refund_premium is above premium", TestName = "A_row_with_refund_above_premium_is_rejected_naming_the_column")]
    [TestCase("coverage=commercial", "coverage", "not one of CTPL, COMMERCIAL", TestName = "A_row_with_an_enum_in_the_wrong_case_is_rejected_naming_the_column")]
    [TestCase("coverage=商业", "coverage", "not one of CTPL, COMMERCIAL", TestName = "A_row_with_an_unmapped_Chinese_enum_value_is_rejected_naming_the_column")]
    [TestCase("business_type=1", "business_type", "not one of NEW_CAR, RENEWAL, TRANSFER_IN", TestName = "A_row_with_a_numeric_enum_code_is_rejected_naming_the_column")]
    [TestCase("status=退保", "status", "not one of ACTIVE, CANCELLED", TestName = "A_row_with_a_source_value_the_canonical_source_does_not_map_is_rejected")]
    [TestCase("vin=LSVAB1234567890A", "vin", "has 16", TestName = "A_row_with_a_short_VIN_is_rejected_naming_the_column")]
    [TestCase("vin=LSVAB1234567890ABC", "vin", "has 18", TestName = "A_row_with_a_long_VIN_is_rejected_naming_the_column")]
    [TestCase("vin=ＬＳＶＡＢ１２３４５６７８９０Ａ", "vin", "has 16", TestName = "A_row_with_a_full_width_VIN_short_after_normalisation_is_rejected")]
    [TestCase("policy_no=", "policy_no", "missing key", TestName = "A_row_with_an_empty_policy_no_is_rejected_as_missing_key")]
    [TestCase("insurer_code=", "insurer_code", "missing key", TestName = "A_row_with_an_empty_insurer_code_is_rejected_as_missing_key")]
    [TestCase("status=CANCELLED;refund_premium=100.00", "cancel_date", "needs a cancel_date", TestName = "A_cancelled_row_without_cancel_date_is_rejected_naming_the_column")]
    public async Task A_row_breaking_a_rule_is_rejected(string changes, string column, string reason)
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), PolicyWith("P1", changes), CanonicalCsv.Policy("P3"));
        var result = await LoadBad(content, threshold: 0.5);

        var issue = await AssertOneRowRejected(result, line: 3, column, reason);
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(2));
        Assert.That(await PolicyNumbers(), Is.EqualTo(new[] { "P0", "P1", "P2", "P3" }));
        await AssertEarlierVersionOfP1Stands();
        Assert.That(issue.Value, Is.Not.Null, "the offending value of a non-personal column is shown");
    }

    [Test]
    public async Task A_row_with_more_fields_than_the_header_is_rejected_naming_the_line()
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00") + ",extra");

        var result = await LoadBad(content, threshold: 0.5);

        await AssertOneRowRejected(result, line: 3, "*", "has 19 fields, the header has 18");
        await AssertEarlierVersionOfP1Stands();
    }

    [Test]
    public async Task A_truncated_last_line_without_newline_is_rejected_naming_the_line()
    {
        var full = CanonicalCsv.Policy("P1", premium: "9999.00");
        var content = CanonicalCsv.PolicyHeader + "\n" + CanonicalCsv.Policy("P2") + "\n" + full[..(full.Length / 2)];

        var result = await LoadBad(content, threshold: 0.5);

        await AssertOneRowRejected(result, line: 3, "*", "the header has 18 (truncated line?)");
        await AssertEarlierVersionOfP1Stands();
    }

    [Test]
    public async Task An_unterminated_quote_on_the_last_line_rejects_that_line()
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00", plate: "\"粤B12345"));

        var result = await LoadBad(content, threshold: 0.5);

        await AssertOneRowRejected(result, line: 3, "*", "a quote that is never closed");
        await AssertEarlierVersionOfP1Stands();
        Assert.That(await PolicyNumbers(), Is.EqualTo(new[] { "P0", "P1", "P2" }));
    }

    [Test]
    public async Task A_stray_quote_inside_an_unquoted_field_rejects_only_that_line()
    {
        var content = CanonicalCsv.Policies(
            CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00", insurer: "PI\"CC"), CanonicalCsv.Policy("P3"), CanonicalCsv.Policy("P4"));

        var result = await LoadBad(content, threshold: 0.5);

        await AssertOneRowRejected(result, line: 3, "*", "a quote inside an unquoted field");
        await AssertEarlierVersionOfP1Stands();
        Assert.That(await PolicyNumbers(), Is.EqualTo(new[] { "P0", "P1", "P2", "P3", "P4" }), "the lines after it load");
    }

    [Test]
    public async Task A_stray_quote_far_into_a_large_file_is_reported_on_its_own_line()
    {
        var lines = Enumerable.Range(2, 2999).Select(n => CanonicalCsv.Policy("P" + n, insurer: n == 2500 ? "PI\"CC" : "PICC"));

        var result = await LoadBad(CanonicalCsv.Policies([.. lines]));

        await AssertOneRowRejected(result, line: 2500, "*", "a quote inside an unquoted field");
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(2998));
    }

    [Test]
    public async Task A_LOST_follow_up_without_lost_reason_is_rejected_naming_the_column()
    {
        var followups = _sources.Get("followups");
        followups.RejectThreshold = 0.5;
        await _store.Loader().LoadFileAsync(followups, _store.WriteFile("followups_20261014.csv",
            CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F1", outcome: "QUOTED")])));
        var earlier = (await _store.Store.GetFollowUpsAsync(Far)).Single();

        var result = await _store.Loader().LoadFileAsync(followups, _store.WriteFile("followups_20261015.csv",
            CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F2", outcome: "WON"), CanonicalCsv.FollowUp("F1", outcome: "LOST", lostReason: "")])));

        await AssertOneRowRejected(result, line: 3, "lost_reason", "lost_reason is required when outcome is LOST");
        var now = await _store.Store.GetFollowUpsAsync(Far);
        Assert.That(now.Single(f => f.FollowUpId == "F1"), Is.EqualTo(earlier), "the rejected LOST line does not replace the earlier follow-up");
        Assert.That(now.Select(f => f.FollowUpId).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "F1", "F2" }));
    }

    [Test]
    public async Task A_single_bad_row_among_a_hundred_good_ones_loads_under_the_default_threshold()
    {
        var lines = Enumerable.Range(2, 99).Select(n => CanonicalCsv.Policy("P" + n)).Append(CanonicalCsv.Policy("P1", premium: "-1.00"));

        var result = await LoadBad(CanonicalCsv.Policies([.. lines]));

        Assert.That(_sources.Get("policies").RejectThreshold, Is.EqualTo(0.01), "the configured default");
        await AssertOneRowRejected(result, line: 101, "premium", "negative amount");
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(99));
        await AssertEarlierVersionOfP1Stands();
    }

    // ---- loaded fine ----------------------------------------------------------------------

    [Test]
    public async Task A_duplicate_key_in_one_file_loads_the_later_line()
    {
        var result = await LoadBad(CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "100.00"), CanonicalCsv.Policy("P1", premium: "200.00")));

        AssertLoaded(result);
        Assert.That((result.Counts!.RowsRead, result.Counts.RowsLoaded, result.Counts.RowsDuplicate), Is.EqualTo((2L, 1L, 1L)));
        Assert.That(await PremiumOf("P1"), Is.EqualTo(200.00m));
    }

    [Test]
    public async Task A_header_only_file_loads_zero_rows()
    {
        var result = await LoadBad(CanonicalCsv.PolicyHeader + "\n");

        AssertLoaded(result);
        Assert.That(result.Counts, Is.EqualTo(new LoadCounts(0, 0, 0, 0, 0, 0, 0m)));
        Assert.That(await _store.Store.GetPoliciesAsync(Far), Is.EqualTo(_earlier));
        Assert.That((await _store.Store.GetLedgerAsync())[^1].Status, Is.EqualTo(IngestStatus.LOADED), "the empty extract is recorded");
    }

    [Test]
    public async Task Extra_unmapped_columns_are_ignored()
    {
        var content = CanonicalCsv.File(
            "备注," + CanonicalCsv.PolicyHeader + ",remark",
            ["随便写," + CanonicalCsv.Policy("P1", premium: "3600.00") + ",something", "," + CanonicalCsv.Policy("P2") + ","]);

        var result = await LoadBad(content);

        AssertLoaded(result);
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(2));
        Assert.That(await PremiumOf("P1"), Is.EqualTo(3600.00m));
    }

    [Test]
    public async Task A_quoted_field_with_newlines_and_quotes_is_kept_exactly_and_later_lines_keep_their_numbers()
    {
        var followups = _sources.Get("followups");
        followups.RejectThreshold = 0.5;
        const string note = "客户说:\n\"外面便宜\",\r\n下周再联系";
        var quoted = "\"" + note.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var content = CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F1", note: quoted), CanonicalCsv.FollowUp("F2", outcome: "LOST")]);

        var result = await _store.Loader().LoadFileAsync(followups, _store.WriteFile("followups_20261015.csv", content));

        // F1 spans physical lines 2 to 4, so F2 starts on line 5.
        await AssertOneRowRejected(result, line: 5, "lost_reason", "required when outcome is LOST");
        Assert.That((await _store.Store.GetFollowUpsAsync(Far)).Single().Note, Is.EqualTo(note));
    }

    [Test]
    public async Task A_UTF8_byte_order_mark_is_skipped()
    {
        var content = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3600.00")))).ToArray();

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), _store.WriteBytes(BadFile, content));

        AssertLoaded(result);
        Assert.That(await PremiumOf("P1"), Is.EqualTo(3600.00m));
    }

    [Test]
    public async Task CRLF_line_ends_load_and_keep_line_numbers()
    {
        var content = CanonicalCsv.File(
            CanonicalCsv.PolicyHeader,
            [CanonicalCsv.Policy("P2", status: "CANCELLED", cancel: "2026-10-10", refund: "100.00"), CanonicalCsv.Policy("P1", premium: "-1.00")],
            "\r\n");

        var result = await LoadBad(content, threshold: 0.5);

        await AssertOneRowRejected(result, line: 3, "premium", "negative amount");
        var p2 = (await _store.Store.GetPoliciesAsync(Far)).Single(p => p.PolicyNo == "P2");
        Assert.That((p2.Status, p2.RefundPremium), Is.EqualTo((PolicyStatus.CANCELLED, 100.00m)), "the last field carries no carriage return");
        await AssertEarlierVersionOfP1Stands();
    }

    [Test]
    public async Task A_trailing_totals_line_is_skipped_with_a_warning()
    {
        var totals = "合计,,,,,,,,,,,,,,7100.00,,,";
        var result = await LoadBad(CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3600.00"), CanonicalCsv.Policy("P2"), totals));

        AssertLoaded(result);
        Assert.That((result.Counts!.RowsLoaded, result.Counts.RowsRejected, result.Counts.RowsSkipped), Is.EqualTo((2L, 0L, 1L)));
        var warning = result.Issues.Single();
        Assert.That((warning.Line, warning.Column, warning.Severity), Is.EqualTo((4, "*", IssueSeverity.Warning)));
        Assert.That(warning.Reason, Does.Contain("totals line"));
        Assert.That(result.Counts.Premium, Is.EqualTo(7100.00m), "the totals line is not added to the premium");
    }

    [Test]
    public async Task A_missing_refund_premium_is_zero()
    {
        var result = await LoadBad(CanonicalCsv.Policies(CanonicalCsv.Policy("P1", status: "CANCELLED", cancel: "2026-10-15", refund: "")));

        AssertLoaded(result);
        var p1 = (await _store.Store.GetPoliciesAsync(Far)).Single(p => p.PolicyNo == "P1");
        Assert.That((p1.Status, p1.RefundPremium), Is.EqualTo((PolicyStatus.CANCELLED, 0m)));
    }

    [Test]
    public async Task An_unknown_branch_code_is_loaded_with_one_warning_naming_the_code()
    {
        var reference = new ReferenceDataOptions
        {
            Branches = [new BranchOptions { Code = "B01" }],
            Advisors = [new AdvisorOptions { Id = "A001", Branch = "B01" }],
            Insurers = [new InsurerOptions { Code = "PICC" }],
        };
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2", branch: "B99"), CanonicalCsv.Policy("P3"), CanonicalCsv.Policy("P4", branch: "B99"));

        var result = await _store.Loader(reference).LoadFileAsync(_sources.Get("policies"), _store.WriteFile(BadFile, content));

        AssertLoaded(result);
        Assert.That(result.Counts!.RowsLoaded, Is.EqualTo(3));
        var warning = result.Issues.Single();
        Assert.That((warning.Line, warning.Column, warning.Value, warning.Severity), Is.EqualTo((2, "branch_code", "B99", IssueSeverity.Warning)));
        Assert.That(warning.Reason, Does.Contain("in 2 row(s)"));
        Assert.That(await _store.Store.GetIssuesAsync(result.IngestId!.Value), Is.EqualTo(result.Issues));
        Assert.That((await _store.Store.GetPoliciesAsync(Far)).Where(p => p.BranchCode == "B99").Select(p => p.PolicyNo), Is.EqualTo(new[] { "P2", "P4" }));
    }

    // ---- the whole file fails: nothing from it is loaded -----------------------------------

    [Test]
    public async Task A_missing_required_column_fails_the_file_naming_the_column()
    {
        var header = string.Join(",", CanonicalColumns.Policies.Where(c => c != "vin"));
        var line = string.Join(",", CanonicalCsv.Policy("P1", premium: "9999.00").Split(',').Where((_, i) => CanonicalColumns.Policies[i] != "vin"));

        var result = await LoadBad(CanonicalCsv.File(header, [line]));

        await AssertFileFailed(result, $"{BadFile}, line 1, column vin: missing required column(s) vin");
    }

    [Test]
    public async Task A_missing_column_of_a_mapped_source_is_named_by_its_own_header()
    {
        var header = "保单号,保险公司,险种,业务类型,门店代码,业务员工号,车牌号,被保险人,联系电话,证件号码,出单日期,起保日期,终保日期,保费,保单状态,退保日期,退保保费";
        var line = "P1,PICC,商业险,续保,B01,A001,粤B12345,张三,13800001234,440301199001011234,2026/10/01,2026/10/02,2027/10/01,9999.00,有效,,";
        var file = _store.WriteFile("pingan_policies_20261015.csv", header + "\r\n" + line + "\r\n", TextEncodings.Gb18030);

        var result = await _store.Loader().LoadFileAsync(_sources.Get("pingan_policies"), file);

        await AssertFileFailed(result, "pingan_policies_20261015.csv, line 1, column vin: missing required column(s) vin ('车架号')");
    }

    [Test]
    public async Task Two_headers_mapping_to_the_same_column_fail_the_file()
    {
        var source = _sources.Get("policies");
        source.Columns["保单号"] = "policy_no";
        var content = CanonicalCsv.File("保单号," + CanonicalCsv.PolicyHeader, ["P1," + CanonicalCsv.Policy("P1", premium: "9999.00")]);

        var result = await LoadBad(content);

        await AssertFileFailed(result, $"{BadFile}, line 1, column policy_no: headers '保单号' and 'policy_no' both map to policy_no");
    }

    [Test]
    public async Task GB18030_bytes_in_a_UTF8_source_fail_the_file_naming_the_line()
    {
        // ASCII everywhere but line 4, whose customer name is GB18030: invalid as UTF-8.
        string Line(string no, string name) => CanonicalCsv.Policy(no, premium: "9999.00", name: name, plate: "B12345");
        var content = CanonicalCsv.Policies(Line("P1", "ZHANG"), Line("P2", "LI"), Line("P3", "张三"), Line("P4", "WANG"));

        var result = await LoadBad(TextEncodings.Gb18030.GetBytes(content));

        await AssertFileFailed(result, $"{BadFile}, line 4: bytes that are not valid utf-8");
    }

    [Test]
    public async Task GB18030_bytes_after_a_UTF8_byte_order_mark_still_fail_the_file()
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "9999.00", name: "ZHANG", plate: "B12345"), CanonicalCsv.Policy("P2"));

        var result = await LoadBad([.. Encoding.UTF8.GetPreamble(), .. TextEncodings.Gb18030.GetBytes(content)]);

        await AssertFileFailed(result, $"{BadFile}, line 3: bytes that are not valid utf-8");
    }

    [Test]
    public async Task GB18030_bytes_far_into_a_large_UTF8_file_are_reported_on_their_own_line()
    {
        var lines = Enumerable.Range(1, 3000).Select(n => CanonicalCsv.Policy("P" + n, premium: "9999.00", name: n == 2500 ? "张三" : "ZHANG", plate: "B12345"));
        var content = CanonicalCsv.Policies([.. lines]);

        var result = await LoadBad(TextEncodings.Gb18030.GetBytes(content));

        await AssertFileFailed(result, $"{BadFile}, line 2501: bytes that are not valid utf-8");
    }

    [Test]
    public async Task An_empty_file_fails_naming_the_file()
    {
        var result = await LoadBad(Array.Empty<byte>());

        await AssertFileFailed(result, $"{BadFile}, line 1: the file is empty: no header row");
    }

    [Test]
    public async Task A_file_loaded_by_hand_without_its_marker_is_refused_and_nothing_is_recorded()
    {
        var path = _store.WriteFile(BadFile, CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "9999.00")), marker: false);

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith(BadFile + ": no completeness marker " + BadFile + ".done"));
        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(_before), "a file that may still be copying is not read, so not in the ledger");
        var forced = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path, new LoadFileOptions(IgnoreMarker: true));
        Assert.That(forced.Outcome, Is.EqualTo(LoadOutcome.Loaded), "--ignore-marker loads it");
    }

    [Test]
    public async Task A_scan_reports_files_without_marker_as_waiting_and_loads_the_others_in_extract_date_order()
    {
        var source = _sources.Get("policies");
        source.FilePattern = "*_policies_YYYYMMDD.csv";
        var inbox = Path.Combine(_store.Folder, "inbox");
        Directory.CreateDirectory(inbox);
        void Write(string name, string content, bool marker)
        {
            File.WriteAllText(Path.Combine(inbox, name), content);
            if (marker)
            {
                File.WriteAllText(Path.Combine(inbox, name + ".done"), "");
            }
        }

        // By name, a_ comes before b_; by extract date, b_ (the 15th) comes first and a_ (the 16th) wins.
        Write("c_policies_20261017.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "1700.00")), marker: false);
        Write("a_policies_20261016.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "1600.00")), marker: true);
        Write("b_policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "1500.00")), marker: true);

        var results = await _store.Loader().ScanAsync(source, inbox);

        Assert.That(results.Select(r => (r.FileName, r.Outcome)), Is.EqualTo(new[]
        {
            ("b_policies_20261015.csv", LoadOutcome.Loaded),
            ("a_policies_20261016.csv", LoadOutcome.Loaded),
            ("c_policies_20261017.csv", LoadOutcome.Waiting),
        }));
        Assert.That(results[2].Error, Does.Contain("no completeness marker"));
        var ledger = await _store.Store.GetLedgerAsync();
        Assert.That(ledger.Skip(1).Select(l => l.FileName), Is.EqualTo(new[] { "b_policies_20261015.csv", "a_policies_20261016.csv" }), "loaded in extract-date order");
        Assert.That(await PremiumOf("P1"), Is.EqualTo(1600.00m));
    }

    [Test]
    public async Task Rejects_strictly_above_the_threshold_fail_the_file()
    {
        var lines = Enumerable.Range(3, 98).Select(n => CanonicalCsv.Policy("P" + n))
            .Prepend(CanonicalCsv.Policy("P2", premium: "abc"))
            .Prepend(CanonicalCsv.Policy("P1", premium: "-1.00"));

        var result = await LoadBad(CanonicalCsv.Policies([.. lines]));

        await AssertFileFailed(result, $"{BadFile}: 2 of 100 rows rejected (2.00", "above the threshold of 1.00", "nothing loaded",
            "First: line 2, column premium: negative amount ('-1.00'); line 3, column premium: unparsable amount ('abc')");
        Assert.That(result.Counts, Is.EqualTo(new LoadCounts(100, 0, 2, 0, 0, 0, 0m)), "nothing of a failed file is loaded");
        var entry = (await _store.Store.GetLedgerAsync())[^1];
        Assert.That((entry.RowsRead, entry.RowsRejected), Is.EqualTo((100L, 2L)));
        var stored = await _store.Store.GetIssuesAsync(entry.IngestId);
        Assert.That(stored.Select(i => (i.Line, i.Column)), Is.EqualTo(new[] { (2, "premium"), (3, "premium") }), "the rejects are kept with the failed load");
    }

    [Test]
    public async Task Rejects_exactly_at_the_threshold_load_the_file()
    {
        var lines = Enumerable.Range(2, 99).Select(n => CanonicalCsv.Policy("P" + n)).Prepend(CanonicalCsv.Policy("P1", premium: "-1.00"));

        var result = await LoadBad(CanonicalCsv.Policies([.. lines]));

        AssertLoaded(result);
        Assert.That((result.Counts!.RowsRead, result.Counts.RowsRejected, result.Counts.RowsLoaded), Is.EqualTo((100L, 1L, 99L)));
        await AssertEarlierVersionOfP1Stands();
    }

    [Test]
    public async Task A_file_name_without_a_date_fails_unless_the_extract_date_is_given()
    {
        var path = _store.WriteFile("policies_latest.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3600.00")));

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Is.EqualTo("policies_latest.csv: no extract date: the name does not match policies_YYYYMMDD.csv; give it with --extract-date"));
        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(_before), "without an extract date there is nothing to record it under");
        var given = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path, new LoadFileOptions(new DateOnly(2026, 10, 15)));
        Assert.That((given.Outcome, given.ExtractDate), Is.EqualTo((LoadOutcome.Loaded, (DateOnly?)new DateOnly(2026, 10, 15))));
    }

    // ---- helpers -------------------------------------------------------------------------

    /// <summary>P-line with canonical fields replaced: <c>"status=CANCELLED;refund_premium=1.00"</c>.</summary>
    private static string PolicyWith(string policyNo, string changes)
    {
        var fields = CanonicalCsv.Policy(policyNo, premium: "9999.00").Split(',');
        foreach (var change in changes.Split(';'))
        {
            var at = change.IndexOf('=', StringComparison.Ordinal);
            var column = change[..at];
            var index = CanonicalColumns.Policies.ToList().IndexOf(column);
            Assert.That(index, Is.GreaterThanOrEqualTo(0), column);
            fields[index] = change[(at + 1)..];
        }

        return string.Join(",", fields);
    }

    private Task<LoadResult> Load(string path) => _store.Loader().LoadFileAsync(_sources.Get("policies"), path);

    private Task<LoadResult> LoadBad(string content, double? threshold = null) => LoadBad(new UTF8Encoding(false).GetBytes(content), threshold);

    private Task<LoadResult> LoadBad(byte[] content, double? threshold = null)
    {
        var source = _sources.Get("policies");
        if (threshold is { } t)
        {
            source.RejectThreshold = t;
        }

        return _store.Loader().LoadFileAsync(source, _store.WriteBytes(BadFile, content));
    }

    private async Task<string[]> PolicyNumbers() =>
        [.. (await _store.Store.GetPoliciesAsync(Far)).Select(p => p.PolicyNo).Order(StringComparer.Ordinal)];

    private async Task<decimal> PremiumOf(string policyNo) =>
        (await _store.Store.GetPoliciesAsync(Far)).Single(p => p.PolicyNo == policyNo).Premium;

    /// <summary>SPEC §2.6: a rejected row never erases an earlier loaded version.</summary>
    private async Task AssertEarlierVersionOfP1Stands() =>
        Assert.That((await _store.Store.GetPoliciesAsync(Far)).Single(p => p.PolicyNo == "P1"), Is.EqualTo(_earlier.Single(p => p.PolicyNo == "P1")));

    private static void AssertLoaded(LoadResult result)
    {
        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        AssertNoPersonalData(result);
    }

    private static void AssertNoPersonalData(LoadResult result)
    {
        var text = string.Join("\n", result.Issues.Select(i => i.ToString()).Append(result.Error ?? ""));
        foreach (var personal in PersonalData)
        {
            Assert.That(text, Does.Not.Contain(personal), "personal data in a reject, warning or error");
        }
    }

    /// <summary>The file loaded; exactly one row rejected, at this line and column, recorded with the file's ingest.</summary>
    private async Task<RowIssue> AssertOneRowRejected(LoadResult result, int line, string column, string reason)
    {
        AssertLoaded(result);
        var issue = result.Issues.Single(i => i.Severity == IssueSeverity.Reject);
        Assert.That((issue.Line, issue.Column), Is.EqualTo((line, column)), issue.ToString());
        Assert.That(issue.Reason, Does.Contain(reason));
        Assert.That(issue.ToString(), Does.StartWith($"line {line}, column {column}: "));
        Assert.That(result.Counts!.RowsRejected, Is.EqualTo(1));
        var entry = (await _store.Store.GetLedgerAsync()).Single(l => l.IngestId == result.IngestId);
        Assert.That((entry.FileName, entry.Status, entry.RowsRejected), Is.EqualTo((result.FileName, IngestStatus.LOADED, 1L)), "the ledger names the file");
        Assert.That(await _store.Store.GetIssuesAsync(entry.IngestId), Does.Contain(issue), "the reject is stored with its file's ingest");
        return issue;
    }

    /// <summary>
    /// Failed as a whole: the error names file and cause, the ledger gains one FAILED line with it,
    /// and every stored row (and every earlier ledger line and issue) is exactly as before.
    /// </summary>
    private async Task AssertFileFailed(LoadResult result, params string[] expected)
    {
        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith(expected[0]));
        foreach (var fragment in expected.Skip(1))
        {
            Assert.That(result.Error, Does.Contain(fragment));
        }

        AssertNoPersonalData(result);
        var before = Sections(_before);
        var after = Sections(await _store.SnapshotAsync());
        foreach (var table in new[] { "policy_versions", "claim_versions", "followup_versions" })
        {
            Assert.That(after[table], Is.EqualTo(before[table]), table + " is untouched");
        }

        Assert.That(after["ingest_ledger"].Take(before["ingest_ledger"].Count), Is.EqualTo(before["ingest_ledger"]), "earlier ledger lines are untouched");
        Assert.That(after["ingest_ledger"], Has.Count.EqualTo(before["ingest_ledger"].Count + 1));
        Assert.That(after["ingest_issues"].Take(before["ingest_issues"].Count), Is.EqualTo(before["ingest_issues"]));
        var entry = (await _store.Store.GetLedgerAsync())[^1];
        Assert.That(entry.IngestId, Is.EqualTo(result.IngestId));
        Assert.That((entry.FileName, entry.Status, entry.Error), Is.EqualTo((result.FileName, IngestStatus.FAILED, result.Error)));
    }

    private static Dictionary<string, List<string>> Sections(string snapshot)
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in snapshot.Split('\n'))
        {
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                current = sections[line[2..].TrimEnd('\r')] = [];
            }
            else if (line.Length > 0)
            {
                current!.Add(line);
            }
        }

        return sections;
    }
}
