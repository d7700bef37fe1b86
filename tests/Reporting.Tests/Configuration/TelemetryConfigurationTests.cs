using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Reporting.Worker.Hosting;

namespace Reporting.Tests.Configuration;

/// <summary>
/// Issue 19: the <c>Telemetry</c> section (exporters off by default, validated like every section) and
/// the console log's format (<c>Logging:Console:FormatterName</c>), through the real host, built but not started.
/// </summary>
public sealed class TelemetryConfigurationTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-telemetry-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Without_a_Telemetry_section_no_OpenTelemetry_provider_is_registered()
    {
        using var host = Build();

        Assert.That(host.Services.GetService<MeterProvider>(), Is.Null);
        Assert.That(host.Services.GetService<TracerProvider>(), Is.Null);
    }

    [Test]
    public void Telemetry_Console_registers_the_meter_and_tracer_providers()
    {
        using var host = Build(new() { ["Telemetry:Console"] = "true" });

        Assert.That(host.Services.GetService<MeterProvider>(), Is.Not.Null);
        Assert.That(host.Services.GetService<TracerProvider>(), Is.Not.Null);
    }

    [Test]
    public void An_OTLP_endpoint_registers_the_meter_and_tracer_providers()
    {
        using var host = Build(new() { ["Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317" });

        Assert.That(host.Services.GetService<MeterProvider>(), Is.Not.Null);
        Assert.That(host.Services.GetService<TracerProvider>(), Is.Not.Null);
    }

    [Test]
    public void An_OTLP_endpoint_that_is_no_address_stops_the_host_from_building() =>
        Assert.That(() => Build(new() { ["Telemetry:Otlp:Endpoint"] = "collector:4317 please" }),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Telemetry:Otlp:Endpoint 'collector:4317 please' is not an absolute http or https address"));

    [Test]
    public void An_unknown_OTLP_protocol_stops_the_host_from_building() =>
        Assert.That(() => Build(new() { ["Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4318", ["Telemetry:Otlp:Protocol"] = "thrift" }),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Telemetry:Otlp:Protocol 'thrift' is not grpc or http/protobuf"));

    [Test]
    public void The_console_log_uses_the_reporting_text_format_by_default()
    {
        using var host = Build();

        Assert.That(host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo(ReportingConsoleFormatter.FormatterName));
    }

    [Test]
    public void Logging_Console_FormatterName_json_selects_the_json_format_with_scopes()
    {
        using var host = Build(new() { ["Logging:Console:FormatterName"] = "json" });

        Assert.That(host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo("json"));
        Assert.That(host.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes, Is.True);
    }

    [Test]
    public void An_unknown_Logging_Console_FormatterName_stops_the_host_from_building_naming_the_key() =>
        Assert.That(() => Build(new() { ["Logging:Console:FormatterName"] = "xml" }),
            Throws.TypeOf<ConfigurationException>().With.Message.Contains("Logging:Console:FormatterName 'xml' is not one of reporting, json, simple, systemd"));

    [Test]
    [NonParallelizable]
    public void The_serve_host_under_a_notify_socket_keeps_the_configured_log_format()
    {
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", Path.Combine(_folder, "notify.sock"));
        try
        {
            using var host = ReportingHost.Build(new Dictionary<string, string?> { ["Data:Folder"] = _folder }, Reporting.Testing.RepositoryLayout.Root, interactive: false, configure: b => b.AddSystemdNotify());

            Assert.That(host.Services.GetRequiredService<IHostLifetime>(), Is.TypeOf<Microsoft.Extensions.Hosting.Systemd.SystemdLifetime>());
            Assert.That(host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo("reporting"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        }
    }

    private IHost Build(Dictionary<string, string?>? overrides = null)
    {
        overrides ??= [];
        overrides["Data:Folder"] = _folder;
        return ReportingHost.Build(overrides, Reporting.Testing.RepositoryLayout.Root, interactive: false);
    }
}
