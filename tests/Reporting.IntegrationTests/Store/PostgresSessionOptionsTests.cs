using Npgsql;
using Reporting.Jobs.Store;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Store;

/// <summary>
/// The store's PostgreSQL sessions plan as its reads need (<see cref="PostgresReportingStore.SessionOptions"/>),
/// and an operator's own <c>Options</c> in the connection string still win.
/// </summary>
[Category("Services")]
public sealed class PostgresSessionOptionsTests
{
    [Test]
    public async Task A_store_session_runs_without_parallel_workers_or_JIT()
    {
        var settings = await SettingsAsync(PostgresReportingStore.WithSessionOptions(TestStore.RequirePostgres()));

        Assert.That(settings, Is.EqualTo(("0", "off", "1.1", "32MB")));
    }

    [Test]
    public async Task An_operator_s_options_in_the_connection_string_win()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(TestStore.RequirePostgres()) { Options = "-c work_mem=8MB -c jit=on" }.ToString();

        var settings = await SettingsAsync(PostgresReportingStore.WithSessionOptions(connectionString));

        Assert.That(settings, Is.EqualTo(("0", "on", "1.1", "8MB")));
    }

    private static async Task<(string Parallel, string Jit, string RandomPageCost, string WorkMem)> SettingsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('jit'), current_setting('random_page_cost'), current_setting('work_mem')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
    }
}
