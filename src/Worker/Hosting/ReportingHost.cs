using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Hosting;

namespace Reporting.Worker.Hosting;

/// <summary>
/// Builds the Generic Host every command runs in. Configuration, lowest to highest precedence:
/// every <c>config/*.json</c> (in name order), user secrets, environment variables
/// (<c>Store__ConnectionString</c>…), then overrides a command sets (the demo's data folder).
/// </summary>
public static class ReportingHost
{
    /// <param name="overrides">Settings a command forces, above every other source.</param>
    /// <param name="home">The folder holding <c>config/</c>; found automatically when null.</param>
    /// <param name="interactive">A command-line run: the command prints its own results, so the
    /// log shows warnings and errors only unless <c>Logging:LogLevel:Reporting</c> says otherwise.</param>
    /// <param name="configure">Further registrations before the host is built (the scheduler of <c>serve</c>).</param>
    public static IHost Build(
        IReadOnlyDictionary<string, string?>? overrides = null, string? home = null, bool interactive = true, Action<HostApplicationBuilder>? configure = null)
    {
        home = ReportingPaths.FindHome(home ?? Environment.GetEnvironmentVariable("REPORTING_HOME"));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = home });
        var configFolder = Path.Combine(home, "config");
        if (Directory.Exists(configFolder))
        {
            foreach (var file in Directory.EnumerateFiles(configFolder, "*.json").Order(StringComparer.Ordinal))
            {
                builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
            }
        }

        if (interactive)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Reporting"] = "Warning" });
        }

        builder.Configuration.AddUserSecrets(typeof(ReportingHost).Assembly, optional: true);
        builder.Configuration.AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.AddReporting(home);
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Everything the worker registers; the scheduler adds its jobs beside this.</summary>
    public static HostApplicationBuilder AddReporting(this HostApplicationBuilder builder, string home)
    {
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddReportingCore(builder.Configuration, home);
        return builder;
    }
}
