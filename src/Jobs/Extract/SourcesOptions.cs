using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Reporting.Jobs.Extract;

/// <summary>All configured sources, by name (<c>Sources</c> section of <c>config/sources.json</c>).</summary>
public sealed class SourcesOptions
{
    public const string SectionName = "Sources";

    public IReadOnlyDictionary<string, SourceOptions> Sources { get; set; } = new Dictionary<string, SourceOptions>(StringComparer.Ordinal);

    /// <summary>
    /// Registers the sources, validated at start-up. The section is a dictionary whose keys are the
    /// sources' names, which each <see cref="SourceOptions.Name"/> carries, so it is bound by
    /// <see cref="Bind(IConfiguration)"/> rather than by the binder alone.
    /// </summary>
    public static OptionsBuilder<SourcesOptions> Register(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<SourcesOptions>()
            .Configure(options => options.Sources = Bind(configuration).Sources)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SourcesOptions>>().Value);
        return builder;
    }

    public static SourcesOptions Bind(IConfiguration configuration)
    {
        var sources = new Dictionary<string, SourceOptions>(StringComparer.Ordinal);
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var source = new SourceOptions();
            section.Bind(source);
            source.Name = section.Key;
            sources[section.Key] = source;
        }

        return new SourcesOptions { Sources = sources };
    }

    public SourceOptions Get(string name) => Sources.TryGetValue(name, out var source)
        ? source
        : throw new ArgumentException($"no source named '{name}' in configuration (known: {string.Join(", ", Sources.Keys.Order(StringComparer.Ordinal))})", nameof(name));

    public IEnumerable<string> Validate() => Sources.Values.SelectMany(s => s.Validate());
}

/// <summary>Start-up validation of <see cref="SourcesOptions"/>: every source's <see cref="SourceOptions.Validate"/>.</summary>
public sealed class SourcesOptionsValidator : IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
