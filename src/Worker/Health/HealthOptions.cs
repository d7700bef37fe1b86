using Microsoft.Extensions.Options;

namespace Reporting.Worker.Health;

/// <summary>
/// The health endpoints of <c>serve</c> (<c>Health</c> section): <c>/healthz</c> and <c>/readyz</c>
/// on <see cref="Urls"/>, bound to loopback unless configured otherwise.
/// </summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>False serves nothing (<c>Health:Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the endpoints listen, Kestrel's <c>;</c>-separated form (<c>Health:Urls</c>).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8079";

    /// <summary>
    /// How long after its scheduled fire a morning run may take, beyond the freshness wait, before
    /// <c>/readyz</c> calls it late (<c>Health:MorningGrace</c>).
    /// </summary>
    public TimeSpan MorningGrace { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a check may take before it counts as failed (<c>Health:CheckTimeout</c>).</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The parsed <see cref="Urls"/>.</summary>
    public IReadOnlyList<string> UrlList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Names the key and the value of a wrong <c>Health</c> setting.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Enabled)
        {
            if (options.UrlList.Count == 0)
            {
                failures.Add($"{HealthOptions.SectionName}:Urls is empty: give an address such as http://127.0.0.1:8079, or set {HealthOptions.SectionName}:Enabled to false");
            }

            foreach (var url in options.UrlList)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort && !url.Contains(":80", StringComparison.Ordinal)
                    || uri.AbsolutePath != "/" || uri.Query.Length > 0)
                {
                    failures.Add($"{HealthOptions.SectionName}:Urls '{Reporting.Jobs.Domain.TextSafety.Printable(url, 120)}' is not an http://host:port address (for example http://127.0.0.1:8079)");
                }
            }
        }

        if (options.MorningGrace < TimeSpan.Zero)
        {
            failures.Add($"{HealthOptions.SectionName}:MorningGrace '{options.MorningGrace}' is negative");
        }

        if (options.CheckTimeout <= TimeSpan.Zero || options.CheckTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{HealthOptions.SectionName}:CheckTimeout '{options.CheckTimeout}' must be more than zero and at most 00:01:00");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
