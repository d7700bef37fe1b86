using System.Net;
using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Npgsql;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Store;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// A database source that cannot be reached, for every provider, SQL Server included. No SQL
/// Server runs here (README): what can be tested is that the provider is in the build and that a
/// query against a closed loopback port fails as a sentence naming the run, the server and the
/// cause, recorded FAILED in the ledger, with the connection string's password nowhere.
/// </summary>
[Category("Services")]
public sealed class DatabaseSourceFailureTests
{
    private const string Password = "Xq7-secret-pw!42";
    private static readonly DateOnly From = new(2026, 10, 10);
    private static readonly DateOnly To = new(2026, 10, 15);

    private TestStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = await TestStore.CreateAsync("sqlite");

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public void The_sqlserver_provider_resolves_to_SqlClient_in_the_default_build()
    {
        Assert.That(DatabaseExtractReader.Factory("sqlserver"), Is.SameAs(SqlClientFactory.Instance));
        Assert.That(DatabaseExtractReader.Factory(" MSSQL "), Is.SameAs(SqlClientFactory.Instance));
    }

    [Test]
    public async Task A_sqlserver_query_against_a_closed_port_fails_naming_the_run_the_server_and_the_cause()
    {
        var port = ClosedPort();
        var source = Source("sqlserver", $"Server=tcp:127.0.0.1,{port};Database=crm;User ID=etl;Password={Password};Connect Timeout=2;ConnectRetryCount=0;Encrypt=false");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith($"crm_db@2026-10-10..2026-10-15: cannot connect to SQL Server 127.0.0.1,{port} (database crm): "));
        Assert.That(result.Error, Does.Contain("The server was not found or was not accessible"), "SqlClient's cause");
        var entry = (await _store.Store.GetLedgerAsync()).Single();
        Assert.That((entry.Status, entry.Error), Is.EqualTo((IngestStatus.FAILED, result.Error)));
    }

    [Test]
    public async Task A_sqlserver_failure_is_one_line_without_a_stack_trace_or_the_password()
    {
        var source = Source("sqlserver", $"Data Source=127.0.0.1,{ClosedPort()};Password={Password};User ID=etl;Connect Timeout=2;ConnectRetryCount=0");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Error, Does.Not.Contain("\n").And.Not.Contain("   at ").And.Not.Contain("Exception"));
        Assert.That(result.Error, Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_postgres_query_against_a_closed_port_names_host_and_port_but_not_the_password()
    {
        var port = ClosedPort();
        var source = Source("postgres", $"Host=127.0.0.1;Port={port};Username=etl;Password={Password};Database=crm;Timeout=2");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith($"crm_db@2026-10-10..2026-10-15: cannot connect to PostgreSQL 127.0.0.1:{port} (database crm): "));
        Assert.That(result.Error, Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_postgres_login_refused_does_not_show_the_password()
    {
        var admin = new NpgsqlConnectionStringBuilder(TestStore.RequirePostgres()) { Username = "no_such_role_" + Guid.NewGuid().ToString("N")[..8], Password = Password };
        var source = Source("postgres", admin.ToString());

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.Contain("cannot connect to PostgreSQL ").And.Contain(admin.Username));
        Assert.That(result.Error, Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_sqlite_source_given_a_password_fails_naming_the_file_but_not_the_password()
    {
        var path = Path.Combine(_store.Folder, "crm.db");
        var source = Source("sqlite", $"Data Source={path};Password={Password}");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith($"crm_db@2026-10-10..2026-10-15: cannot connect to SQLite {path}: "));
        Assert.That(result.Error, Does.Not.Contain(Password));
    }

    [TestCase("sqlserver")]
    [TestCase("postgres")]
    [TestCase("sqlite")]
    public async Task An_invalid_connection_string_fails_naming_the_setting_but_not_the_password(string provider)
    {
        var source = Source(provider, $"Frobnicate={Password};Password={Password}");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Outcome, Is.EqualTo(LoadOutcome.Failed));
        Assert.That(result.Error, Does.StartWith("crm_db@2026-10-10..2026-10-15: the connection string of Sources:crm_db is invalid: ").And.Contain("frobnicate").IgnoreCase);
        Assert.That(result.Error, Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_sqlserver_host_that_does_not_resolve_fails_with_host_not_found()
    {
        var source = Source("sqlserver", $"Server=tcp:no-such-host.invalid,1433;User ID=etl;Password={Password};Connect Timeout=2;ConnectRetryCount=0");

        var result = await _store.Loader().LoadQueryAsync(source, From, To);

        Assert.That(result.Error, Does.StartWith("crm_db@2026-10-10..2026-10-15: cannot connect to SQL Server no-such-host.invalid,1433: ").And.EndWith("(host not found)"));
    }

    [Test]
    public void A_password_a_provider_repeats_in_its_message_is_blanked()
    {
        var cause = DatabaseExtractReader.Cause(new InvalidOperationException($"login with {Password} refused\r\n   at Somewhere()", new IOException("Connection refused")), Password);

        Assert.That(cause, Is.EqualTo("login with *** refused at Somewhere() (Connection refused)"));
    }

    private static SourceOptions Source(string provider, string connectionString) => new()
    {
        Name = "crm_db",
        Kind = SourceKind.Database,
        Dataset = ExtractDataset.FollowUps,
        Provider = provider,
        ConnectionString = connectionString,
        Query = "SELECT * FROM crm_followups WHERE contact_date BETWEEN @from AND @to",
    };

    /// <summary>A loopback port nothing listens on: one the system just handed out and took back.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
