// SPEC §4 branch morning email: how much of the call list the email itself shows.
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// The morning emails' options (<c>Reports:Morning</c>). <see cref="CallListRows"/> is how many rows
/// of a branch's call list the email shows, the most urgent first; the rest go in the attached
/// workbook (<see cref="CallListWorkbook"/>), so the email stays small whatever the book.
/// </summary>
public sealed record MorningEmailOptions
{
    /// <summary>The configuration key of <see cref="CallListRows"/>.</summary>
    public const string CallListRowsKey = "Reports:Morning:CallListRows";

    public const int DefaultCallListRows = 50;

    /// <summary>
    /// The most rows an email may show: the branch email must stay well under the size at which
    /// Gmail clips a message (about 100 KB of HTML); the measured sizes per row and per email are in
    /// docs/reports.md.
    /// </summary>
    public const int MaxCallListRows = 60;

    public static MorningEmailOptions Default { get; } = new();

    /// <summary>Call-list rows the branch email shows (1…<see cref="MaxCallListRows"/>, default 50).</summary>
    public int CallListRows { get; init; } = DefaultCallListRows;

    /// <summary>The configuration section.</summary>
    public const string SectionName = "Reports:Morning";
}

/// <summary>Start-up validation of <see cref="MorningEmailOptions"/>; a value that is not a whole number fails in the binder, named the same way.</summary>
public sealed class MorningEmailOptionsValidator : IValidateOptions<MorningEmailOptions>
{
    public ValidateOptionsResult Validate(string? name, MorningEmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.CallListRows is >= 1 and <= MorningEmailOptions.MaxCallListRows
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"{MorningEmailOptions.CallListRowsKey} '{options.CallListRows}' must be a whole number of rows from 1 to {MorningEmailOptions.MaxCallListRows} (the call-list rows the branch morning email shows; the rest are in the attached workbook)"));
    }
}
