using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Worker.Hosting;

/// <summary>
/// Where the worker's metrics and traces go (<c>Telemetry</c> section): nowhere by default. An OTLP
/// endpoint sends both to a collector; <see cref="Console"/> prints them, for debugging.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    public OtlpTelemetryOptions Otlp { get; set; } = new();

    /// <summary>Print every finished activity and the metrics to standard output (debugging only: it mixes with a command's output).</summary>
    public bool Console { get; set; }

    /// <summary>True when any exporter is configured: only then is the OpenTelemetry SDK registered.</summary>
    public bool Enabled => Otlp.Endpoint is { Length: > 0 } || Console;
}

/// <summary><c>Telemetry:Otlp</c>: the collector.</summary>
public sealed class OtlpTelemetryOptions
{
    /// <summary>The collector's address, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://otel-collector:4318</c> (HTTP); empty: no OTLP export.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318; <c>/v1/traces</c> and <c>/v1/metrics</c> are appended).</summary>
    public string Protocol { get; set; } = GrpcProtocol;

    public const string GrpcProtocol = "grpc", HttpProtobufProtocol = "http/protobuf";

    /// <summary>The endpoint as an address; null when it is empty or not an absolute http or https address.</summary>
    public Uri? EndpointUri =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}

/// <summary>Start-up validation of <see cref="TelemetryOptions"/>: an endpoint that is an address, a protocol the exporter speaks.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var otlp = options.Otlp;
        if (otlp.Endpoint is { Length: > 0 } endpoint && otlp.EndpointUri is null)
        {
            failures.Add($"{TelemetryOptions.SectionName}:Otlp:Endpoint '{TextSafety.Printable(endpoint, 200)}' is not an absolute http or https address (http://collector:4317)");
        }

        if (otlp.Protocol is not (OtlpTelemetryOptions.GrpcProtocol or OtlpTelemetryOptions.HttpProtobufProtocol))
        {
            failures.Add($"{TelemetryOptions.SectionName}:Otlp:Protocol '{TextSafety.Printable(otlp.Protocol, 50)}' is not {OtlpTelemetryOptions.GrpcProtocol} or {OtlpTelemetryOptions.HttpProtobufProtocol}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
