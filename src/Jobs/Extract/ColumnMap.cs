using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>A record's fields by their position in the file (CSV record, Excel row), for <see cref="ColumnMap"/>.</summary>
internal interface IFieldSource
{
    /// <summary>The raw text of the field at <paramref name="position"/> (0-based, in file order).</summary>
    string Field(int position);
}

/// <summary>
/// Where each canonical column sits in a file, and the value mappings that apply to it: the
/// header and value mapping every file source shares (CSV and Excel). A missing or doubly mapped
/// canonical column fails the file.
/// </summary>
internal sealed class ColumnMap
{
    private readonly int[] _positions;
    private readonly Dictionary<string, string>?[] _values;

    private ColumnMap(int[] positions, Dictionary<string, string>?[] values)
    {
        _positions = positions;
        _values = values;
        Empty = new string[positions.Length];
        Array.Fill(Empty, "");
    }

    /// <summary>A row of empty fields, for a row rejected as a whole.</summary>
    public string[] Empty { get; }

    /// <summary>How many canonical columns there are.</summary>
    public int Count => _positions.Length;

    /// <param name="file">The file as messages name it (an Excel file with its sheet).</param>
    /// <param name="headers">The file's own headers, trimmed, in file order.</param>
    /// <param name="source">The source: its <see cref="SourceOptions.Columns"/> and <see cref="SourceOptions.Values"/>.</param>
    /// <param name="headerLine">The line (Excel row) of the header, for messages.</param>
    /// <param name="label">How a message names the header at a position; default the header, escaped.</param>
    public static ColumnMap Create(string file, IReadOnlyList<string> headers, SourceOptions source, int headerLine = 1, Func<int, string>? label = null)
    {
        label ??= h => TextSafety.Printable(headers[h]);
        var canonical = CanonicalColumns.For(source.Dataset);
        var positions = new int[canonical.Count];
        Array.Fill(positions, -1);
        var from = new string?[canonical.Count];
        for (var h = 0; h < headers.Count; h++)
        {
            var header = headers[h];
            var target = source.Columns.TryGetValue(header, out var mapped) ? mapped : header;
            var index = IndexOf(canonical, target);
            if (index < 0)
            {
                continue; // an extra column: ignored
            }

            if (positions[index] >= 0)
            {
                throw new ExtractFileException(file, $"headers '{TextSafety.Printable(from[index])}' and '{TextSafety.Printable(header)}' both map to {target}", headerLine, label(h));
            }

            positions[index] = h;
            from[index] = header;
        }

        var missing = canonical.Where((_, i) => positions[i] < 0).ToList();
        if (missing.Count > 0)
        {
            var sourceNames = missing.Select(c => source.Columns.FirstOrDefault(kv => kv.Value == c).Key is { } own ? $"{c} ('{own}')" : c);
            throw new ExtractFileException(file, "missing required column(s) " + string.Join(", ", sourceNames), headerLine, missing[0]);
        }

        var values = canonical.Select(c => source.Values.TryGetValue(c, out var map) ? map : null).ToArray();
        return new ColumnMap(positions, values);
    }

    /// <summary>The file position (0-based) of canonical column <paramref name="canonicalIndex"/>.</summary>
    public int PositionOf(int canonicalIndex) => _positions[canonicalIndex];

    /// <summary>The canonical fields of a record: trimmed (<see cref="FieldText.Trim"/>), then value-mapped.</summary>
    public string[] Map<TFields>(TFields record)
        where TFields : IFieldSource
    {
        var fields = new string[_positions.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = Value(i, record.Field(_positions[i]));
        }

        return fields;
    }

    /// <summary>One field of canonical column <paramref name="canonicalIndex"/>: trimmed, then value-mapped.</summary>
    public string Value(int canonicalIndex, string raw)
    {
        var value = FieldText.Trim(raw);
        if (_values[canonicalIndex] is { } map && map.TryGetValue(value, out var canonicalValue))
        {
            value = canonicalValue;
        }

        return value;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// The totals line some insurer exports end with: a field among the first three that starts with
/// 合计, 总计, 小计 or TOTAL (any case). Skipped with a warning, not rejected (docs/loading.md).
/// </summary>
internal static class TotalsLine
{
    /// <summary>How many leading fields are looked at.</summary>
    public const int Fields = 3;

    private static readonly string[] Markers = ["合计", "总计", "小计", "TOTAL"];

    public static bool IsMarker(string field)
    {
        var value = field.Trim();
        foreach (var marker in Markers)
        {
            if (value.StartsWith(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
