using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Hosting;

public static class ReportingServiceExtensions
{
    /// <summary>
    /// Registers paths, the business calendar, reference data, sources, the store and the loader.
    /// Every configuration section is bound and validated the same way
    /// (<see cref="ValidatedOptionsExtensions.AddValidatedOptions{TOptions, TValidator}"/>): a wrong
    /// value stops the start-up with the validator's sentence, naming the key and the value.
    /// </summary>
    public static IServiceCollection AddReportingCore(this IServiceCollection services, IConfiguration configuration, string home)
    {
        services.AddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration);
        services.AddValidatedOptions<DataOptions, DataOptionsValidator>(configuration, DataOptions.SectionName);
        services.AddSingleton(sp => new ReportingPaths(home, sp.GetRequiredService<DataOptions>().EffectiveFolder));
        services.AddValidatedOptions<BusinessOptions, BusinessOptionsValidator>(configuration, BusinessOptions.SectionName);
        services.AddSingleton(sp => new BusinessCalendar(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<BusinessOptions>().Zone));
        services.AddValidatedOptions<ReferenceDataOptions, ReferenceDataOptionsValidator>(configuration, ReferenceDataOptions.SectionName);
        SourcesOptions.Register(services, configuration);
        services.AddReportingStore(configuration);
        services.AddSingleton<ExtractLoader>();
        services.AddSingleton<Extract.Pull.SftpPuller>();
        services.AddSingleton<Extract.Pull.DropFolderIngest>();
        services.AddReportingMetrics(configuration);
        services.AddReportingDelivery(configuration, home);
        services.AddValidatedOptions<MorningEmailOptions, MorningEmailOptionsValidator>(configuration, MorningEmailOptions.SectionName);
        services.AddSingleton<Reports.ReportRunner>();
        services.AddValidatedOptions<SchedulingOptions, SchedulingOptionsValidator>(configuration, SchedulingOptions.SectionName)
            .Configure<IOptions<BusinessOptions>>((scheduling, business) => scheduling.UseBusinessTimeZone(business.Value));
        // Loaded once; a file that does not read is a configuration error reported by the schedule's validation.
        services.AddSingleton(sp => Scheduling.Calendar.WorkingCalendar.Load(
            Path.Combine(home, sp.GetRequiredService<SchedulingOptions>().CalendarFolder)).Calendar);
        services.AddSingleton(sp => (IRunStore)sp.GetRequiredService<IReportingStore>());
        services.AddSingleton<Delivery.Deliverer>();
        services.AddReportingJobs();
        return services;
    }
}
