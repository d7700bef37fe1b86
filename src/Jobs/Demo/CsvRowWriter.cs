using System.Buffers;
using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Demo;

/// <summary>
/// Writes CSV rows field by field: RFC 4180, a field is quoted only when it holds the delimiter,
/// a quote or a line break. Formats with the invariant culture and allocates nothing per field.
/// </summary>
/// <remarks>
/// No formula neutralising here (<see cref="Domain.CsvCell"/>): these are the demo's insurer-style
/// <i>input</i> extracts, which the loader reads back and must see exactly as an insurer would send
/// them; a <c>'</c> in front would change the data. Their values come from the generator's own
/// lists, never from outside. The CSVs written for people to open go through
/// <see cref="Domain.CsvCell"/>.
/// </remarks>
internal sealed class CsvRowWriter : IDisposable
{
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(",\"\r\n");

    private readonly TextWriter _writer;
    private readonly string _newLine;
    private readonly char[] _scratch = new char[64];
    private bool _atRowStart = true;

    public CsvRowWriter(Stream stream, Encoding encoding, string newLine, bool leaveOpen = false)
    {
        _writer = new StreamWriter(stream, encoding, bufferSize: 1 << 16, leaveOpen);
        _newLine = newLine;
    }

    /// <summary>Data rows written, the header not counted.</summary>
    public long Rows { get; private set; }

    public void Header(IReadOnlyList<string> columns)
    {
        foreach (var column in columns)
        {
            Text(column);
        }

        EndRow();
        Rows = 0;
    }

    public void Text(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(NeedsQuoting) < 0)
        {
            _writer.Write(value);
            return;
        }

        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    /// <summary>An empty field for <c>null</c>, else the date in <paramref name="format"/>.</summary>
    public void Date(DateOnly? value, string format)
    {
        Separator();
        if (value is { } date && date.TryFormat(_scratch, out var written, format, CultureInfo.InvariantCulture))
        {
            _writer.Write(_scratch, 0, written);
        }
    }

    /// <summary>An empty field for <c>null</c>, else the amount with exactly two decimals.</summary>
    public void Amount(decimal? value)
    {
        Separator();
        if (value is { } amount && amount.TryFormat(_scratch, out var written, "F2", CultureInfo.InvariantCulture))
        {
            _writer.Write(_scratch, 0, written);
        }
    }

    public void EndRow()
    {
        _writer.Write(_newLine);
        _atRowStart = true;
        Rows++;
    }

    public void Dispose() => _writer.Dispose();

    private void Separator()
    {
        if (!_atRowStart)
        {
            _writer.Write(',');
        }

        _atRowStart = false;
    }
}
