using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Hosting;

namespace Reporting.Worker.Health;

/// <summary>Registers the <c>Health</c> section (every command validates it) and, for <c>serve</c>, the endpoints.</summary>
public static class HealthExtensions
{
    /// <summary>The validated <c>Health</c> section; every command checks it at start like every other section.</summary>
    public static IServiceCollection AddHealthOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HealthOptions, HealthOptionsValidator>(configuration, HealthOptions.SectionName);
        return services;
    }

    /// <summary>
    /// The endpoints of <c>serve</c>: a hosted service registered after the scheduler's, so it starts
    /// once the scheduler has, and stops first.
    /// </summary>
    public static HostApplicationBuilder AddReportingHealthEndpoints(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<HealthEndpoint>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HealthEndpoint>());
        return builder;
    }
}
