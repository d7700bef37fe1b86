using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Scriban.Runtime;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// The functions a template may call, and nothing else (no Scriban builtins): the formats of
/// <see cref="EmailFormats"/> under snake_case names, e.g. <c>{{ percent cohort.rate }}</c>,
/// <c>{{ lead line.lower_days line.upper_days }}</c>. Each takes the model's value as it is (a
/// boxed decimal, int, date, enum or null) and returns text, which the context then encodes; a
/// value of the wrong type (a template passing a name to <c>percent</c>) throws.
/// </summary>
public static class EmailFunctions
{
    /// <summary>A new object holding the functions; <see cref="EmailRenderer"/> makes one and shares it, read-only.</summary>
    public static ScriptObject Create()
    {
        var functions = new ScriptObject();
        Add(functions, "percent", v => EmailFormats.Percent(Decimal(v)));
        Add(functions, "percent2", v => EmailFormats.Percent2(Decimal(v)));
        Add(functions, "target", v => EmailFormats.Target(Decimal(v)));
        Add(functions, "configured_rate", v => EmailFormats.ConfiguredRate(Decimal(v)));
        Add(functions, "points", v => EmailFormats.Points(Decimal(v)));
        Add(functions, "variance", v => EmailFormats.Variance(Decimal(v)));
        Add(functions, "money", v => EmailFormats.Money(Decimal(v)));
        Add(functions, "yuan", v => EmailFormats.Yuan(Decimal(v)));
        Add(functions, "count", v => EmailFormats.Count(Decimal(v)));
        Add(functions, "date", v => EmailFormats.Date(Value<DateOnly>(v, "date")));
        Add(functions, "datetime", v => EmailFormats.DateTimeText(Value<DateTime>(v, "datetime")));
        Add(functions, "month", v => Value<BusinessMonth>(v, "month")?.ToString() ?? EmailFormats.Missing);
        Add(functions, "dash", EmailFormats.Dash);
        functions.Import("lead", new Func<object?, object?, string>((lower, upper) => EmailFormats.Lead(Decimal(lower), Decimal(upper))));
        Add(functions, "coverage", v => Value<Coverage>(v, "coverage") is { } c ? EmailFormats.CoverageLabel(c) : EmailFormats.Missing);
        Add(functions, "outcome", v => Value<FollowUpOutcome>(v, "outcome") is { } o ? EmailFormats.OutcomeLabel(o) : EmailFormats.Missing);
        Add(functions, "dataset", v => Value<ExtractDataset>(v, "dataset") is { } d ? EmailFormats.DatasetLabel(d) : EmailFormats.Missing);
        Add(functions, "freshness_status", v => Value<FreshnessStatus>(v, "freshness_status") is { } s ? EmailFormats.StatusLabel(s) : EmailFormats.Missing);
        return functions;
    }

    private static void Add(ScriptObject functions, string name, Func<object?, string> function) => functions.Import(name, function);

    /// <summary>A number, or null; anything else is a template bug and fails the render rather than print —.</summary>
    private static decimal? Decimal(object? value) => value switch
    {
        null => null,
        decimal d => d,
        int i => i,
        long l => l,
        _ => throw new ArgumentException($"a number was expected, not {value.GetType().Name} '{value}'", nameof(value)),
    };

    private static T? Value<T>(object? value, string function)
        where T : struct => value switch
        {
            null => null,
            T t => t,
            _ => throw new ArgumentException($"{function}: a {typeof(T).Name} was expected, not {value.GetType().Name} '{value}'", nameof(value)),
        };
}
