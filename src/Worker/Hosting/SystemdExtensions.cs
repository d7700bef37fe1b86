using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Reporting.Worker.Hosting;

/// <summary>
/// <c>serve</c> under systemd's <c>Type=notify</c> (<c>ops/reporting-worker.service</c>), with
/// Microsoft.Extensions.Hosting.Systemd: <c>READY=1</c> once every hosted service has started (the
/// store migrated, the scheduler started and reconciled, the health endpoints listening),
/// <c>STOPPING=1</c> when SIGTERM begins the graceful stop.
/// </summary>
/// <remarks>
/// The library's notifier and lifetime are registered when the parent process is systemd (the
/// library's own test) or when a <c>NOTIFY_SOCKET</c> is given by anything else speaking the same
/// protocol (a supervisor, a wrapper, a test). Not its <c>AddSystemd</c>, which would also switch
/// the console log to systemd's format: the log keeps the format <c>Logging:Console:FormatterName</c>
/// names (escaped one-line text, or JSON), the same under systemd as by hand.
/// No <c>WatchdogSec</c>: the library does not send <c>WATCHDOG=1</c>, and a timer that did would prove
/// only that the thread pool runs; <c>/readyz</c> is the probe that says whether the work gets done.
/// </remarks>
public static class SystemdExtensions
{
    public static HostApplicationBuilder AddSystemdNotify(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (SystemdHelpers.IsSystemdService() || Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
        {
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return builder;
    }
}
