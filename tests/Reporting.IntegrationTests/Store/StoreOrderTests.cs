using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// The version tables are kept in store order (<see cref="Jobs.Store.StoreOrder"/>): policies by
/// expiry date and coverage, claims by report date, follow-ups by contact date, so a month's rows
/// sit together on disk. Checked on the tables' physical order (SQLite's rowid, PostgreSQL's ctid).
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class StoreOrderTests(string provider)
{
    private static readonly DateOnly Far = new(2030, 1, 1);

    [Test]
    public async Task A_file_s_policies_are_stored_by_expiry_date_then_coverage()
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.LoadAsync(("policies", "policies_20261015.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", coverage: "COMMERCIAL", expiry: "2027-03-01"),
            CanonicalCsv.Policy("P2", coverage: "CTPL", expiry: "2027-01-15"),
            CanonicalCsv.Policy("P3", coverage: "COMMERCIAL", expiry: "2027-01-15"),
            CanonicalCsv.Policy("P4", coverage: "CTPL", expiry: "2026-12-01"))));

        Assert.That(await PhysicalOrderAsync(store, "policy_versions", "policy_no"), Is.EqualTo(new[] { "P4", "P3", "P2", "P1" }));
    }

    [Test]
    public async Task Claims_are_stored_by_report_date_and_follow_ups_by_contact_date()
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.LoadAsync(
            ("claims", "claims_20261015.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [
                CanonicalCsv.Claim("C1", loss: "2026-10-01", report: "2026-10-09"),
                CanonicalCsv.Claim("C2", loss: "2026-10-01", report: "2026-10-02"),
                CanonicalCsv.Claim("C3", loss: "2026-10-01", report: "2026-10-05")])),
            ("followups", "followups_20261015.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [
                CanonicalCsv.FollowUp("F1", contact: "2026-10-12"),
                CanonicalCsv.FollowUp("F2", contact: "2026-10-03"),
                CanonicalCsv.FollowUp("F3", contact: "2026-10-07")])));

        Assert.That(await PhysicalOrderAsync(store, "claim_versions", "claim_no"), Is.EqualTo(new[] { "C2", "C3", "C1" }));
        Assert.That(await PhysicalOrderAsync(store, "followup_versions", "followup_id"), Is.EqualTo(new[] { "F2", "F3", "F1" }));
    }

    [TestCase(2)]
    [TestCase(null)]
    public async Task The_later_line_of_a_duplicate_key_wins_when_store_order_writes_it_first(int? sqliteRunRows)
    {
        // P1's later line expires first, so store order writes it before the earlier line: in the
        // same run (by default), or, with runs of two rows (SQLite), in the run after it.
        await using var store = await TestStore.CreateAsync(provider, sqliteRunRows);
        var file = store.WriteFile("policies_20261015.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", expiry: "2027-09-30", premium: "100.00"),
            CanonicalCsv.Policy("P9", expiry: "2027-05-01", premium: "900.00"),
            CanonicalCsv.Policy("P1", expiry: "2027-01-31", premium: "300.00")));

        var result = await store.Loader().LoadFileAsync(TestStore.ConfiguredSources().Get("policies"), file);

        Assert.That(result.Counts!.RowsDuplicate, Is.EqualTo(1));
        var p1 = (await store.Store.GetPoliciesAsync(Far)).Single(p => p.PolicyNo == "P1");
        Assert.That((p1.Premium, p1.ExpiryDate), Is.EqualTo((300.00m, new DateOnly(2027, 1, 31))));
    }

    [Test]
    public async Task Migration_0007_puts_the_stored_rows_in_store_order_and_keeps_every_row()
    {
        // Each load is in store order, but two files' dates interleave: the table holds the first
        // file's rows, then the second's (PostgreSQL also moves a row it updates, here the first
        // JAN when the second supersedes it). The migration's copy orders the whole table.
        await using var store = await TestStore.CreateAsync(provider);
        await store.LoadAsync(
            ("policies", "policies_20261015.csv", CanonicalCsv.Policies(
                CanonicalCsv.Policy("JAN", expiry: "2027-01-10"), CanonicalCsv.Policy("MAR", expiry: "2027-03-10"))),
            ("policies", "policies_20261016.csv", CanonicalCsv.Policies(
                CanonicalCsv.Policy("FEB", expiry: "2027-02-10"), CanonicalCsv.Policy("JAN", expiry: "2027-01-10", premium: "4000.00"))),
            ("claims", "claims_20261015.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [CanonicalCsv.Claim("C-LATE", policyNo: "JAN", report: "2026-10-09")])),
            ("claims", "claims_20261016.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [CanonicalCsv.Claim("C-EARLY", policyNo: "FEB", report: "2026-10-05")])),
            ("followups", "followups_20261015.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F-LATE", contact: "2026-10-12")])),
            ("followups", "followups_20261016.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [CanonicalCsv.FollowUp("F-EARLY", contact: "2026-10-03")])));
        var before = await store.SnapshotAsync();
        var inOrder = new[] { "JAN", "JAN", "FEB", "MAR" };
        Assert.That(await PhysicalOrderAsync(store, "policy_versions", "policy_no"), Is.Not.EqualTo(inOrder), "as loaded");

        await store.RunMigrationAgainAsync(7);

        Assert.That(await PhysicalOrderAsync(store, "policy_versions", "policy_no"), Is.EqualTo(inOrder));
        Assert.That(await PhysicalOrderAsync(store, "claim_versions", "claim_no"), Is.EqualTo(new[] { "C-EARLY", "C-LATE" }));
        Assert.That(await PhysicalOrderAsync(store, "followup_versions", "followup_id"), Is.EqualTo(new[] { "F-EARLY", "F-LATE" }));
        Assert.That(await store.SnapshotAsync(), Is.EqualTo(before), "every row of every table as it was");
    }

    /// <summary>A table's <paramref name="column"/> in the order its rows lie in the table.</summary>
    internal static async Task<List<string>> PhysicalOrderAsync(TestStore store, string table, string column)
    {
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column} FROM {table} ORDER BY {(store.Provider == "sqlite" ? "rowid" : "ctid")}";
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}

