using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Reporting.Worker.Hosting;

/// <summary>
/// The minimum level the console log shows for a category, read from <c>Logging:LogLevel</c> and
/// <c>Logging:Console:LogLevel</c> with the rule Microsoft.Extensions.Logging applies (the console's
/// own rules first, then the longest category prefix, <c>Default</c> last). The console formatter
/// asks it whether Debug is on, which is when stack traces are written.
/// </summary>
public sealed class LogLevels
{
    private readonly List<(bool Console, string? Category, LogLevel Level)> _rules = [];

    public LogLevels(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Add(configuration.GetSection("Logging:LogLevel"), console: false);
        Add(configuration.GetSection("Logging:Console:LogLevel"), console: true);
    }

    /// <summary>The level below which nothing of <paramref name="category"/> is shown (Information when nothing says).</summary>
    public LogLevel MinimumFor(string category)
    {
        (bool Console, string? Category, LogLevel Level)? best = null;
        foreach (var rule in _rules)
        {
            if (rule.Category is not null && !category.StartsWith(rule.Category, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (best is not { } current || IsBetter(rule, current))
            {
                best = rule;
            }
        }

        return best?.Level ?? LogLevel.Information;
    }

    /// <summary>True when the full exception with its stack trace may be written for <paramref name="category"/>.</summary>
    public bool TracesFor(string category) => MinimumFor(category) <= LogLevel.Debug;

    private static bool IsBetter((bool Console, string? Category, LogLevel Level) rule, (bool Console, string? Category, LogLevel Level) current) =>
        rule.Console != current.Console
            ? rule.Console
            : (rule.Category?.Length ?? -1) >= (current.Category?.Length ?? -1);

    private void Add(IConfigurationSection section, bool console)
    {
        foreach (var entry in section.GetChildren())
        {
            if (entry.Value is { } value && Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level))
            {
                _rules.Add((console, entry.Key.Equals("Default", StringComparison.OrdinalIgnoreCase) ? null : entry.Key, level));
            }
        }
    }
}
