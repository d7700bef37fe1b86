using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Scheduling;

namespace Reporting.Worker.CommandLine;

/// <summary>The ops command line: the same executable that runs as the scheduled worker.</summary>
public static class ReportingCommandLine
{
    /// <summary>
    /// The commands, with the jobs registered by <see cref="JobRegistryExtensions.AddReportingJobs"/>
    /// and <paramref name="addJobs"/>: <c>run</c> and <c>backfill</c> accept and list their names.
    /// The registrations are read before any host is built (a usage error needs no configuration).
    /// </summary>
    public static RootCommand Create(Action<IServiceCollection>? addJobs = null)
    {
        var services = new ServiceCollection().AddReportingJobs();
        addJobs?.Invoke(services);
        var jobs = JobRegistry.Of(services);
        var root = new RootCommand("Dealer-channel motor insurance reporting worker: loads insurer extracts, computes renewal, conversion, referral and commission figures, and delivers reports.");
        root.Add(IngestCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(MetricsCommand.Create());
        root.Add(RunCommand.Create(jobs));
        root.Add(RunCommand.CreateBackfill(jobs));
        root.Add(HistoryCommand.Create());
        root.Add(ExplainCommand.Create());
        root.Add(ServeCommand.Create());
        root.Add(JobsCommand.Create(jobs));
        root.Add(CalendarCommand.Create());
        return root;
    }
}
