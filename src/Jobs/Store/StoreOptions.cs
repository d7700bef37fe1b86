using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Store;

/// <summary>
/// Where the store lives (<c>Store</c> section; <c>Store__Provider</c> and
/// <c>Store__ConnectionString</c> in the environment override it).
/// </summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    /// <summary><see cref="StoreProviders.Sqlite"/> (embedded default) or <see cref="StoreProviders.Postgres"/>.</summary>
    public string Provider { get; set; } = StoreProviders.Sqlite;

    /// <summary>
    /// For SQLite, empty means <c>&lt;data folder&gt;/reporting.db</c>. For PostgreSQL, a Npgsql
    /// connection string; keep its password in the environment or user secrets.
    /// </summary>
    public string? ConnectionString { get; set; }
}

/// <summary>
/// Start-up validation of <see cref="StoreOptions"/>. The connection string is never shown: it may
/// hold a password (the command line parses it for the host and the file, never repeating it).
/// </summary>
public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var provider = StoreProviders.Normalize(options.Provider);
        if (provider is null)
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.SectionName}:Provider '{TextSafety.Printable(options.Provider)}' is not {StoreProviders.Sqlite} or {StoreProviders.Postgres}");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return provider == StoreProviders.Postgres
                ? ValidateOptionsResult.Fail($"{StoreOptions.SectionName}:ConnectionString '' is required for {StoreOptions.SectionName}:Provider={StoreProviders.Postgres}: set Store__ConnectionString in the environment")
                : ValidateOptionsResult.Success;
        }

        // The value is never shown (it may hold a password); the builders' messages name the keyword.
        var kind = provider == StoreProviders.Postgres ? "Npgsql" : "SQLite";
        try
        {
            _ = provider == StoreProviders.Postgres
                ? new NpgsqlConnectionStringBuilder(options.ConnectionString).ConnectionString
                : new SqliteConnectionStringBuilder(options.ConnectionString).ConnectionString;
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.SectionName}:ConnectionString is not a valid {kind} connection string ({TextSafety.Printable(ex.Message, 200)}): check its keywords and values");
        }
    }
}
