namespace Reporting.Jobs.Store;

/// <summary>
/// Strings in UTF-8 byte order, which is code point order: the order both providers give keys
/// (SQLite's BINARY collation on UTF-8 text, PostgreSQL's "C" collation on UTF-8), so rows sorted
/// in memory come in the same order a read sorted by the database would. .NET's ordinal order
/// compares UTF-16 code units and differs only where a character beyond U+FFFF (a surrogate pair)
/// meets one from U+E000 to U+FFFF.
/// </summary>
internal static class Utf8Order
{
    public static int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var i = x.AsSpan().CommonPrefixLength(y);
        if (i == x.Length || i == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        var a = x[i];
        var b = y[i];
        if (char.IsSurrogate(a) != char.IsSurrogate(b) && Math.Max(a, b) >= '\uE000')
        {
            // One is the first half of a pair (a code point above U+FFFF), the other a
            // character from U+E000: the pair is the greater.
            return char.IsSurrogate(a) ? 1 : -1;
        }

        return a.CompareTo(b);
    }
}
