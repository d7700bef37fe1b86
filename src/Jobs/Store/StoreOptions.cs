namespace Reporting.Jobs.Store;

/// <summary>
/// Where the store lives (<c>Store</c> section; <c>Store__Provider</c> and
/// <c>Store__ConnectionString</c> in the environment override it).
/// </summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// For SQLite, empty means <c>&lt;data folder&gt;/reporting.db</c>. For PostgreSQL, a Npgsql
    /// connection string; keep its password in the environment or user secrets.
    /// </summary>
    public string? ConnectionString { get; set; }
}
