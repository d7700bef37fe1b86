// SPEC §2.4 and §3: registration of the metrics configuration, validated at start-up.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Reporting.Jobs.Metrics;

public static class MetricsExtensions
{
    /// <summary>
    /// Binds <see cref="MetricsOptions"/> from the <c>Metrics</c> section (<c>config/metrics.json</c>)
    /// and validates it when the host starts, so a bad window or tier stops the worker with a
    /// message naming the key and the value instead of producing wrong numbers at 07:30.
    /// </summary>
    public static IServiceCollection AddReportingMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MetricsOptions>()
            .Bind(configuration.GetSection(MetricsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        return services;
    }
}
