using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;

namespace Reporting.Worker.CommandLine;

/// <summary>Option parsers shared by commands: business dates are ISO <c>YYYY-MM-DD</c>.</summary>
internal static class CommandLineParsing
{
    public static Option<DateOnly?> DateOption(string name, string description) => new(name)
    {
        Description = description + " (YYYY-MM-DD)",
        CustomParser = ParseDate,
    };

    public static Option<BusinessMonth?> MonthOption(string name, string description) => new(name)
    {
        Description = description + " (YYYY-MM)",
        CustomParser = ParseMonth,
    };

    /// <summary>
    /// The option accepts only <paramref name="names"/>; anything else is a usage error on one line
    /// that lists them (System.CommandLine's own list spans lines).
    /// </summary>
    public static T OneOf<T>(this T option, params string[] names)
        where T : Option<string>
    {
        ArgumentNullException.ThrowIfNull(option);
        option.CompletionSources.Add(names);
        option.Validators.Add(result =>
        {
            var token = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
            if (token is not null && !names.Contains(token, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} '{TextSafety.Printable(token)}' is not one of {string.Join(", ", names)}");
            }
        });
        return option;
    }

    /// <summary>The argument accepts only <paramref name="names"/>, as <see cref="OneOf{T}(T, string[])"/> for options.</summary>
    public static Argument<string> OneOf(this Argument<string> argument, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.CompletionSources.Add(names);
        argument.Validators.Add(result =>
        {
            var token = result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
            if (token is not null && !names.Contains(token, StringComparer.Ordinal))
            {
                result.AddError($"{argument.Name} '{TextSafety.Printable(token)}' is not one of {string.Join(", ", names)}");
            }
        });
        return argument;
    }

    private static BusinessMonth? ParseMonth(ArgumentResult result)
    {
        var token = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (BusinessMonth.TryParse(token, out var month))
        {
            return month;
        }

        result.AddError($"{result.Argument.Name} '{TextSafety.Printable(token)}' is not a month in the form YYYY-MM");
        return null;
    }

    private static DateOnly? ParseDate(ArgumentResult result)
    {
        var token = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        result.AddError($"{result.Argument.Name} '{TextSafety.Printable(token)}' is not a date in the form YYYY-MM-DD");
        return null;
    }
}
