using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// The as-of rule (SPEC §2.5) as the store keeps it: each version's superseded_on date and the
/// claims' changes per date are set as files load, in whatever order they arrive. Checked here
/// against the rule computed in C# from every stored version, and against hand-computed sums.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class AsOfTests(string provider)
{
    private static readonly BusinessMonth September = new(2026, 9);
    private static readonly DateRange SeptemberDays = new(September.First, September.Last);
    private TestStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _store = await TestStore.CreateAsync(provider);
        await LoadOutOfOrderAsync(_store);
    }

    [OneTimeTearDown]
    public async Task DisposeStore() => await _store.DisposeAsync();

    private static async Task LoadOutOfOrderAsync(TestStore store)
    {
        // Policies are issued in August and claims reported in September, so September's totals
        // are the claims alone. Versions of each key:
        //   P1: 10-05 B01, 10-08 B01, 10-12 B02        C1 (on P1): 10-03 300.00, 10-15 500.00
        //   P2: 10-05 B02, 10-08 B03                   C2 (on P3): 10-03 400.00
        //   P3: 10-12 B01                              C3 (on P2): 10-15 200.00, 10-18 withdrawn
        //   F1: 10-05 "first", 10-12 "second"          F2: 10-12 "only"
        // They load in this order, not by date: claims before the policies they are on, and an
        // older policies extract (10-08) after every newer one.
        string P(string no, string branch, string vin) =>
            CanonicalCsv.Policy(no, branch: branch, vin: vin, issue: "2026-08-10", effective: "2026-08-11", expiry: "2027-08-10", premium: "1000.00");
        string C(string no, string policy, string assessed, string status = "OPEN") =>
            CanonicalCsv.Claim(no, policyNo: policy, vin: "LSVAB1234567890A1", loss: "2026-09-09", report: "2026-09-10", assessed: assessed, status: status);
        string F(string id, string note) => CanonicalCsv.FollowUp(id, note: note);
        await store.LoadAsync(
            ("claims", "claims_20261003.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [C("C1", "P1", "300.00"), C("C2", "P3", "400.00")])),
            ("policies", "policies_20261012.csv", CanonicalCsv.Policies(P("P1", "B02", "LSVAB1234567890A1"), P("P3", "B01", "LSVAB1234567890A3"))),
            ("followups", "followups_20261012.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [F("F1", "second"), F("F2", "only")])),
            ("claims", "claims_20261018.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [C("C3", "P2", "200.00", "WITHDRAWN")])),
            ("policies", "policies_20261005.csv", CanonicalCsv.Policies(P("P1", "B01", "LSVAB1234567890A1"), P("P2", "B02", "LSVAB1234567890A2"))),
            ("followups", "followups_20261005.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, [F("F1", "first")])),
            ("claims", "claims_20261015.csv", CanonicalCsv.File(CanonicalCsv.ClaimHeader, [C("C1", "P1", "500.00"), C("C3", "P2", "200.00")])),
            ("policies", "policies_20261008.csv", CanonicalCsv.Policies(P("P1", "B01", "LSVAB1234567890A1"), P("P2", "B03", "LSVAB1234567890A2"))));
    }

    [Test]
    public async Task Each_date_reads_the_latest_version_of_every_key_whatever_the_load_order()
    {
        var versions = await AllVersionsAsync();
        for (var asOf = new DateOnly(2026, 10, 1); asOf <= new DateOnly(2026, 10, 20); asOf = asOf.AddDays(1))
        {
            var expected = versions
                .Where(v => v.ExtractDate <= asOf)
                .GroupBy(v => (v.Table, v.Key))
                .Select(g => g.OrderBy(v => v.ExtractDate).ThenBy(v => v.FileName, StringComparer.Ordinal).ThenBy(v => v.IngestId).Last())
                .Select(v => $"{v.Table} {v.Key} {v.Value}")
                .Order(StringComparer.Ordinal);

            var policies = (await _store.Store.GetPoliciesAsync(asOf)).Select(p => $"policy_versions {p.InsurerCode}/{p.PolicyNo} {p.BranchCode}");
            var claims = (await _store.Store.GetClaimsAsync(asOf)).Select(c => $"claim_versions {c.InsurerCode}/{c.ClaimNo} {Fen(c.AssessedAmount)} {c.Status}");
            var followUps = (await _store.Store.GetFollowUpsAsync(asOf)).Select(f => $"followup_versions {f.FollowUpId} {f.Note}");

            Assert.That(policies.Concat(claims).Concat(followUps).Order(StringComparer.Ordinal), Is.EqualTo(expected), $"as of {asOf:yyyy-MM-dd}");
        }
    }

    [TestCase("2026-10-04", "")]
    [TestCase("2026-10-05", "B01:300.00")]
    [TestCase("2026-10-08", "B01:300.00")]
    [TestCase("2026-10-12", "B01:400.00 B02:300.00")]
    [TestCase("2026-10-15", "B01:400.00 B02:500.00 B03:200.00")]
    [TestCase("2026-10-18", "B01:400.00 B02:500.00")]
    public async Task Claims_count_on_the_branch_their_policy_has_as_of_the_date(string asOfText, string expected)
    {
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        var totals = await _store.Store.GetBranchMonthTotalsAsync(asOf, SeptemberDays);

        Assert.That(totals.All(t => t.Month == September && t.IssuedPremium == 0m && t.CancelledRefund == 0m), Is.True);
        Assert.That(
            string.Join(" ", totals.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Branch}:{t.ClaimsAssessed:0.00}"))),
            Is.EqualTo(expected));
    }

    [Test]
    public async Task Kept_claims_sums_equal_the_rule_s_sums_on_every_date()
    {
        for (var asOf = new DateOnly(2026, 10, 1); asOf <= new DateOnly(2026, 10, 20); asOf = asOf.AddDays(1))
        {
            var byRule = BranchMonthTotals.Between(
                BranchMonthTotals.From(await _store.Store.GetPoliciesAsync(asOf), await _store.Store.GetClaimsAsync(asOf)), September, September);

            Assert.That(await _store.Store.GetBranchMonthTotalsAsync(asOf, SeptemberDays), Is.EqualTo(byRule), $"as of {asOf:yyyy-MM-dd}");
        }
    }

    [Test]
    public async Task Migration_0006_derives_from_the_stored_rows_what_the_loads_keep()
    {
        // The same files in a store of their own; then the derived data is taken back to what it
        // was before migration 0006 and the migration's script runs over the rows as they are.
        await using var store = await TestStore.CreateAsync(provider);
        await LoadOutOfOrderAsync(store);
        var asLoaded = await DerivedAsync(store);

        await using (var connection = await store.OpenAsync())
        {
            await using var undo = connection.CreateCommand();
            undo.CommandText =
                "DROP TABLE claim_month_deltas; DROP INDEX ix_policy_versions_superseded; " +
                "ALTER TABLE policy_versions DROP COLUMN superseded_on; ALTER TABLE claim_versions DROP COLUMN superseded_on; " +
                "ALTER TABLE followup_versions DROP COLUMN superseded_on; " +
                "CREATE TABLE policy_version_keys (insurer_code TEXT NOT NULL, policy_no TEXT NOT NULL, PRIMARY KEY (insurer_code, policy_no)); " +
                "INSERT INTO policy_version_keys SELECT insurer_code, policy_no FROM policy_versions GROUP BY insurer_code, policy_no HAVING COUNT(*) > 1";
            await undo.ExecuteNonQueryAsync();
        }

        await store.RunMigrationAgainAsync(6);

        Assert.That(await DerivedAsync(store), Is.EqualTo(asLoaded));
    }

    /// <summary>Every version's superseded_on, and the claims' sums as of every date.</summary>
    private static async Task<List<string>> DerivedAsync(TestStore store)
    {
        var derived = new List<string>();
        await using var connection = await store.OpenAsync();
        foreach (var (table, key) in new[] { ("policy_versions", "insurer_code || policy_no"), ("claim_versions", "insurer_code || claim_no"), ("followup_versions", "followup_id") })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {key} || ' ' || CAST(ingest_id AS TEXT) || ' ' || COALESCE(CAST(superseded_on AS TEXT), '-') FROM {table} ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                derived.Add($"{table} {reader.GetString(0)}");
            }
        }

        Assert.That(derived.Count(d => !d.EndsWith(" -", StringComparison.Ordinal)), Is.EqualTo(6), "versions superseded by a later one");
        for (var asOf = new DateOnly(2026, 10, 1); asOf <= new DateOnly(2026, 10, 20); asOf = asOf.AddDays(1))
        {
            derived.AddRange((await store.Store.GetBranchMonthTotalsAsync(asOf, SeptemberDays)).Select(t => $"{asOf:MM-dd} {t}"));
        }

        return derived;
    }

    private static long Fen(decimal yuan) => (long)(yuan * 100m);

    /// <summary>Every stored version of every key, straight from the tables, with the file it came from.</summary>
    private async Task<List<StoredVersion>> AllVersionsAsync()
    {
        var queries = new (string Table, string Key, string Value)[]
        {
            ("policy_versions", "v.insurer_code || '/' || v.policy_no", "v.branch_code"),
            ("claim_versions", "v.insurer_code || '/' || v.claim_no", "CAST(v.assessed_fen AS TEXT) || ' ' || v.status"),
            ("followup_versions", "v.followup_id", "v.note"),
        };
        var versions = new List<StoredVersion>();
        await using var connection = await _store.OpenAsync();
        foreach (var (table, key, value) in queries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                $"SELECT {key}, {value}, CAST(v.extract_date AS TEXT), l.file_name, v.ingest_id FROM {table} v JOIN ingest_ledger l ON l.ingest_id = v.ingest_id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                versions.Add(new StoredVersion(
                    table, reader.GetString(0), reader.GetString(1), DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    reader.GetString(3), reader.GetInt64(4)));
            }
        }

        Assert.That(versions, Has.Count.EqualTo(14), "every line of every file is a version");
        return versions;
    }

    private sealed record StoredVersion(string Table, string Key, string Value, DateOnly ExtractDate, string FileName, long IngestId);
}
