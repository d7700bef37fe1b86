namespace Reporting.Jobs.Hosting;

/// <summary>
/// The defaults of the settings more than one place reads, written once: the options classes,
/// the store factory, the command line's store description and the scheduler all take them from here.
/// </summary>
public static class ConfigurationDefaults
{
    /// <summary><c>Business:TimeZone</c>: business dates are calendar days there (SPEC §1).</summary>
    public const string TimeZone = "Asia/Shanghai";

    /// <summary><c>Data:Folder</c>, relative to the home folder.</summary>
    public const string DataFolder = "data";
}

/// <summary>The values of <c>Store:Provider</c> (and of nothing else: sources name their own providers).</summary>
public static class StoreProviders
{
    /// <summary>The embedded default: one file under the data folder.</summary>
    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    /// <summary>The provider a configured name means (case and spaces ignored; <c>postgresql</c> is <c>postgres</c>); null when it is neither.</summary>
    public static string? Normalize(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => Sqlite,
        "POSTGRES" or "POSTGRESQL" => Postgres,
        _ => null,
    };
}
