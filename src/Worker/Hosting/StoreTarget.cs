using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Worker.Hosting;

/// <summary>
/// Which store a command works on, as a message may name it: the SQLite file, or the PostgreSQL
/// host and port. Parsed from <c>Store:*</c> with the providers' own connection string builders,
/// so no password is ever part of it.
/// </summary>
public sealed record StoreTarget(string Provider, string? SqliteFile, string? Host, int? Port, string? Database)
{
    /// <summary>For messages: <c>SQLite store /srv/data/reporting.db</c>, <c>PostgreSQL store db.example:5432</c>.</summary>
    public string Description => Provider == StoreProviders.Sqlite
        ? "SQLite store " + TextSafety.Printable(SqliteFile ?? "(in memory)", 256)
        : $"PostgreSQL store {Endpoint}";

    /// <summary><c>host:port</c> of a PostgreSQL store (escaped), else the SQLite file.</summary>
    public string Endpoint => Provider == StoreProviders.Sqlite
        ? TextSafety.Printable(SqliteFile ?? "(in memory)", 256)
        : $"{TextSafety.Printable(Host ?? "localhost", 256)}:{Port ?? NpgsqlConnection.DefaultPort}";

    /// <summary>The store <c>Store:*</c> names; null when the configuration names none (start-up validation says why).</summary>
    public static StoreTarget? TryFrom(IConfiguration configuration, string home)
    {
        try
        {
            return From(configuration, home);
        }
        catch (Exception ex) when (ex is ConfigurationException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The store <c>Store:*</c> names; a <see cref="ConfigurationException"/> when it names none.</summary>
    public static StoreTarget From(IConfiguration configuration, string home)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        switch (StoreProviders.Normalize(options.Provider))
        {
            case StoreProviders.Sqlite:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    var data = configuration.GetSection(DataOptions.SectionName).Get<DataOptions>() ?? new DataOptions();
                    var paths = new ReportingPaths(home, data.EffectiveFolder);
                    return new StoreTarget(StoreProviders.Sqlite, paths.Resolve("reporting.db"), null, null, null);
                }

                var sqlite = Parse(() => new SqliteConnectionStringBuilder(options.ConnectionString), "SQLite");
                var file = sqlite.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
                    ? Path.GetFullPath(source)
                    : sqlite.DataSource;
                return new StoreTarget(StoreProviders.Sqlite, file is { Length: > 0 } and not ":memory:" ? file : null, null, null, null);
            case StoreProviders.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new ConfigurationException("Store:ConnectionString is required for Store:Provider=postgres: set Store__ConnectionString in the environment.");
                }

                var postgres = Parse(() => new NpgsqlConnectionStringBuilder(options.ConnectionString), "Npgsql");
                return new StoreTarget(StoreProviders.Postgres, null, postgres.Host, postgres.Port, postgres.Database);
            default:
                throw new ConfigurationException($"Store:Provider must be sqlite or postgres, got '{TextSafety.Printable(options.Provider)}'.");
        }
    }

    /// <summary>
    /// A connection string that does not parse is a configuration error. Its text is never shown
    /// (it may hold a password); the builders' messages name the keyword, not the value.
    /// </summary>
    private static T Parse<T>(Func<T> parse, string kind)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ConfigurationException($"Store:ConnectionString is not a valid {kind} connection string ({TextSafety.Printable(ex.Message, 200)}): check its keywords and values.", ex);
        }
    }
}
