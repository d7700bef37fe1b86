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
/// <c>AddSystemd</c> switches itself on only when the parent process is systemd; it then also logs
/// in systemd's console format, which journald turns into priorities. A process given a
/// <c>NOTIFY_SOCKET</c> by anything else (a supervisor speaking the same protocol, <c>systemd-run</c>
/// through a wrapper, a test) gets the same notifier and lifetime here, and keeps its log format.
/// No <c>WatchdogSec</c>: the library does not send <c>WATCHDOG=1</c>, and a timer that did would prove
/// only that the thread pool runs; <c>/readyz</c> is the probe that says whether the work gets done.
/// </remarks>
public static class SystemdExtensions
{
    public static HostApplicationBuilder AddSystemdNotify(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
        {
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        return builder;
    }
}
