using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Hosting;

/// <summary>The one way a configuration section is registered.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="sectionName"/>, validates it with
    /// <typeparamref name="TValidator"/> at start-up (<c>ValidateOnStart</c>: a wrong value stops the
    /// worker with the validator's sentence, which names the key and the value), and registers the
    /// validated value itself for the consumers that take it rather than <see cref="IOptions{TOptions}"/>.
    /// </summary>
    /// <remarks>
    /// Binds to <paramref name="configuration"/> rather than <c>BindConfiguration</c>'s
    /// <see cref="IConfiguration"/> from the container, so a bare <see cref="ServiceCollection"/>
    /// in a test binds the same way the host does.
    /// </remarks>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<TOptions>().Bind(configuration.GetSection(sectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        return builder;
    }

    /// <summary>As above, with a validator that needs more than the container gives it.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string sectionName, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(validator);
        var builder = services.AddOptions<TOptions>().Bind(configuration.GetSection(sectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton(validator));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TOptions>>().Value);
        return builder;
    }

    /// <summary>
    /// Runs every start-up validation now (what <c>IHost.StartAsync</c> would run), for the commands
    /// that resolve services without starting the host. Throws <see cref="OptionsValidationException"/>
    /// with every failure of every section.
    /// </summary>
    public static void ValidateConfiguration(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (AggregateException many) when (many.InnerExceptions.All(e => e is OptionsValidationException))
        {
            var failures = many.InnerExceptions.Cast<OptionsValidationException>().ToList();
            throw new OptionsValidationException(Options.DefaultName, typeof(object), failures.SelectMany(f => f.Failures).Distinct(StringComparer.Ordinal));
        }
        catch (InvalidOperationException ex) when (ex.Source == BinderAssembly && BinderFailure(ex, services.GetService<IConfiguration>()) is { } failure)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(object), [failure]);
        }
    }

    private const string BinderAssembly = "Microsoft.Extensions.Configuration.Binder";

    /// <summary>
    /// A value the binder could not convert (a word where a number goes) as a validator would say it:
    /// <c>Reports:Morning:CallListRows 'fifty' is not a Int32</c>. The binder names the key and the
    /// type, not the value; the value comes from the configuration.
    /// </summary>
    private static string? BinderFailure(InvalidOperationException ex, IConfiguration? configuration)
    {
        var match = Regex.Match(ex.Message, "at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return null;
        }

        var key = match.Groups["key"].Value;
        var type = match.Groups["type"].Value;
        var shortType = type[(type.LastIndexOfAny(['.', '+']) + 1)..];
        var what = shortType switch
        {
            "Int32" or "Int64" => "a whole number",
            "Decimal" or "Double" => "a number",
            "Boolean" => "true or false",
            "TimeSpan" => "a duration (hh:mm:ss)",
            "DateOnly" => "a date (yyyy-MM-dd)",
            _ => "a " + shortType,
        };
        return $"{key} '{TextSafety.Printable(configuration?[key])}' is not {what}";
    }
}