/// <summary>
/// A SQLite load stages a file's rows a run at a time and writes each run in store order
/// (PostgreSQL orders the whole file at once); migration 0007 is followed by a VACUUM.
/// </summary>
[Category("Services")]
public sealed class SqliteStoreOrderTests
{
    [Test]
    public async Task Each_run_of_a_file_is_stored_in_order_and_the_runs_in_the_file_s_order()
    {
        await using var store = await TestStore.CreateAsync("sqlite", sqliteLoadRunRows: 3);
        string P(string no, string expiry) => CanonicalCsv.Policy(no, expiry: expiry);
        await store.LoadAsync(("policies", "policies_20261015.csv", CanonicalCsv.Policies(
            P("A3", "2027-03-01"), P("A1", "2027-01-01"), P("A2", "2027-02-01"),
            P("B2", "2027-02-15"), P("B3", "2027-03-15"), P("B1", "2026-12-15"),
            P("C1", "2026-11-30"))));

        Assert.That(
            await StoreOrderTests.PhysicalOrderAsync(store, "policy_versions", "policy_no"),
            Is.EqualTo(new[] { "A1", "A2", "A3", "B1", "B2", "B3", "C1" }));
    }

    [Test]
    public async Task After_migration_0007_the_store_file_has_no_free_pages()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        await store.LoadAsync(("policies", "policies_20261015.csv", CanonicalCsv.Policies(
            Enumerable.Range(1, 400).Select(i => CanonicalCsv.Policy($"P{i}", expiry: new DateOnly(2027, 1, 1).AddDays(i % 300).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).ToArray())));
        Assert.That(await FreePagesAsync(store), Is.Zero, "before");

        await store.RunMigrationAgainAsync(7);

        Assert.That(await FreePagesAsync(store), Is.Zero, "the copied tables' old pages given back");
    }

    private static async Task<long> FreePagesAsync(TestStore store)
    {
        await using var connection = await store.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA freelist_count";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
