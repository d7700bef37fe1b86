using System.Globalization;
using System.Text;
using CsvHelper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Streams one CSV extract: decodes strictly in the source's encoding, maps the source's headers
/// and values to canonical ones, and yields rows one at a time (no whole-file buffering).
/// </summary>
public sealed class CsvExtractReader : IExtractFileReader
{
    /// <summary>The longest record read, in bytes: past it the file fails (an unclosed quote in a multi-line source).</summary>
    private const int MaxRecordBytes = 1 << 20;

    private readonly string _fileName;
    private readonly string _path;
    private readonly Encoding _encoding;
    private readonly FileStream _stream;
    private readonly StreamReader _text;
    private readonly CsvReader _parser;
    private readonly ColumnMap _map;
    private readonly bool _multiline;
    private CsvMalformedReason? _badData;

    private CsvExtractReader(string path, SourceOptions source)
    {
        _fileName = TextSafety.Printable(Path.GetFileName(path), 255);
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _path = path;
        _encoding = TextEncodings.Resolve(source.Encoding);
        // Only a UTF-8 source skips a BOM: a GB18030 source must not be switched to UTF-8 by one.
        // The reader skips a BOM that is its encoding's preamble and stays strict; BOM detection
        // would swap in a lenient UTF-8 that loads bad bytes as U+FFFD instead of failing the file.
        var reading = _encoding is UTF8Encoding ? new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true) : _encoding;
        _text = new StreamReader(_stream, reading, detectEncodingFromByteOrderMarks: false, 1 << 16);
        var delimiter = source.Delimiter == "\\t" ? '\t' : source.Delimiter[0];

        // Only a dataset with a free-text column (the follow-ups' note) may have a record over several
        // lines. Elsewhere every line break ends the record, so a stray quote rejects its own line
        // instead of swallowing the lines after it into one record.
        _multiline = CanonicalColumns.For(source.Dataset).Any(CanonicalColumns.FreeText.Contains);
        var options = new CsvReaderOptions
        {
            Separator = delimiter,
            HasHeader = false, // read by hand: headers are trimmed and mapped, and an empty file is an error
            Mode = CsvMode.Rfc4180,
            AllowLineBreaksInQuotes = _multiline,
            MaxRecordSize = MaxRecordBytes,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record => _badData ??= record.Reason,
        };
        _parser = CsvReader.Create(_text, options, leaveOpen: true);
        try
        {
            Headers = ReadHeader();
        }
        catch
        {
            Dispose();
            throw;
        }

        _map = ColumnMap.Create(_fileName, Headers, source);
    }

    /// <summary>The file's own headers, trimmed.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>Bytes consumed so far, for progress display.</summary>
    public long BytesRead => _stream.Position;

    public long Length => _stream.Length;

    /// <summary>None: a CSV row's issue names the canonical column.</summary>
    public IReadOnlyDictionary<string, string>? ColumnLabels => null;

    /// <summary>Opens the file and checks its header; a missing column or bad bytes throw <see cref="ExtractFileException"/>.</summary>
    public static CsvExtractReader Open(string path, SourceOptions source) => new(path, source);

    public IEnumerable<ExtractRow> Rows()
    {
        var width = Headers.Count;
        while (TryRead())
        {
            var line = checked((int)_parser.LineNumber);
            var lines = _multiline ? PhysicalLines(_parser.RawRecord) : 1;
            var count = _parser.FieldCount;
            if (_badData is { } malformed)
            {
                _badData = null;
                yield return new ExtractRow(line, _map.Empty, new RowIssue(line, "*", "malformed CSV: " + Describe(malformed), null), Lines: lines);
                continue;
            }

            if (IsTotalsLine(count))
            {
                yield return new ExtractRow(line, _map.Empty, IsTotals: true, Lines: lines);
                continue;
            }

            if (count != width)
            {
                var reason = count < width
                    ? $"has {count} fields, the header has {width} (truncated line?)"
                    : $"has {count} fields, the header has {width}";
                yield return new ExtractRow(line, _map.Empty, new RowIssue(line, "*", reason, null), Lines: lines);
                continue;
            }

            yield return new ExtractRow(line, _map.Map(new CsvFields(_parser)), Lines: lines);
        }
    }

    public void Dispose()
    {
        _parser.Dispose();
        _text.Dispose();
        _stream.Dispose();
    }

    private string[] ReadHeader()
    {
        if (!TryRead())
        {
            throw new ExtractFileException(_fileName, "the file is empty: no header row", 1);
        }

        var headers = new string[_parser.FieldCount];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = FieldText.Trim(_parser.GetString(i));
        }

        return headers;
    }

    private bool TryRead()
    {
        try
        {
            return _parser.Read();
        }
        catch (CsvFormatException ex)
        {
            // Only a record past MaxRecordBytes throws in Recover mode: nothing after it can be trusted.
            var line = ex.LineNumber > 0 ? checked((int)ex.LineNumber) : checked((int)_parser.LineNumber + 1);
            throw new ExtractFileException(_fileName, $"a record longer than {MaxRecordBytes / (1 << 20)} MiB (a quote that is never closed?)", line);
        }
        catch (DecoderFallbackException ex)
        {
            var (line, bytes) = LocateUndecodable() ?? (checked((int)_parser.LineNumber + 1), ex.BytesUnknown ?? []);
            var shown = string.Join(" ", bytes.Select(b => "0x" + b.ToString("X2", CultureInfo.InvariantCulture)));
            throw new ExtractFileException(_fileName, $"bytes that are not valid {_encoding.WebName} ({shown})", line);
        }
    }

    /// <summary>
    /// The first physical line (counted as the CSV reader counts them) with bytes the encoding cannot
    /// decode. The reader decodes 64 KB ahead of the record it returns, so where decoding failed says
    /// little about where the bad bytes are; this second pass runs only for a file that fails anyway.
    /// A line break byte is never part of a multi-byte character in UTF-8 or GB18030.
    /// </summary>
    private (int Line, byte[] Bytes)? LocateUndecodable()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var line = new MemoryStream();
        var number = 1;
        int next;
        do
        {
            next = stream.ReadByte();
            if (next is '\n' or -1)
            {
                try
                {
                    _ = _encoding.GetCharCount(line.GetBuffer(), 0, checked((int)line.Length));
                }
                catch (DecoderFallbackException ex)
                {
                    return (number, ex.BytesUnknown ?? []);
                }

                line.SetLength(0);
                number++;
            }
            else
            {
                line.WriteByte((byte)next);
            }
        }
        while (next != -1);

        return null;
    }

    /// <summary>How many physical lines a record spans: its line breaks (LF, CRLF or a lone CR) plus one.</summary>
    private static int PhysicalLines(ReadOnlySpan<byte> raw)
    {
        var breaks = raw.Count((byte)'\n');
        var carriageReturns = raw.Count((byte)'\r');
        if (carriageReturns > 0)
        {
            breaks += carriageReturns - raw.Count("\r\n"u8);
        }

        return breaks + 1;
    }

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.LineBreakInQuotes => "a quote that is never closed on its line (a stray quote?)",
        CsvMalformedReason.StrayQuote => "a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "a quote that is never closed (truncated file?)",
        _ => reason.ToString(),
    };

    private bool IsTotalsLine(int count)
    {
        for (var i = 0; i < Math.Min(count, TotalsLine.Fields); i++)
        {
            if (TotalsLine.IsMarker(_parser.GetString(i)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The current record's fields, for <see cref="ColumnMap.Map{TFields}"/>.</summary>
    private readonly struct CsvFields(CsvReader parser) : IFieldSource
    {
        public string Field(int position) => parser.GetString(position);
    }
}
