using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Store;

public static class StoreExtensions
{
    /// <summary>Registers the store named by <c>Store:Provider</c> (validated at start-up).</summary>
    public static IServiceCollection AddReportingStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StoreOptions, StoreOptionsValidator>(configuration, StoreOptions.SectionName);
        services.AddSingleton<IReportingStore>(sp => Create(sp.GetRequiredService<StoreOptions>(), sp.GetRequiredService<ReportingPaths>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IReportingStore Create(StoreOptions options, ReportingPaths paths, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        return StoreProviders.Normalize(options.Provider) switch
        {
            StoreProviders.Sqlite => new SqliteReportingStore(
                string.IsNullOrWhiteSpace(options.ConnectionString) ? "Data Source=" + Path.Combine(paths.DataFolder, "reporting.db") : options.ConnectionString,
                time),
            StoreProviders.Postgres => new PostgresReportingStore(
                options.ConnectionString ?? throw new InvalidOperationException("Store:ConnectionString is required for Store:Provider=postgres (set Store__ConnectionString)"),
                time),
            _ => throw new InvalidOperationException($"Store:Provider must be sqlite or postgres, got '{options.Provider}'"),
        };
    }
}
