using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// SQLite reads of a store named by its file path open their own handle without SQLite's
/// connection mutex; a store named any other way (here a <c>file:</c> URI) reads through
/// Microsoft.Data.Sqlite's connection. Both read the same rows.
/// </summary>
public sealed class SqliteReadHandleTests
{
    private static readonly DateOnly AsOf = new(2026, 10, 20);

    [Test]
    public async Task A_store_named_by_a_URI_reads_the_rows_a_store_named_by_its_path_reads()
    {
        await using var store = await TestStore.CreateAsync("sqlite");
        await store.LoadAsync(("policies", "policies_20261010.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", vin: "LSVAB1234567890A1", expiry: "2026-11-05"),
            CanonicalCsv.Policy("P2", coverage: "CTPL", vin: "LSVAB1234567890A2", expiry: "2026-11-20"))));
        var file = Path.Combine(store.Folder, "reporting.db");
        var byUri = new SqliteReportingStore($"Data Source=file:{file}?mode=rw", TimeProvider.System);

        var byPathRead = await store.Store.GetPolicyVersionsAsync(AsOf);
        var byUriRead = await byUri.GetPolicyVersionsAsync(AsOf);

        Assert.That(byPathRead.Select(v => v.Policy.PolicyNo), Is.EqualTo(new[] { "P1", "P2" }));
        Assert.That(byUriRead, Is.EqualTo(byPathRead));
    }

    [Test]
    public async Task A_store_whose_file_is_missing_fails_to_read_with_the_file_named()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-test-").FullName;
        try
        {
            var file = Path.Combine(folder, "missing.db");
            var store = new SqliteReportingStore("Data Source=" + file, TimeProvider.System);

            var error = Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => store.GetPolicyVersionsAsync(AsOf));

            Assert.That(error!.Message, Does.Contain(file));
            Assert.That(File.Exists(file), Is.False, "a read creates no store");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
