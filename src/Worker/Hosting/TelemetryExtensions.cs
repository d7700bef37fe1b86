using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Reporting.Jobs.Hosting;

namespace Reporting.Worker.Hosting;

/// <summary>
/// The OpenTelemetry SDK, registered only when the <c>Telemetry</c> section names an exporter:
/// it listens to <see cref="ReportingTelemetry"/> (metrics and traces), the only instruments the
/// worker has. With no exporter nothing is registered and the instruments record into the void.
/// </summary>
public static class TelemetryExtensions
{
    public static HostApplicationBuilder AddReportingTelemetry(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(builder.Configuration, TelemetryOptions.SectionName);
        var options = new TelemetryOptions();
        try
        {
            builder.Configuration.GetSection(TelemetryOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            // A value that does not bind (Console 'maybe'): the start-up validation names it.
            return builder;
        }

        // An endpoint that is no address: the start-up validation stops the host, naming it.
        var endpoint = options.Otlp.EndpointUri;
        if (endpoint is null && !options.Console)
        {
            return builder;
        }

        var protocol = options.Otlp.Protocol == OtlpTelemetryOptions.HttpProtobufProtocol ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ReportingTelemetry.Name, serviceVersion: typeof(ReportingTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ReportingTelemetry.Name);
                if (endpoint is not null)
                {
                    tracing.AddOtlpExporter(o => Otlp(o, endpoint, protocol, "v1/traces"));
                }

                if (options.Console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ReportingTelemetry.Name);
                if (endpoint is not null)
                {
                    metrics.AddOtlpExporter(o => Otlp(o, endpoint, protocol, "v1/metrics"));
                }

                if (options.Console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return builder;
    }

    /// <summary>
    /// Builds the providers now. The SDK's hosted service builds them when a host starts, but every
    /// command but <c>serve</c> resolves its services without starting the host; without this their
    /// runs would record nothing. Disposing the host flushes them. Nothing happens when no provider is registered.
    /// </summary>
    public static void StartReportingTelemetry(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
    }

    private static void Otlp(OtlpExporterOptions options, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        options.Protocol = protocol;

        // gRPC takes the collector's address as it is; OTLP/HTTP one URL per signal.
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }
}
