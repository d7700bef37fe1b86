using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Worker.Health;
using Reporting.Worker.Scheduling;

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
        Compose(builder.Configuration, home, interactive, overrides, tolerant: false);
        Last = new HostConfiguration(builder.Configuration, home);
        try
        {
            // The store failures are reported against; a wrong Store or Data setting is not one, and
            // the start-up validation below names it.
            Last = Last with { Store = StoreTarget.TryFrom(builder.Configuration, home) };
            builder.AddReporting(home);
            configure?.Invoke(builder);
            var host = builder.Build();
            try
            {
                // Commands resolve services without starting the host, so the start-up validation
                // (every section's IValidateOptions) runs here, for every command and for serve.
                host.Services.ValidateConfiguration();
                host.Services.StartReportingTelemetry();
            }
            catch
            {
                host.Dispose();
                throw;
            }

            return host;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or InvalidDataException)
        {
            // Nothing has touched the store or the disk yet: what fails here is the configuration
            // (a section that does not bind, a validation, a time zone, a cron).
            throw new ConfigurationException(ex.Message, ex);
        }
    }

    /// <summary>
    /// The configuration the last <see cref="Build"/> of this process composed, and its store;
    /// a command that fails is reported against it (the store path or host, the log levels).
    /// </summary>
    public static HostConfiguration? Last { get; private set; }

    /// <summary>
    /// The configuration sources in precedence order, lowest first: every <c>config/*.json</c> (in
    /// name order), the interactive log level, user secrets, environment variables, overrides.
    /// <paramref name="tolerant"/> skips a JSON file that does not parse instead of failing (for
    /// reporting a failure, when the host could not be built).
    /// </summary>
    public static void Compose(IConfigurationBuilder configuration, string home, bool interactive, IReadOnlyDictionary<string, string?>? overrides, bool tolerant)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configFolder = Path.Combine(home, "config");
        if (Directory.Exists(configFolder))
        {
            foreach (var file in Directory.EnumerateFiles(configFolder, "*.json").Order(StringComparer.Ordinal))
            {
                AddJsonFile(configuration, file, tolerant);
            }
        }

        if (interactive)
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Reporting"] = "Warning" });
        }

        configuration.AddUserSecrets(typeof(ReportingHost).Assembly, optional: true);
        configuration.AddEnvironmentVariables();
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static void AddJsonFile(IConfigurationBuilder configuration, string file, bool tolerant)
    {
        // A ConfigurationManager loads each source as it is added: a file that does not parse fails here.
        if (tolerant)
        {
            try
            {
                new ConfigurationBuilder().AddJsonFile(file, optional: false, reloadOnChange: false).Build();
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
            {
                return;
            }
        }

        try
        {
            configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException ex)
        {
            var cause = ex.Message;
            for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
            {
                cause = inner.Message;
            }

            throw new ConfigurationException($"The configuration file {TextSafety.Printable(file, 256)} is not valid JSON ({TextSafety.Printable(cause, 200)}).", ex);
        }
    }

    /// <summary>The console formats <c>Logging:Console:FormatterName</c> may name.</summary>
    public static readonly IReadOnlyList<string> KnownFormatters = [ReportingConsoleFormatter.FormatterName, "json", "simple", "systemd"];

    /// <summary>Everything the worker registers; the scheduler adds its jobs beside this.</summary>
    public static HostApplicationBuilder AddReporting(this HostApplicationBuilder builder, string home)
    {
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

        // The escaped one-line text format unless configuration names another formatter
        // (Logging:Console:FormatterName=json: JSON lines, each with the run's scope).
        // Scopes are on in JSON (registered before AddConsole, so Logging:Console:FormatterOptions still wins).
        var formatter = builder.Configuration["Logging:Console:FormatterName"];
        if (!string.IsNullOrWhiteSpace(formatter) && !KnownFormatters.Contains(formatter))
        {
            // Otherwise .NET falls back to its simple format without a word.
            throw new ConfigurationException($"Logging:Console:FormatterName '{TextSafety.Printable(formatter, 60)}' is not one of {string.Join(", ", KnownFormatters)}.");
        }

        builder.Services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        builder.Logging.AddConsole(o => o.FormatterName = string.IsNullOrWhiteSpace(formatter) ? ReportingConsoleFormatter.FormatterName : formatter);
        var levels = new LogLevels(builder.Configuration);
        builder.Logging.AddConsoleFormatter<ReportingConsoleFormatter, ReportingConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat = "HH:mm:ss ";
            o.Levels = levels;
        });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddReportingCore(builder.Configuration, home);
        builder.Services.AddReportingSchedule(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddHealthOptions(builder.Configuration);
        builder.AddReportingTelemetry();
        return builder;
    }
}

/// <summary>What <see cref="ReportingHost.Build"/> composed: the configuration, the home folder, and the store it names (null when that is invalid).</summary>
public sealed record HostConfiguration(IConfiguration Configuration, string Home, StoreTarget? Store = null);
