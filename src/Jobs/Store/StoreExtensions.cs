using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Store;

public static class StoreExtensions
{
    /// <summary>Registers the store named by <c>Store:Provider</c>.</summary>
    public static IServiceCollection AddReportingStore(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        services.AddSingleton(options);
        services.AddSingleton<IReportingStore>(sp => Create(options, sp.GetRequiredService<ReportingPaths>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IReportingStore Create(StoreOptions options, ReportingPaths paths, TimeProvider time) => options.Provider.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => new SqliteReportingStore(
            string.IsNullOrWhiteSpace(options.ConnectionString) ? "Data Source=" + Path.Combine(paths.DataFolder, "reporting.db") : options.ConnectionString,
            time),
        "POSTGRES" or "POSTGRESQL" => new PostgresReportingStore(
            options.ConnectionString ?? throw new InvalidOperationException("Store:ConnectionString is required for Store:Provider=postgres (set Store__ConnectionString)"),
            time),
        _ => throw new InvalidOperationException($"Store:Provider must be sqlite or postgres, got '{options.Provider}'"),
    };
}
