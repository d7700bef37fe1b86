using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// A database source (SPEC §2, "queried with @from and @to"): the branches' CRM read from a SQLite
/// file and from a PostgreSQL table, each loaded into both store providers.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
public sealed class DatabaseSourceTests(string provider)
{
    private static readonly DateOnly From = new(2026, 10, 10);
    private static readonly DateOnly To = new(2026, 10, 15);

    private TestStore _store = null!;
    private CrmDatabase? _crm;

    [SetUp]
    public async Task SetUp() => _store = await TestStore.CreateAsync(provider);

    [TearDown]
    public async Task TearDown()
    {
        if (_crm is not null)
        {
            await _crm.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Only_rows_from_to_are_loaded_under_the_extract_date_to(string crm)
    {
        var source = await FollowUpSourceAsync(crm,
            Row(1001, "2026-10-09"), Row(1002, "2026-10-10"), Row(1003, "2026-10-12"), Row(1004, "2026-10-15"), Row(1005, "2026-10-16"));

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That((result.FileName, result.ExtractDate), Is.EqualTo(("crm@2026-10-10..2026-10-15", (DateOnly?)To)));
        var entry = (await _store.Store.GetLedgerAsync()).Single();
        Assert.That((entry.Source, entry.FileName, entry.ExtractDate, entry.RowsRead, entry.RowsLoaded), Is.EqualTo(("crm", result.FileName, To, 3L, 3L)));
        var loaded = await _store.Store.GetFollowUpsAsync(To);
        Assert.That(loaded.Select(f => f.FollowUpId).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "1002", "1003", "1004" }));
        Assert.That(await _store.Store.GetFollowUpsAsync(To.AddDays(-1)), Is.Empty, "the rows belong to the extract dated @to");
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Rerunning_the_same_query_changes_nothing(string crm)
    {
        var source = await FollowUpSourceAsync(crm, Row(1001, "2026-10-11"), Row(1002, "2026-10-12"));
        var first = await _store.Loader().LoadQueryAsync(source, From, To);
        var before = await _store.SnapshotAsync();

        var again = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(first.Outcome, Is.EqualTo(LoadOutcome.Loaded), first.Error);
        Assert.That((again.Outcome, again.IngestId), Is.EqualTo((LoadOutcome.AlreadyLoaded, first.IngestId)));
        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(before));

        await _crm!.ExecuteAsync("UPDATE crm_followups SET 结果 = 'WON' WHERE 跟进编号 = 1002");
        var changed = await _store.Loader().LoadQueryAsync(source, From, To);
        Assert.That(changed.Outcome, Is.EqualTo(LoadOutcome.Loaded), "a changed result is a new version");
        Assert.That((await _store.Store.GetFollowUpsAsync(To)).Single(f => f.FollowUpId == "1002").Outcome, Is.EqualTo(FollowUpOutcome.WON));
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Bad_rows_are_rejected_with_their_row_number(string crm)
    {
        var source = await FollowUpSourceAsync(crm,
            Row(1001, "2026-10-11"),
            Row(1002, "2026-10-12", outcome: "LOST"),
            Row(1003, "2026-10-13", channel: "飞鸽传书"),
            Row(1004, "2026-10-14"));
        source.RejectThreshold = 0.5;

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That(result.Issues.Select(i => (i.Line, i.Column, i.Value)), Is.EqualTo(new[] { (2, "lost_reason", ""), (3, "channel", "飞鸽传书") }));
        Assert.That(result.Issues[0].ToString(), Is.EqualTo("line 2, column lost_reason: lost_reason is required when outcome is LOST ('')"));
        Assert.That(await _store.Store.GetIssuesAsync(result.IngestId!.Value), Is.EqualTo(result.Issues));
        Assert.That((await _store.Store.GetFollowUpsAsync(To)).Select(f => f.FollowUpId).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "1001", "1004" }));
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Typed_columns_and_mapped_values_arrive_as_canonical_values(string crm)
    {
        var source = await FollowUpSourceAsync(crm, Row(1001, "2026-10-11", outcome: "LOST", lostReason: "PRICE", note: "嫌贵, 说\"外面便宜\""));

        await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That((await _store.Store.GetFollowUpsAsync(To)).Single(), Is.EqualTo(new FollowUp(
            "1001", "PICC", "P1", "B01", "A001", new DateOnly(2026, 10, 11), ContactChannel.PHONE, FollowUpOutcome.LOST, LostReason.PRICE, "嫌贵, 说\"外面便宜\"")));
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Typed_date_and_numeric_columns_of_a_policy_query_arrive_exactly(string crm)
    {
        _crm = await CrmDatabase.CreateAsync(crm, _store.Folder);
        await _crm.ExecuteAsync(
            "CREATE TABLE insurer_policies (policy_no TEXT, insurer_code TEXT, coverage TEXT, business_type TEXT, branch_code TEXT, advisor_id TEXT, " +
            "vin TEXT, plate_no TEXT, customer_name TEXT, customer_phone TEXT, customer_id_no TEXT, issue_date DATE, effective_date DATE, expiry_date DATE, " +
            "premium NUMERIC(12, 2), status TEXT, cancel_date DATE, refund_premium NUMERIC(12, 2))");
        await _crm.ExecuteAsync(
            "INSERT INTO insurer_policies VALUES " +
            "('P1', 'PICC', 'COMMERCIAL', 'RENEWAL', 'B01', 'A001', 'LSVAB1234567890AB', '粤B12345', '张三', '13800001234', '440301199001011234', " +
            "'2026-10-11', '2026-10-12', '2027-10-11', 4200.50, 'ACTIVE', NULL, NULL), " +
            "('P2', 'PICC', 'CTPL', 'NEW_CAR', NULL, NULL, 'lsvab1234567890ac', NULL, NULL, NULL, NULL, " +
            "'2026-10-12', '2026-10-12', '2027-10-11', 950, 'CANCELLED', '2026-10-14', 100.10)");
        var source = new SourceOptions
        {
            Name = "insurer_db",
            Kind = SourceKind.Database,
            Dataset = ExtractDataset.Policies,
            Provider = crm,
            ConnectionString = _crm.ConnectionString,
            Query = "SELECT * FROM insurer_policies WHERE issue_date BETWEEN @from AND @to ORDER BY policy_no",
        };

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Error);
        Assert.That(result.Issues, Is.Empty);
        Assert.That((await _store.Store.GetPoliciesAsync(To)).OrderBy(p => p.PolicyNo, StringComparer.Ordinal), Is.EqualTo(new[]
        {
            new Policy("PICC", "P1", Coverage.COMMERCIAL, BusinessType.RENEWAL, "B01", "A001", "LSVAB1234567890AB", "粤B12345", "张三", "13800001234",
                new DateOnly(2026, 10, 11), new DateOnly(2026, 10, 12), new DateOnly(2027, 10, 11), 4200.50m, PolicyStatus.ACTIVE, null, 0m),
            new Policy("PICC", "P2", Coverage.CTPL, BusinessType.NEW_CAR, null, null, "LSVAB1234567890AC", null, null, null,
                new DateOnly(2026, 10, 12), new DateOnly(2026, 10, 12), new DateOnly(2027, 10, 11), 950m, PolicyStatus.CANCELLED, new DateOnly(2026, 10, 14), 100.10m),
        }));
        Assert.That(result.Counts!.Premium, Is.EqualTo(5150.50m));
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task A_query_without_a_required_column_fails_naming_the_run_and_the_column(string crm)
    {
        var source = await FollowUpSourceAsync(crm, Row(1001, "2026-10-11"));
        source.Query = source.Query!.Replace("跟进方式, ", "", StringComparison.Ordinal);

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Is.EqualTo("crm@2026-10-10..2026-10-15: the query returns no column for channel"));
        Assert.That((await _store.Store.GetLedgerAsync()).Single().Error, Is.EqualTo(result.Error));
        Assert.That(await _store.Store.GetFollowUpsAsync(To), Is.Empty);
    }

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task A_query_that_cannot_run_fails_naming_the_run_the_server_and_the_cause(string crm)
    {
        var source = await FollowUpSourceAsync(crm, Row(1001, "2026-10-11"));
        source.Query = source.Query!.Replace("FROM crm_followups", "FROM crm_followup_log", StringComparison.Ordinal);

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        var server = crm == "sqlite" ? "SQLite " + Path.Combine(_store.Folder, "crm.db") : "PostgreSQL ";
        Assert.That(result.Error, Does.StartWith($"crm@2026-10-10..2026-10-15: the query failed on {server}").And.Contain("crm_followup_log"));
        Assert.That((await _store.Store.GetLedgerAsync()).Single().Status, Is.EqualTo(Reporting.Jobs.Store.IngestStatus.FAILED));
    }

