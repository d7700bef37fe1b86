// SPEC §4 branch morning email: how much of the call list the email itself shows.
using System.Globalization;
using Microsoft.Extensions.Configuration;

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

    /// <summary>Reads <c>Reports:Morning</c>; a bad value is a start-up error naming the key and the value.</summary>
    public static MorningEmailOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[CallListRowsKey];
        if (Problem(value) is { } problem)
        {
            throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + "  " + problem);
        }

        return string.IsNullOrWhiteSpace(value) ? Default : new MorningEmailOptions { CallListRows = int.Parse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture) };
    }

    /// <summary>Null when <paramref name="value"/> (the configured text; unset or empty means the default) is a valid row count, else why not.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows is >= 1 and <= MaxCallListRows
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{CallListRowsKey} must be a whole number of rows from 1 to {MaxCallListRows} (the call-list rows the branch morning email shows; the rest are in the attached workbook), got '{Domain.TextSafety.Printable(value, 40)}'.");
    }
}
