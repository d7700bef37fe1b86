using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Hosting;

/// <summary>The business calendar (<c>Business</c> section of <c>config/appsettings.json</c>).</summary>
public sealed class BusinessOptions
{
    public const string SectionName = "Business";

    /// <summary>An IANA zone; business dates are calendar days there (SPEC §1).</summary>
    public string TimeZone { get; set; } = ConfigurationDefaults.TimeZone;

    /// <summary>The zone <see cref="TimeZone"/> names; empty means the default.</summary>
    public TimeZoneInfo Zone => TimeZoneIds.Find(EffectiveTimeZone)
        ?? throw new InvalidOperationException($"{SectionName}:TimeZone '{TextSafety.Printable(TimeZone)}' is not a known time zone (is tzdata installed?)");

    /// <summary>The configured zone, or the default when the setting is empty.</summary>
    public string EffectiveTimeZone => string.IsNullOrWhiteSpace(TimeZone) ? ConfigurationDefaults.TimeZone : TimeZone;
}

/// <summary>Start-up validation of <see cref="BusinessOptions"/>.</summary>
public sealed class BusinessOptionsValidator : IValidateOptions<BusinessOptions>
{
    public ValidateOptionsResult Validate(string? name, BusinessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TimeZoneIds.Find(options.EffectiveTimeZone) is null
            ? ValidateOptionsResult.Fail($"{BusinessOptions.SectionName}:TimeZone '{TextSafety.Printable(options.TimeZone)}' is not a known time zone (is tzdata installed?)")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Time zones by IANA id, without exceptions for the unknown ones.</summary>
public static class TimeZoneIds
{
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
