using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Hosting;

/// <summary>Where the worker's files live (<c>Data</c> section of <c>config/appsettings.json</c>).</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>The data folder, relative to the home folder: drop folders, the SQLite store, outputs.</summary>
    public string Folder { get; set; } = ConfigurationDefaults.DataFolder;

    /// <summary>The configured folder, or the default when the setting is empty.</summary>
    public string EffectiveFolder => string.IsNullOrWhiteSpace(Folder) ? ConfigurationDefaults.DataFolder : Folder;
}

/// <summary>Start-up validation of <see cref="DataOptions"/>: a folder name a path can be made of.</summary>
public sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.EffectiveFolder.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || options.EffectiveFolder.Contains('\0', StringComparison.Ordinal)
            ? ValidateOptionsResult.Fail($"{DataOptions.SectionName}:Folder '{TextSafety.Printable(options.Folder)}' is not a folder path (it holds characters a path cannot)")
            : ValidateOptionsResult.Success;
    }
}
