using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NUnit.Framework;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Testing.Stores;

/// <summary>
/// A real, empty store for one test: a SQLite file in a temp folder, or a fresh schema in the
/// PostgreSQL server the test command started (<c>REPORTING_TEST_POSTGRES</c>).
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    public const string PostgresVariable = "REPORTING_TEST_POSTGRES";

    private readonly string? _schema;
    private readonly string? _adminConnection;

    private TestStore(string provider, string connectionString, string folder, string? schema, string? adminConnection, int? sqliteLoadRunRows = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        _schema = schema;
        _adminConnection = adminConnection;
        Options = new StoreOptions { Provider = provider, ConnectionString = connectionString };
        Store = provider == "sqlite"
            ? new SqliteReportingStore(connectionString, TimeProvider.System) { LoadRunRows = sqliteLoadRunRows ?? SqliteReportingStore.DefaultLoadRunRows }
            // Every first load into an empty table builds its indexes afterwards, as a history file
            // does, so the whole suite judges that path too (the default waits for 50 000 rows).
            : new PostgresReportingStore(connectionString, TimeProvider.System) { DeferIndexesFromRows = 1 };
    }

    public static IEnumerable<string> Providers => ["sqlite", "postgres"];

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>A temp folder of the test's own, for files and the SQLite database.</summary>
    public string Folder { get; }

    public StoreOptions Options { get; }

    public IReportingStore Store { get; }

    /// <summary>The PostgreSQL connection string, or an ignored/failed test when there is none.</summary>
    public static string RequirePostgres()
    {
        var cs = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(cs))
        {
            return cs;
        }

        // Under CI a missing server is a failure, never a silent skip.
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail($"{PostgresVariable} is not set: run the tests through ops/test, which starts PostgreSQL");
        }

        Assert.Ignore($"{PostgresVariable} is not set: run ops/test to include PostgreSQL");
        return "";
    }

    /// <param name="provider">sqlite or postgres.</param>
    /// <param name="sqliteLoadRunRows">How many rows a SQLite load stages at a time (runs in store order); PostgreSQL orders a whole file.</param>
    public static async Task<TestStore> CreateAsync(string provider, int? sqliteLoadRunRows = null)
    {
        var folder = Directory.CreateTempSubdirectory("reporting-test-").FullName;
        TestStore store;
        if (provider == "sqlite")
        {
            store = new TestStore(provider, "Data Source=" + Path.Combine(folder, "reporting.db"), folder, null, null, sqliteLoadRunRows);
        }
        else
        {
            var admin = RequirePostgres();
            var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var cs = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ToString();
            store = new TestStore(provider, cs, folder, schema, admin);
        }

        await store.Store.MigrateAsync();
        return store;
    }

    /// <summary>The real sources of <c>config/sources.json</c>.</summary>
    public static SourcesOptions ConfiguredSources()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryLayout.Config, "sources.json")).Build();
        return SourcesOptions.Bind(configuration);
    }

    /// <summary>The real reference data of <c>config/reference.json</c>, when it exists.</summary>
    public static ReferenceDataOptions ConfiguredReference()
    {
        var file = Path.Combine(RepositoryLayout.Config, "reference.json");
        if (!File.Exists(file))
        {
            return new ReferenceDataOptions();
        }

        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
        return configuration.GetSection(ReferenceDataOptions.SectionName).Get<ReferenceDataOptions>() ?? new ReferenceDataOptions();
    }

    public ExtractLoader Loader(ReferenceDataOptions? reference = null) =>
        new(Store, reference ?? new ReferenceDataOptions(), TimeProvider.System, NullLogger<ExtractLoader>.Instance);

    /// <summary>
    /// Writes each file into the test folder and loads it through the configured source it names,
    /// in the order given; each must load.
    /// </summary>
    public async Task LoadAsync(params (string Source, string Name, string Content)[] files)
    {
        var sources = ConfiguredSources();
        var loader = Loader();
        foreach (var (source, name, content) in files)
        {
            var result = await loader.LoadFileAsync(sources.Get(source), WriteFile(name, content));
            Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), $"{name}: {result.Error}");
        }
    }

    /// <summary>Writes a file (and by default its .done marker) into the test folder.</summary>
    public string WriteFile(string name, string content, System.Text.Encoding? encoding = null, bool marker = true)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, (encoding ?? new System.Text.UTF8Encoding(false)).GetBytes(content));
        if (marker)
        {
            File.WriteAllText(path + ".done", "");
        }

        return path;
    }

    public string WriteBytes(string name, byte[] content, bool marker = true)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, content);
        if (marker)
        {
            File.WriteAllText(path + ".done", "");
        }

        return path;
    }

    /// <summary>Takes a migration off the store's list and migrates: it runs again over the rows as they are.</summary>
    public async Task RunMigrationAgainAsync(int version)
    {
        await using (var connection = await OpenAsync())
        {
            await using var forget = connection.CreateCommand();
            forget.CommandText = $"DELETE FROM schema_version WHERE version = {version}";
            await forget.ExecuteNonQueryAsync();
        }

        await Store.MigrateAsync();
    }

    /// <summary>A plain connection to the store, for tests that read its tables directly.</summary>
    public async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        var connection = Provider == "sqlite"
            ? (System.Data.Common.DbConnection)new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Fails unless no transaction holds the lock a load of <paramref name="source"/> takes: on SQLite
    /// the database's write lock (<c>BEGIN IMMEDIATE</c> with a one-second wait), on PostgreSQL the
    /// source's advisory lock (taken and given back at once).
    /// </summary>
    public async Task AssertLoadLockFreeAsync(string source)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        if (Provider == "sqlite")
        {
            command.CommandText = "PRAGMA busy_timeout = 1000; BEGIN IMMEDIATE; ROLLBACK;";
            Assert.DoesNotThrowAsync(() => command.ExecuteNonQueryAsync(), "the write lock is free within a second");
            return;
        }

        command.CommandText = "SELECT pg_try_advisory_lock(hashtext(@source)), pg_advisory_unlock_all()";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "source";
        parameter.Value = "ingest:" + source;
        command.Parameters.Add(parameter);
        Assert.That(await command.ExecuteScalarAsync(), Is.True, "no transaction holds the source's load lock");
    }

    /// <summary>
    /// Every stored row of every table, as text, in a stable order: equal snapshots mean the
    /// store is exactly as it was (used by the "nothing changed" tests).
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        var tables = new[]
        {
            ("policy_versions", "insurer_code, policy_no, ingest_id"),
            ("claim_versions", "insurer_code, claim_no, ingest_id"),
            ("followup_versions", "followup_id, ingest_id"),
            ("ingest_ledger", "ingest_id"),
            ("ingest_issues", "ingest_id, line_no, column_name, reason"),
            ("ingest_month_sums", "ingest_id, branch_code, insurer_code, month"),
            ("claim_month_deltas", "on_date, branch_code, insurer_code, month"),
        };
        var text = new System.Text.StringBuilder();
        await using var connection = await OpenAsync();
        foreach (var (table, order) in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY {order}";
            await using var reader = await command.ExecuteReaderAsync();
            text.Append("# ").AppendLine(table);
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_schema is not null && _adminConnection is not null)
        {
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A killed child process may still hold a file for a moment; the temp folder is disposable.
        }
    }
}
