using System.Globalization;
using System.Text.RegularExpressions;

namespace Reporting.Jobs.Extract;

/// <summary>
/// A source's file pattern, e.g. <c>policies_YYYYMMDD.csv</c>: tells which files in a drop folder
/// belong to the source and reads the extract date (SPEC §2.5) from the name.
/// </summary>
public sealed class ExtractFileName
{
    private readonly Regex _regex;
    private readonly string _dateFormat;

    public ExtractFileName(string pattern)
    {
        Pattern = pattern;
        string token;
        if (pattern.Contains("YYYY-MM-DD", StringComparison.Ordinal))
        {
            token = "YYYY-MM-DD";
            _dateFormat = "yyyy-MM-dd";
        }
        else if (pattern.Contains("YYYYMMDD", StringComparison.Ordinal))
        {
            token = "YYYYMMDD";
            _dateFormat = "yyyyMMdd";
        }
        else
        {
            throw new ArgumentException($"pattern '{pattern}' has no YYYYMMDD or YYYY-MM-DD date token", nameof(pattern));
        }

        var parts = pattern.Split(token);
        if (parts.Length != 2)
        {
            throw new ArgumentException($"pattern '{pattern}' must contain the date token once", nameof(pattern));
        }

        static string Literal(string s) => Regex.Escape(s).Replace("\\*", ".*", StringComparison.Ordinal);
        var datePart = token.Length == 8 ? "(?<date>[0-9]{8})" : "(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})";
        _regex = new Regex("^" + Literal(parts[0]) + datePart + Literal(parts[1]) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    /// <summary>The extract date in the file name, or null when the name does not match the pattern or its date is not a date.</summary>
    public DateOnly? TryReadDate(string fileName) => Read(fileName).Date;

    /// <summary>
    /// Whether the name is one of the source's (it matches the pattern) and its extract date, or
    /// why it has none: <c>policies_20261340.csv</c> matches <c>policies_YYYYMMDD.csv</c> but
    /// month 13 is no date.
    /// </summary>
    public (bool Matches, DateOnly? Date, string? Problem) Read(string fileName)
    {
        var match = _regex.Match(Path.GetFileName(fileName));
        if (!match.Success)
        {
            return (false, null, $"the name does not match {Pattern}");
        }

        var text = match.Groups["date"].Value;
        return DateOnly.TryParseExact(text, _dateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? (true, date, null)
            : (true, null, $"the date {text} in the name is not a valid date ({_dateFormat})");
    }
}