    private static string Row(int id, string contact, string channel = "电话", string outcome = "QUOTED", string? lostReason = null, string? note = null) =>
        $"({id}, 'PICC', 'P1', 'B01', 'A001', '{contact}', '{channel}', '{outcome}', {Literal(lostReason)}, {Literal(note)})";

    private static string Literal(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// The CRM's own table: Chinese column names, an integer id, a real DATE column, and the
    /// CRM's own channel labels; the source maps them to the canonical follow-up columns.
    /// </summary>
    private async Task<SourceOptions> FollowUpSourceAsync(string crm, params string[] rows)
    {
        _crm = await CrmDatabase.CreateAsync(crm, _store.Folder);
        await _crm.ExecuteAsync(
            "CREATE TABLE crm_followups (跟进编号 INTEGER PRIMARY KEY, insurer_code TEXT, 保单号 TEXT, 门店 TEXT, advisor_id TEXT, 联系日期 DATE NOT NULL, " +
            "跟进方式 TEXT, 结果 TEXT, 战败原因 TEXT, note TEXT)");
        await _crm.ExecuteAsync("INSERT INTO crm_followups VALUES " + string.Join(", ", rows));
        return new SourceOptions
        {
            Name = "crm",
            Kind = SourceKind.Database,
            Dataset = ExtractDataset.FollowUps,
            Provider = crm,
            ConnectionString = _crm.ConnectionString,
            Query = "SELECT 跟进编号, insurer_code, 保单号, 门店, advisor_id, 联系日期, 跟进方式, 结果, 战败原因, note " +
                "FROM crm_followups WHERE 联系日期 BETWEEN @from AND @to ORDER BY 跟进编号",
            Columns = new()
            {
                ["跟进编号"] = "followup_id",
                ["保单号"] = "policy_no",
                ["门店"] = "branch_code",
                ["联系日期"] = "contact_date",
                ["跟进方式"] = "channel",
                ["结果"] = "outcome",
                ["战败原因"] = "lost_reason",
            },
            Values = new() { ["channel"] = new() { ["电话"] = "PHONE", ["微信"] = "WECHAT", ["上门"] = "VISIT", ["短信"] = "SMS" } },
        };
    }

    /// <summary>The source database: a SQLite file of the test's own, or a fresh schema in the test PostgreSQL.</summary>
    private sealed class CrmDatabase : IAsyncDisposable
    {
        private readonly string? _schema;

        private CrmDatabase(string kind, string connectionString, string? schema)
        {
            Kind = kind;
            ConnectionString = connectionString;
            _schema = schema;
        }

        public string Kind { get; }

        public string ConnectionString { get; }

        public static async Task<CrmDatabase> CreateAsync(string kind, string folder)
        {
            if (kind == "sqlite")
            {
                return new CrmDatabase(kind, "Data Source=" + Path.Combine(folder, "crm.db"), null);
            }

            var admin = TestStore.RequirePostgres();
            var schema = "crm_" + Guid.NewGuid().ToString("N")[..12];
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
                await create.ExecuteNonQueryAsync();
            }

            return new CrmDatabase(kind, new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ToString(), schema);
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = Open();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (_schema is null)
            {
                SqliteConnection.ClearAllPools();
                return;
            }

            await using var connection = new NpgsqlConnection(TestStore.RequirePostgres());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        private DbConnection Open() => Kind == "sqlite" ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
    }
}
