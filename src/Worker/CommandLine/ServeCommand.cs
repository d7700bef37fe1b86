using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Store;
using Reporting.Worker.Health;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;

namespace Reporting.Worker.CommandLine;

/// <summary><c>serve</c>: the service mode — run the scheduled jobs until stopped (Ctrl+C, SIGTERM).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run as the scheduled worker until stopped: the jobs of config/schedule.json fire on their cron");
        command.SetAction(async (_, cancellationToken) =>
        {
            // A service logs what it does: information level, unlike the interactive commands.
            using var host = ReportingHost.Build(interactive: false, configure: builder => builder.AddReportingScheduler().AddReportingHealthEndpoints().AddSystemdNotify());
            await host.Services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
