using Microsoft.Extensions.DependencyInjection;

namespace Reporting.Jobs.Scheduling;

/// <summary>One registered job: its definition and the class that runs it.</summary>
public sealed record JobRegistration(JobDefinition Definition, Type JobType);

/// <summary>
/// Every job registered in DI (<see cref="JobRegistryExtensions.AddReportingJob{TJob}"/>), in
/// registration order: the names <c>run</c>, <c>backfill</c> and the schedule accept, their
/// definitions, and the job instances the executor runs.
/// </summary>
public sealed class JobRegistry
{
    private readonly IReadOnlyList<JobRegistration> registrations;

    public JobRegistry(IEnumerable<JobRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        this.registrations = [.. registrations];
        Names = [.. this.registrations.Select(r => r.Definition.Name)];
        Definitions = [.. this.registrations.Select(r => r.Definition)];
    }

    /// <summary>The shipped jobs (<see cref="JobRegistryExtensions.AddReportingJobs"/>), for code that has no container.</summary>
    public static JobRegistry Default { get; } = Of(new ServiceCollection().AddReportingJobs());

    /// <summary>Every job's name, in registration order: <c>ingest, morning, commission, renewal-review</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<JobDefinition> Definitions { get; }

    /// <summary>The names for a sentence: <c>ingest, morning, commission or renewal-review</c>.</summary>
    public string NamesInWords => Names.Count <= 1
        ? string.Join("", Names)
        : string.Join(", ", Names.Take(Names.Count - 1)) + " or " + Names[^1];

    /// <summary>The registry of the jobs registered in <paramref name="services"/>, read before any container is built (the command line's names).</summary>
    public static JobRegistry Of(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new JobRegistry(services
            .Where(d => d.ServiceType == typeof(JobRegistration) && d.ImplementationInstance is JobRegistration)
            .Select(d => (JobRegistration)d.ImplementationInstance!));
    }

    public JobDefinition? Find(string name) => Registration(name)?.Definition;

    /// <summary>The job called <paramref name="name"/>, from <paramref name="services"/>; null when no job has that name.</summary>
    public IReportingJob? Resolve(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Registration(name) is { } registration ? (IReportingJob)services.GetRequiredService(registration.JobType) : null;
    }

    private JobRegistration? Registration(string name) =>
        registrations.FirstOrDefault(r => string.Equals(r.Definition.Name, name, StringComparison.Ordinal));
}

public static class JobRegistryExtensions
{
    /// <summary>
    /// The shipped jobs, in the order the command line and the errors list them, and the
    /// executor that runs them. A new report is one more class here (and its template).
    /// </summary>
    public static IServiceCollection AddReportingJobs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddReportingJob<IngestJob>();
        services.AddReportingJob<MorningJob>();
        services.AddReportingJob<CommissionJob>();
        services.AddReportingJob<RenewalReviewJob>();
        services.AddSingleton<ReportJobPipeline>();
        services.AddSingleton(sp => new JobRegistry(sp.GetServices<JobRegistration>()));
        services.AddSingleton<IJobExecutor, JobExecutor>();
        return services;
    }

    /// <summary>Registers one job: its definition (read by <see cref="JobRegistry"/>) and its class.</summary>
    public static IServiceCollection AddReportingJob<TJob>(this IServiceCollection services)
        where TJob : class, IReportingJob
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new JobRegistration(TJob.Definition, typeof(TJob)));
        services.AddSingleton<TJob>();
        return services;
    }
}
