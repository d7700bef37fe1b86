using Npgsql;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// On PostgreSQL a file loaded into an empty version table builds the table's primary key and
/// secondary indexes after its rows are in (issue 20). The test stores build them so from the first row, so every
/// PostgreSQL test of the suite loads that way; these check that the indexes come back exactly.
/// </summary>
[Category("Services")]
public sealed class DeferredIndexTests
{
    [Test]
    public async Task A_first_file_leaves_every_index_of_its_table_as_the_migrations_defined_it_clustered_one_included()
    {
        await using var fresh = await TestStore.CreateAsync("postgres");
        var before = await IndexesAsync(fresh, "policy_versions");

        await using var loaded = await FirstFileLoadedAsync();
        var after = await IndexesAsync(loaded, "policy_versions");

        Assert.That(before, Has.Count.GreaterThanOrEqualTo(6), "the primary key and the five date indexes");
        Assert.That(after, Is.EqualTo(before));
        Assert.That(after.Single(i => i.Clustered).Name, Is.EqualTo("ix_policy_versions_expiry"));
    }

    [Test]
    public async Task A_first_file_leaves_its_table_s_primary_key_a_constraint_as_the_migrations_defined_it()
    {
        await using var fresh = await TestStore.CreateAsync("postgres");
        var before = await ConstraintsAsync(fresh, "policy_versions");

        await using var loaded = await FirstFileLoadedAsync();

        Assert.That(before, Does.Contain(("policy_versions_pkey", "PRIMARY KEY (insurer_code, policy_no, ingest_id)")));
        Assert.That(await ConstraintsAsync(loaded, "policy_versions"), Is.EqualTo(before));
    }

    [Test]
    public async Task A_second_file_into_the_same_table_loads_with_its_indexes_in_place()
    {
        await using var store = await TestStore.CreateAsync("postgres");
        await store.LoadAsync(("policies", "policies_20261015.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1"))));
        var between = await IndexesAsync(store, "policy_versions");

        await store.LoadAsync(("policies", "policies_20261016.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P1", premium: "990.00"), CanonicalCsv.Policy("P2"))));

        Assert.That(await IndexesAsync(store, "policy_versions"), Is.EqualTo(between));
    }

    /// <summary>A new store whose policy table took its first file (two policies): the load that defers the indexes.</summary>
    private static async Task<TestStore> FirstFileLoadedAsync()
    {
        var store = await TestStore.CreateAsync("postgres");
        await store.LoadAsync(("policies", "policies_20261015.csv", CanonicalCsv.Policies(
            CanonicalCsv.Policy("P1", expiry: "2027-03-01"), CanonicalCsv.Policy("P2", coverage: "CTPL", expiry: "2027-01-15"))));
        return store;
    }

    /// <summary>The table's constraints and their definitions, in name order.</summary>
    private static async Task<List<(string Name, string Definition)>> ConstraintsAsync(TestStore store, string table)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '{table}'::regclass ORDER BY conname", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var constraints = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            constraints.Add((reader.GetString(0), reader.GetString(1)));
        }

        return constraints;
    }

    /// <summary>The table's indexes, the schema taken out of their definitions, in name order.</summary>
    private static async Task<List<(string Name, string Definition, bool Clustered)>> IndexesAsync(TestStore store, string table)
    {
        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indisclustered FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid " +
            $"WHERE x.indrelid = '{table}'::regclass ORDER BY i.relname",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var indexes = new List<(string, string, bool)>();
        while (await reader.ReadAsync())
        {
            indexes.Add((reader.GetString(0), System.Text.RegularExpressions.Regex.Replace(reader.GetString(1), @" ON t_[0-9a-f]+\.", " ON "), reader.GetBoolean(2)));
        }

        return indexes;
    }
}
