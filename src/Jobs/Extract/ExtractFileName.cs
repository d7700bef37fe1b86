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
        var datePart = token.Length == 8 ? "(?<date>\\d{8})" : "(?<date>\\d{4}-\\d{2}-\\d{2})";
        _regex = new Regex("^" + Literal(parts[0]) + datePart + Literal(parts[1]) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    /// <summary>The extract date in the file name, or null when the name does not match the pattern.</summary>
    public DateOnly? TryReadDate(string fileName)
    {
        var match = _regex.Match(Path.GetFileName(fileName));
        if (!match.Success)
        {
            return null;
        }

        return DateOnly.TryParseExact(match.Groups["date"].Value, _dateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }
}
