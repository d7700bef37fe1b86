using System.Text;
using CsvHelper;

namespace Reporting.Jobs.Demo;

/// <summary>
/// Writes the demo's extract files field by field through CsvHelper's writer: RFC 4180, a field is
/// quoted only when it holds the delimiter, a quote or a line break; dates and amounts formatted
/// with the invariant culture.
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
    private readonly CsvWriter _writer;

    /// <param name="stream">The destination.</param>
    /// <param name="encoding">UTF-8 (with a byte order mark if it emits one) is written by CsvHelper itself; any other (GB18030) through a <see cref="StreamWriter"/>.</param>
    /// <param name="newLine"><c>\r\n</c> or <c>\n</c>.</param>
    /// <param name="leaveOpen">Whether the stream stays open when this writer is disposed.</param>
    public CsvRowWriter(Stream stream, Encoding encoding, string newLine, bool leaveOpen = false)
    {
        var options = CsvWriterOptions.Default with { NewLine = newLine };
        _writer = encoding is UTF8Encoding
            ? CsvWriter.Create(stream, options with { WriteByteOrderMark = encoding.Preamble.Length > 0 }, leaveOpen)
            : CsvWriter.Create(new StreamWriter(stream, encoding, bufferSize: 1 << 16, leaveOpen), options, leaveOpen: false);
    }

    /// <summary>Data rows written, the header not counted.</summary>
    public long Rows => Math.Max(0, _writer.RecordCount - 1);

    public void Header(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var column in columns)
        {
            _writer.WriteField(column);
        }

        _writer.EndRecord();
    }

    /// <summary>An empty field for <c>null</c> or empty text, else the text.</summary>
    public void Text(string? value) => _writer.WriteField(value);

    /// <summary>An empty field for <c>null</c>, else the date in <paramref name="format"/>.</summary>
    public void Date(DateOnly? value, string format)
    {
        if (value is { } date)
        {
            _writer.WriteField(date, format);
        }
        else
        {
            _writer.WriteField((string?)null);
        }
    }

    /// <summary>An empty field for <c>null</c>, else the amount with exactly two decimals.</summary>
    public void Amount(decimal? value) => _writer.WriteField(value, "F2");

    public void EndRow() => _writer.EndRecord();

    public void Dispose() => _writer.Dispose();
}
