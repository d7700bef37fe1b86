using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// Bad input as a hostile user brings it (issue 14): amounts no store can hold, faults inside a
/// load, stray quotes that would swallow rows, invisible and control characters, names that are not
/// files. Each ends in a rejected row or a failed file with a sentence naming it, never in a hang,
/// a crash or a look-alike key.
/// </summary>
public sealed partial class BadInputTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    // ---- amounts ---------------------------------------------------------------------------

    [TestCase("premium=144060126000000881", "premium", TestName = "A_policy_number_pasted_into_the_premium_is_rejected_and_the_load_ends")]
    [TestCase("premium=60000000000000000.00", "premium", TestName = "A_premium_above_the_plausible_maximum_is_rejected")]
    [TestCase("status=CANCELLED;cancel_date=2026-10-10;premium=99999999999.00;refund_premium=99999999999.00", "premium", TestName = "A_refund_as_large_as_an_implausible_premium_is_rejected_with_it")]
    public async Task An_amount_above_the_maximum_is_rejected(string changes, string column)
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), PolicyWith("P1", changes), CanonicalCsv.Policy("P3"));

        var result = await LoadBad(content, threshold: 0.5).WaitAsync(NoHang);

        await AssertOneRowRejected(result, line: 3, column, "above the plausible maximum of 10000000.00 yuan");
        await AssertEarlierVersionOfP1Stands();
        await _store.AssertLoadLockFreeAsync("policies");
    }

    [Test]
    public async Task Two_premiums_whose_sum_no_integer_could_hold_are_both_rejected_and_the_rest_loads()
    {
        var lines = Enumerable.Range(2, 298).Select(n => CanonicalCsv.Policy("P" + n))
            .Append(PolicyWith("P900", "premium=60000000000000000.00"))
            .Append(PolicyWith("P901", "premium=60000000000000000.00"));

        var result = await LoadBad(CanonicalCsv.Policies([.. lines])).WaitAsync(NoHang);

        AssertLoaded(result);
        Assert.That((result.Counts!.RowsRead, result.Counts.RowsRejected, result.Counts.RowsLoaded), Is.EqualTo((300L, 2L, 298L)));
        Assert.That(result.Issues.Where(i => i.Severity == IssueSeverity.Reject).Select(i => (i.Line, i.Column)), Is.EqualTo(new[] { (300, "premium"), (301, "premium") }));
    }

    [Test]
    public async Task An_amount_of_exactly_the_maximum_loads_to_the_fen()
    {
        var result = await LoadBad(CanonicalCsv.Policies(PolicyWith("P1", "premium=10000000.00")));

        AssertLoaded(result);
        Assert.That(await PremiumOf("P1"), Is.EqualTo(10_000_000.00m));
    }

    [Test]
    public async Task A_claim_amount_above_the_maximum_is_rejected_naming_the_column()
    {
        var claims = _sources.Get("claims");
        claims.RejectThreshold = 0.5;
        var content = CanonicalCsv.File(CanonicalCsv.ClaimHeader, [CanonicalCsv.Claim("C1"), CanonicalCsv.Claim("C2", assessed: "12000000.00")]);

        var result = await _store.Loader().LoadFileAsync(claims, _store.WriteFile("claims_20261015.csv", content)).WaitAsync(NoHang);

        AssertLoaded(result);
        var reject = result.Issues.Single(i => i.Severity == IssueSeverity.Reject);
        Assert.That((reject.Line, reject.Column), Is.EqualTo((3, "assessed_amount")));
        Assert.That(reject.Reason, Does.Contain("above the plausible maximum"));
    }

    // ---- a fault in any stage of a load ---------------------------------------------------

    [Test]
    public async Task A_fault_while_writing_fails_the_file_rolls_it_back_and_releases_the_lock()
    {
        var loader = Loader(new FaultingStore(_store.Store) { FailAtRow = 2 });
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00"), CanonicalCsv.Policy("P3"));

        var result = await loader.LoadFileAsync(_sources.Get("policies"), _store.WriteFile(BadFile, content)).WaitAsync(NoHang);

        await AssertFileFailed(result, $"{BadFile}, line 3: the load failed while writing to the store: the store refused row 2 (injected) (InvalidOperationException); nothing loaded");
        await _store.AssertLoadLockFreeAsync("policies");
    }

    [Test]
    public async Task A_fault_at_commit_fails_the_file_and_leaves_the_store_as_before()
    {
        var loader = Loader(new FaultingStore(_store.Store) { FailAtCommit = true });
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00"));

        var result = await loader.LoadFileAsync(_sources.Get("policies"), _store.WriteFile(BadFile, content)).WaitAsync(NoHang);

        await AssertFileFailed(result, $"{BadFile}: the load failed while committing: disk I/O error (injected at commit) (IOException); nothing loaded");
        await _store.AssertLoadLockFreeAsync("policies");
    }

    [Test]
    public async Task A_fault_while_reading_fails_the_file_instead_of_leaving_the_writer_waiting()
    {
        var header = new LoadHeader("policies", ExtractDataset.Policies, BadFile, new DateOnly(2026, 10, 15), "not-a-file", TimeProvider.System.GetUtcNow());

        var result = await _store.Loader().LoadRowsAsync(_sources.Get("policies"), header, RowsThatFaultAfterTwo(), null, CancellationToken.None).WaitAsync(NoHang);

        await AssertFileFailed(result, $"{BadFile}, line 3: the load failed while reading and validating: the disk went away (injected) (IOException); nothing loaded");
        await _store.AssertLoadLockFreeAsync("policies");
    }

    [Test]
    public async Task A_scan_goes_on_with_the_next_file_after_one_faults()
    {
        var drop = Directory.CreateDirectory(Path.Combine(_store.Folder, "drop")).FullName;
        WriteDropped(drop, "policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P5"), CanonicalCsv.Policy("P6"), CanonicalCsv.Policy("P7")));
        WriteDropped(drop, "policies_20261016.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P8"), CanonicalCsv.Policy("P9")));
        var loader = Loader(new FaultingStore(_store.Store) { FailAtRow = 3 });

        var results = await loader.ScanAsync(_sources.Get("policies"), drop).WaitAsync(NoHang);

        Assert.That(results.Select(r => (r.FileName, r.Outcome)), Is.EqualTo(new[]
        {
            ("policies_20261015.csv", LoadOutcome.Failed),
            ("policies_20261016.csv", LoadOutcome.Loaded),
        }));
        Assert.That(results[0].Error, Does.StartWith("policies_20261015.csv, line 4: the load failed while writing to the store"));
        Assert.That(await PolicyNumbers(), Is.EqualTo(new[] { "P0", "P1", "P8", "P9" }));
        var ledger = await _store.Store.GetLedgerAsync("policies");
        Assert.That(ledger.Select(l => (l.FileName, l.Status)), Does.Contain(("policies_20261015.csv", IngestStatus.FAILED)));
    }

    // ---- records over several lines ------------------------------------------------------

    [Test]
    public async Task A_stray_quote_opening_a_field_rejects_only_its_line_and_the_rows_after_it_load()
    {
        var lines = Enumerable.Range(2, 1000).Select(line => line switch
        {
            4 => CanonicalCsv.Policy("P" + line, vin: "\"LSVAB1234567890AB"),
            900 => CanonicalCsv.Policy("P" + line, name: "\"司马,懿德\""),
            _ => CanonicalCsv.Policy("P" + line),
        });

        var result = await LoadBad(CanonicalCsv.Policies([.. lines]));

        await AssertOneRowRejected(result, line: 4, "*", "a quote that is never closed on its line");
        Assert.That((result.Counts!.RowsRead, result.Counts.RowsLoaded), Is.EqualTo((1000L, 999L)));
        var policies = await _store.Store.GetPoliciesAsync(Far);
        Assert.That(policies.Single(p => p.PolicyNo == "P900").CustomerName, Is.EqualTo("司马,懿德"), "a properly quoted field keeps its comma");
    }

    [Test]
    public async Task A_stray_quote_in_a_multi_line_source_rejects_every_line_it_swallows_and_fails_the_file()
    {
        var lines = Enumerable.Range(2, 1000).Select(line => line switch
        {
            4 => CanonicalCsv.FollowUp("\"F" + line),
            900 => CanonicalCsv.FollowUp("F" + line, note: "\"司马,懿德\""),
            _ => CanonicalCsv.FollowUp("F" + line),
        });

        var result = await _store.Loader().LoadFileAsync(_sources.Get("followups"), _store.WriteFile("followups_20261015.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, lines)));

        await AssertFileFailed(result, "followups_20261015.csv: 897 of 1000 rows rejected", "line 4, column *: malformed CSV", "one record over lines 4–900");
    }

    [Test]
    public async Task A_line_break_outside_the_free_text_column_rejects_the_record_as_each_of_its_lines()
    {
        var followups = _sources.Get("followups");
        followups.RejectThreshold = 0.6;
        var content = CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F1"), CanonicalCsv.FollowUp("\"F\n2\""), CanonicalCsv.FollowUp("F3")]);

        var result = await _store.Loader().LoadFileAsync(followups, _store.WriteFile("followups_20261015.csv", content));

        AssertLoaded(result);
        Assert.That((result.Counts!.RowsRead, result.Counts.RowsRejected, result.Counts.RowsLoaded), Is.EqualTo((4L, 2L, 2L)));
        var reject = result.Issues.Single(i => i.Severity == IssueSeverity.Reject);
        Assert.That((reject.Line, reject.Column), Is.EqualTo((3, "followup_id")));
        Assert.That(reject.Reason, Is.EqualTo("contains a line break (U+000A) at position 2 (one record over lines 3–4, each counted as a rejected row)"));
    }

    // ---- invisible, control and non-characters -------------------------------------------

    [TestCase("P1\u200B", TestName = "A_zero_width_space_after_a_key_is_trimmed_so_the_correction_reaches_the_real_policy")]
    [TestCase("\uFEFFP1", TestName = "A_byte_order_mark_before_a_key_is_trimmed")]
    [TestCase("P1\u00AD\u2060", TestName = "A_soft_hyphen_and_word_joiner_after_a_key_are_trimmed")]
    [TestCase("\u3000P1\u00A0", TestName = "Ideographic_and_no_break_spaces_around_a_key_are_trimmed")]
    public async Task Invisible_characters_at_the_ends_of_a_key_are_trimmed(string policyNo)
    {
        var content = CanonicalCsv.Policies(PolicyWith("P1", "status=CANCELLED;cancel_date=2026-10-12;refund_premium=100.00").Replace("P1,", policyNo + ",", StringComparison.Ordinal));

        var result = await LoadBad(content);

        AssertLoaded(result);
        var policies = await _store.Store.GetPoliciesAsync(Far);
        Assert.That(policies.Select(p => p.PolicyNo), Is.EqualTo(new[] { "P0", "P1" }), "no look-alike second policy");
        Assert.That(policies.Single(p => p.PolicyNo == "P1").Status, Is.EqualTo(PolicyStatus.CANCELLED));
    }

    [TestCase("policy_no", "P\u200B1", "an invisible character (U+200B) at position 2", "P\\u200B1", TestName = "A_zero_width_space_inside_a_key_is_rejected")]
    [TestCase("policy_no", "P\u00AD1", "an invisible character (U+00AD) at position 2", "P\\u00AD1", TestName = "A_soft_hyphen_inside_a_key_is_rejected")]
    [TestCase("insurer_code", "PI\u200DCC", "an invisible character (U+200D) at position 3", "PI\\u200DCC", TestName = "A_joiner_inside_an_insurer_code_is_rejected")]
    [TestCase("branch_code", "B\u31640\u31641", "an invisible character (U+3164) at position 2", "B\\u31640\\u31641", TestName = "A_Hangul_filler_inside_a_branch_code_is_rejected")]
    [TestCase("policy_no", "P1\uFFFE", "a non-character (U+FFFE) at position 3", "P1\\uFFFE", TestName = "A_non_character_in_a_key_is_rejected")]
    [TestCase("policy_no", "P\u00001", "a control character (U+0000) at position 2", "P\\u00001", TestName = "A_NUL_inside_a_key_is_rejected")]
    [TestCase("advisor_id", "A0\t01", "a tab (U+0009) at position 3", "A0\\u000901", TestName = "A_tab_inside_a_code_is_rejected")]
    [TestCase("premium", "\u001B[2J\u001B]0:pwned\u0007", "a control character (U+001B) at position 1", "\\u001B[2J\\u001B]0:pwned\\u0007", TestName = "Terminal_escapes_in_an_amount_are_rejected_and_shown_escaped")]
    public async Task A_character_that_cannot_be_seen_inside_a_field_is_rejected(string column, string value, string reason, string shown)
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), PolicyWith("P1", column + "=" + value), CanonicalCsv.Policy("P3"));

        var result = await LoadBad(content, threshold: 0.5);

        var issue = await AssertOneRowRejected(result, line: 3, column, "contains " + reason);
        Assert.That(issue.Value, Is.EqualTo(shown));
        Assert.That(issue.ToString().Any(c => char.IsControl(c) || c is '\uFFFE' or '\u200B'), Is.False, "the message carries nothing a terminal would act on");
        await AssertEarlierVersionOfP1Stands();
    }

    [Test]
    public async Task A_NUL_in_a_customer_name_is_rejected_without_showing_the_name()
    {
        var content = CanonicalCsv.Policies(CanonicalCsv.Policy("P2"), CanonicalCsv.Policy("P1", premium: "9999.00", name: "张\u0000三"));

        var result = await LoadBad(content, threshold: 0.5);

        var issue = await AssertOneRowRejected(result, line: 3, "customer_name", "contains a control character (U+0000) at position 2");
        Assert.That(issue.Value, Is.Null, "personal data is never shown");
    }

    [Test]
    public async Task A_note_keeps_tabs_line_breaks_and_joiners_but_rejects_a_bell()
    {
        var followups = _sources.Get("followups");
        followups.RejectThreshold = 0.5;
        const string note = "客户\t说:\n下周👨\u200D👩再联系";
        var content = CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F1", note: "\"" + note + "\""), CanonicalCsv.FollowUp("F2", note: "响铃\u0007")]);

        var result = await _store.Loader().LoadFileAsync(followups, _store.WriteFile("followups_20261015.csv", content));

        AssertLoaded(result);
        var reject = result.Issues.Single(i => i.Severity == IssueSeverity.Reject);
        Assert.That((reject.Line, reject.Column, reject.Value), Is.EqualTo((4, "note", (string?)null)));
        Assert.That((await _store.Store.GetFollowUpsAsync(Far)).Single().Note, Is.EqualTo(note));
    }

    // ---- names that are not extract files -------------------------------------------------

    [Test]
    public async Task A_directory_given_as_a_file_is_named_as_a_directory()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_store.Folder, "policies_20261015.csv")).FullName;

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), folder);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Is.EqualTo($"{folder} is a directory, not an extract file; name the files in it"));
        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(_before));
    }

    [Test]
    public async Task A_file_name_with_a_month_13_says_its_date_is_invalid()
    {
        var path = _store.WriteFile("policies_20261340.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "3600.00")));

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Is.EqualTo("policies_20261340.csv: no extract date: the date 20261340 in the name is not a valid date (yyyyMMdd); give it with --extract-date"));
    }

    [Test]
    public async Task A_scan_reports_a_file_with_an_impossible_date_and_loads_the_others()
    {
        var drop = Directory.CreateDirectory(Path.Combine(_store.Folder, "drop")).FullName;
        WriteDropped(drop, "policies_20260230.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P5")));
        WriteDropped(drop, "policies_20261016.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P8")));

        var results = await _store.Loader().ScanAsync(_sources.Get("policies"), drop);

        Assert.That(results.Select(r => (r.FileName, r.Outcome)), Is.EqualTo(new[]
        {
            ("policies_20260230.csv", LoadOutcome.Failed),
            ("policies_20261016.csv", LoadOutcome.Loaded),
        }));
        Assert.That(results[0].Error, Does.Contain("the date 20260230 in the name is not a valid date"));
    }

    [Test]
    public async Task A_file_name_with_terminal_escapes_is_shown_escaped()
    {
        const string name = "policies_20261015\u001B[2J.csv";
        var path = _store.WriteFile(name, CanonicalCsv.Policies(CanonicalCsv.Policy("P1")));

        var result = await _store.Loader().LoadFileAsync(_sources.Get("policies"), path);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith("policies_20261015\\u001B[2J.csv: no extract date"));
    }

    // ---- loads side by side ----------------------------------------------------------------

    [Test]
    public async Task Two_loads_at_once_through_two_store_handles_both_load_whole()
    {
        var first = CanonicalCsv.Policies([.. Enumerable.Range(0, 20_000).Select(n => CanonicalCsv.Policy("A" + n.ToString(CultureInfo.InvariantCulture)))]);
        var second = CanonicalCsv.Policies([.. Enumerable.Range(0, 20_000).Select(n => CanonicalCsv.Policy("B" + n.ToString(CultureInfo.InvariantCulture)))]);
        var other = _store.Provider == "sqlite"
            ? (IReportingStore)new SqliteReportingStore(_store.ConnectionString, TimeProvider.System)
            : new PostgresReportingStore(_store.ConnectionString, TimeProvider.System);
        var source = _sources.Get("policies");

        var results = await Task.WhenAll(
            Task.Run(() => _store.Loader().LoadFileAsync(source, _store.WriteFile("policies_20261015.csv", first))),
            Task.Run(() => Loader(other).LoadFileAsync(source, _store.WriteFile("policies_20261016.csv", second)))).WaitAsync(NoHang);

        Assert.That(results.Select(r => (r.Outcome, r.Counts?.RowsLoaded)), Is.EqualTo(new[] { (LoadOutcome.Loaded, (long?)20_000), (LoadOutcome.Loaded, (long?)20_000) }));
        Assert.That(await _store.Store.GetPoliciesAsync(Far), Has.Count.EqualTo(40_002));
        await _store.AssertLoadLockFreeAsync("policies");
        if (other is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static ExtractLoader Loader(IReportingStore store) =>
        new(store, new ReferenceDataOptions(), TimeProvider.System, NullLogger<ExtractLoader>.Instance);

    private static void WriteDropped(string folder, string name, string content)
    {
        File.WriteAllText(Path.Combine(folder, name), content);
        File.WriteAllText(Path.Combine(folder, name + ".done"), "");
    }

    /// <summary>Two good rows, then the read fails as a disk that went away would.</summary>
    private static IEnumerable<ExtractRow> RowsThatFaultAfterTwo()
    {
        yield return new ExtractRow(2, CanonicalCsv.Policy("P2").Split(','));
        yield return new ExtractRow(3, CanonicalCsv.Policy("P3").Split(','));
        throw new IOException("the disk went away (injected)");
    }
}
