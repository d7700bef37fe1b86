using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
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

    private static BusinessMonth? ParseMonth(ArgumentResult result)
    {
        var token = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (BusinessMonth.TryParse(token, out var month))
        {
            return month;
        }

        result.AddError($"'{token}' is not a month in the form YYYY-MM");
        return null;
    }

    private static DateOnly? ParseDate(ArgumentResult result)
    {
        var token = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (DateOnly.TryParseExact(token, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        result.AddError($"'{token}' is not a date in the form YYYY-MM-DD");
        return null;
    }
}
