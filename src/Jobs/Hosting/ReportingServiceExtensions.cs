using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Hosting;

public static class ReportingServiceExtensions
{
    /// <summary>
    /// Registers paths, the business calendar, reference data, sources, the store and the loader.
    /// Configuration problems surface here, at start-up, with the key and the bad value.
    /// </summary>
    public static IServiceCollection AddReportingCore(this IServiceCollection services, IConfiguration configuration, string home)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ReportingPaths(home, configuration["Data:Folder"] is { Length: > 0 } folder ? folder : "data"));
        var zoneId = configuration["Business:TimeZone"] is { Length: > 0 } z ? z : "Asia/Shanghai";
        services.AddSingleton(sp => new BusinessCalendar(sp.GetRequiredService<TimeProvider>(), FindZone(zoneId)));

        var reference = configuration.GetSection(ReferenceDataOptions.SectionName).Get<ReferenceDataOptions>() ?? new ReferenceDataOptions();
        services.AddSingleton(reference);

        var sources = SourcesOptions.Bind(configuration);
        var problems = sources.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }

        services.AddSingleton(sources);
        services.AddReportingStore(configuration);
        services.AddSingleton<ExtractLoader>();
        services.AddReportingMetrics(configuration);
        services.AddReportingDelivery(configuration, home);
        services.AddSingleton(Reports.MorningEmail.MorningEmailOptions.Bind(configuration));
        services.AddSingleton<Reports.ReportRunner>();
        var scheduling = configuration.GetSection(Scheduling.SchedulingOptions.SectionName).Get<Scheduling.SchedulingOptions>() ?? new Scheduling.SchedulingOptions();
        services.AddSingleton(scheduling);
        services.AddSingleton(sp => (Scheduling.IRunStore)sp.GetRequiredService<IReportingStore>());
        services.AddSingleton<Delivery.Deliverer>();
        services.AddSingleton<Scheduling.IJobExecutor, Scheduling.JobExecutor>();
        return services;
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new InvalidOperationException($"Business:TimeZone '{id}' is not a known time zone (is tzdata installed?)", ex);
        }
    }
}
