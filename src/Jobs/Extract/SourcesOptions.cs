using Microsoft.Extensions.Configuration;

namespace Reporting.Jobs.Extract;

/// <summary>All configured sources, by name (<c>Sources</c> section of <c>config/sources.json</c>).</summary>
public sealed class SourcesOptions
{
    public const string SectionName = "Sources";

    public IReadOnlyDictionary<string, SourceOptions> Sources { get; init; } = new Dictionary<string, SourceOptions>(StringComparer.Ordinal);

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
