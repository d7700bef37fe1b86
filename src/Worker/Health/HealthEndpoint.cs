using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Reporting.Worker.Health;

/// <summary>
/// The health endpoints of <c>serve</c>, on a minimal ASP.NET Core host of their own
/// (<see cref="WebApplication.CreateSlimBuilder()"/>) started beside the scheduler: <c>/healthz</c>
/// (the checks tagged <see cref="Live"/>) and <c>/readyz</c> (tagged <see cref="Ready"/>), GET and
/// HEAD only, JSON with each check's status and reason, HTTP 503 when a check is unhealthy
/// (<c>MapHealthChecks</c>' own status mapping: healthy and degraded are 200). Nothing else
/// is served: every other path is 404, and there is no way to control the scheduler over HTTP.
/// </summary>
/// <remarks>
/// The checks are the worker's own services (the store, the scheduler, the run log), resolved from
/// the worker's container; the web host only serves their answers.
/// </remarks>
public sealed class HealthEndpoint(IServiceProvider services, HealthOptions options, ILogger<HealthEndpoint> logger) : IHostedService, IAsyncDisposable
{
    public const string Live = "live";
    public const string Ready = "ready";

    private WebApplication? _app;

    /// <summary>The addresses the endpoints listen on once started (a port 0 in <c>Health:Urls</c> becomes the one the system gave).</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Health endpoints off ({Section}:Enabled is false)", HealthOptions.SectionName);
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.UrlList]);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var checks = builder.Services.AddHealthChecks();
        foreach (var registration in Registrations(services))
        {
            checks.Add(registration);
        }

        var app = builder.Build();
        Map(app, "/healthz", Live);
        Map(app, "/readyz", Ready);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            // The reports matter more than the probe: a port another process holds (a second worker
            // on the machine, a restart racing the old process) leaves this worker running without
            // endpoints, said loudly; a monitor polling the address gets no answer from it.
            await app.DisposeAsync();
            logger.LogError(
                "{Section}:Urls {Urls} cannot be listened on ({Cause}): serving no health endpoints; choose a free address for this worker, or set {Section}:Enabled to false",
                HealthOptions.SectionName, options.Urls, ex.Message, HealthOptions.SectionName);
            return;
        }

        _app = app;
        Addresses = [.. app.Urls];
        logger.LogInformation("Health endpoints /healthz and /readyz on {Addresses}", string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    /// <summary>The worker's checks: <c>alive</c> (the process answers, its scheduler is up) for <c>/healthz</c>; <c>store</c>, <c>scheduler</c>, <c>morning</c>, <c>extracts</c> for <c>/readyz</c>.</summary>
    public static IEnumerable<HealthCheckRegistration> Registrations(IServiceProvider services)
    {
        var timeout = services.GetRequiredService<HealthOptions>().CheckTimeout;
        HealthCheckRegistration Check(string name, Func<IHealthCheck> create, string tag) =>
            new(name, _ => create(), HealthStatus.Unhealthy, [tag], timeout);

        yield return Check("alive", () => ActivatorUtilities.CreateInstance<SchedulerCheck>(services, false), Live);
        yield return Check("store", () => ActivatorUtilities.CreateInstance<StoreCheck>(services), Ready);
        yield return Check("scheduler", () => ActivatorUtilities.CreateInstance<SchedulerCheck>(services, true), Ready);
        yield return Check("morning", () => ActivatorUtilities.CreateInstance<MorningRunCheck>(services), Ready);
        yield return Check("extracts", () => ActivatorUtilities.CreateInstance<ExtractFreshnessCheck>(services), Ready);
    }

    private static void Map(WebApplication app, string path, string tag) =>
        app.MapHealthChecks(path, new HealthCheckOptions { Predicate = r => r.Tags.Contains(tag), ResponseWriter = WriteAsync, AllowCachingResponses = false })
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));

    /// <summary>
    /// <c>{"status":"Unhealthy","checks":[{"name":"store","status":"Healthy","reason":"…","seconds":0.004}, …]}</c>,
    /// the checks in registration order. The reasons name stores, sources, dates and jobs; never a
    /// connection string, a secret or personal data.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("reason", entry.Description ?? entry.Exception?.Message ?? (entry.Status == HealthStatus.Unhealthy ? "timed out or failed" : ""));
                json.WriteNumber("seconds", Math.Round(entry.Duration.TotalSeconds, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
