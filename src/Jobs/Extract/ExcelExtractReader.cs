using System.Globalization;
using System.Text;
using ExcelDataReader;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Streams one worksheet of an Excel extract (.xlsx or .xls) through ExcelDataReader's forward-only
/// reader, one row at a time (never the whole workbook in memory): skips the title rows above the
/// source's <see cref="SourceOptions.HeaderRow"/>, maps the headers and values as for a CSV file
/// (<see cref="ColumnMap"/>), turns typed cells into canonical text (<see cref="ExcelCells"/>), and
/// yields rows whose line is the Excel row number. A workbook that cannot be read (password, damage,
/// the other Excel format, no such sheet) throws <see cref="ExtractFileException"/> naming file and sheet.
/// </summary>
/// <remarks>
/// Empty rows are skipped, as a CSV file's empty lines are. Hidden rows load like the others: an
/// export's rows are its data whether a filter hid them or not, and dropping them would lose rows
/// without a trace (docs/loading.md, "Excel extracts").
/// </remarks>
public sealed class ExcelExtractReader : IExtractFileReader
{
    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] CompoundSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private readonly string _fileName;
    private readonly FileStream _stream;
    private readonly IExcelDataReader _reader;
    private readonly XlsxErrorCells? _errors;
    private readonly ColumnMap _map;
    private readonly ExcelColumnKind[] _kinds;
    private readonly string[] _labels;
    private readonly IReadOnlyList<string> _columns = [];
    private readonly string _dateFormat;
    private int _row;

    static ExcelExtractReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private ExcelExtractReader(string path, SourceOptions source)
    {
        _fileName = TextSafety.Printable(Path.GetFileName(path), 255);
        var format = source.EffectiveFormat;
        _dateFormat = source.EffectiveDateFormats[0];
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            _reader = OpenWorkbook(format);
            var sheetIndex = SelectSheet(source.Sheet);
            Where = $"{_fileName}, sheet '{TextSafety.Printable(_reader.Name ?? "", 64)}'";
            Headers = ReadHeader(source.HeaderRow);
            _map = ColumnMap.Create(Where, Headers, source, source.HeaderRow, h => Label(Headers[h], h));
            var canonical = CanonicalColumns.For(source.Dataset);
            _columns = canonical;
            _kinds = [.. canonical.Select(ExcelCells.KindOf)];
            _labels = [.. canonical.Select((_, i) => Label(Headers[_map.PositionOf(i)], _map.PositionOf(i)))];
            ColumnLabels = canonical.Select((c, i) => (c, _labels[i])).ToDictionary(x => x.c, x => x.Item2, StringComparer.Ordinal);
            _errors = format == ExtractFormats.Xlsx ? XlsxErrorCells.Open(path, sheetIndex) : null;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The file and sheet as messages name them: <c>cpic_claims_20261015.xlsx, sheet '理赔清单'</c>.</summary>
    public string Where { get; } = "";

    /// <summary>The header row's cells, trimmed, in column order.</summary>
    public IReadOnlyList<string> Headers { get; } = [];

    public IReadOnlyDictionary<string, string>? ColumnLabels { get; }

    public long BytesRead => _stream.CanSeek ? _stream.Position : 0;

    public long Length => _stream.CanSeek ? _stream.Length : 0;

    /// <summary>Opens the workbook and checks its sheet and header; whatever is wrong throws <see cref="ExtractFileException"/>.</summary>
    public static ExcelExtractReader Open(string path, SourceOptions source) => new(path, source);

    public IEnumerable<ExtractRow> Rows()
    {
        var width = Headers.Count;
        while (Next())
        {
            var line = _row;
            var errors = Errors(line);
            if (IsEmpty(width) && errors.Count == 0)
            {
                continue;
            }

            if (IsTotals(width))
            {
                yield return new ExtractRow(line, _map.Empty, IsTotals: true);
                continue;
            }

            yield return Row(line, errors);
        }
    }

    public void Dispose()
    {
        _errors?.Dispose();
        _reader?.Dispose();
        _stream.Dispose();
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, byte[] signature) => bytes.Length >= signature.Length && bytes[..signature.Length].SequenceEqual(signature);

    private static bool IsReadFailure(Exception ex) => ex is not (OutOfMemoryException or OperationCanceledException);

    /// <summary>The cause as one line, escaped: ExcelDataReader's messages, or the zip and XML readers' beneath them.</summary>
    private static string Cause(Exception ex) =>
        TextSafety.Printable(string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), 200);

    private static string Label(string header, int position) =>
        $"{TextSafety.Printable(header.Length == 0 ? "(no header)" : header, 64)} (column {ExcelCells.ColumnLetters(position)})";

    /// <summary>
    /// The workbook's reader, after checking that the file is the Excel format the source reads: a
    /// .xls renamed .xlsx (or the other way) fails rather than load by luck, and so does a CSV or
    /// HTML "Excel export", an encrypted workbook or a damaged package.
    /// </summary>
    private IExcelDataReader OpenWorkbook(string format)
    {
        Span<byte> head = stackalloc byte[8];
        var read = _stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        _stream.Position = 0;
        if (read == 0)
        {
            throw new ExtractFileException(_fileName, "the file is empty (0 bytes): not an Excel workbook");
        }

        var zip = StartsWith(head[..read], ZipSignature);
        var compound = StartsWith(head[..read], CompoundSignature);
        var expected = format == ExtractFormats.Xlsx ? ".xlsx (Excel 2007 and later)" : ".xls (Excel 97-2003)";
        if (!zip && !compound)
        {
            throw new ExtractFileException(_fileName, $"not an Excel workbook: the source reads {expected}, and the file is neither a zip package nor an OLE compound file (a CSV or HTML export named .{format}?)");
        }

        if (zip && format == ExtractFormats.Xls)
        {
            throw new ExtractFileException(_fileName, "is an .xlsx workbook (a zip package), not the .xls the source reads (Format xls): save it as .xls, or read the source as xlsx");
        }

        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(_stream, new ExcelReaderConfiguration { LeaveOpen = true });
        }
        catch (Exception ex) when (ex.GetType().Name == "InvalidPasswordException")
        {
            throw new ExtractFileException(_fileName, "is password-protected (encrypted): ask for an export without a password; nothing can be read");
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new ExtractFileException(_fileName, $"is not a readable {expected} workbook (damaged or truncated?): {Cause(ex)}");
        }

        if (compound && format == ExtractFormats.Xlsx)
        {
            reader.Dispose();
            throw new ExtractFileException(_fileName, "is an .xls workbook (Excel 97-2003), not the .xlsx the source reads (Format xlsx): save it as .xlsx, or read the source as xls");
        }

        return reader;
    }

    /// <summary>Moves to the configured sheet (a name, or a 1-based index; the first by default) and returns its 0-based index.</summary>
    private int SelectSheet(string? sheet)
    {
        var count = _reader.ResultsCount;
        if (count == 0)
        {
            throw new ExtractFileException(_fileName, "the workbook has no worksheet");
        }

        var wanted = sheet?.Trim() ?? "";
        var index = 0;
        if (wanted.Length > 0)
        {
            if (int.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                if (number > count)
                {
                    throw new ExtractFileException(_fileName, string.Create(CultureInfo.InvariantCulture, $"has no sheet {number} (Sheet): it has {count}: {SheetNames()}"));
                }

                index = number - 1;
            }
            else
            {
                index = SheetIndex(wanted) ?? throw new ExtractFileException(_fileName, $"has no sheet named '{TextSafety.Printable(wanted, 64)}' (Sheet): its sheets are {SheetNames()}");
            }
        }

        _reader.Reset();
        for (var i = 0; i < index; i++)
        {
            _reader.NextResult();
        }

        return index;
    }

    private int? SheetIndex(string name)
    {
        _reader.Reset();
        var i = 0;
        do
        {
            if (string.Equals((_reader.Name ?? "").Trim(), name, StringComparison.Ordinal))
            {
                return i;
            }

            i++;
        }
        while (_reader.NextResult());

        return null;
    }

    private string SheetNames()
    {
        _reader.Reset();
        var names = new List<string>();
        do
        {
            names.Add("'" + TextSafety.Printable(_reader.Name ?? "", 64) + "'");
        }
        while (_reader.NextResult() && names.Count < 20);

        return string.Join(", ", names);
    }

    /// <summary>Skips the title rows and reads the header row's cells as text.</summary>
    private string[] ReadHeader(int headerRow)
    {
        while (_row < headerRow)
        {
            if (!Next())
            {
                var reason = _row == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"the sheet is empty: no header row (HeaderRow {headerRow})")
                    : string.Create(CultureInfo.InvariantCulture, $"the sheet ends at row {_row}, before its header row {headerRow} (HeaderRow)");
                throw new ExtractFileException(Where, reason);
            }
        }

        var headers = new string[_reader.FieldCount];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = FieldText.Trim(ExcelCells.Text(_reader.GetValue(i), ExcelColumnKind.Text, "yyyy-MM-dd", out _, out _));
        }

        return headers;
    }

    /// <summary>The next row of the sheet; a workbook damaged past the header fails the file at the row it reached.</summary>
    private bool Next()
    {
        try
        {
            if (!_reader.Read())
            {
                return false;
            }
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new ExtractFileException(Where.Length > 0 ? Where : _fileName, $"the workbook is damaged: cannot read row {_row + 1}: {Cause(ex)}", _row + 1);
        }

        _row++;
        return true;
    }

    private IReadOnlyList<(int Column, string Error)> Errors(int line)
    {
        if (_errors is null)
        {
            return [];
        }

        try
        {
            return _errors.In(line);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            throw new ExtractFileException(Where, $"the workbook is damaged: cannot read row {line}: {Cause(ex)}", line);
        }
    }

    private bool IsEmpty(int width)
    {
        for (var i = 0; i < Math.Min(width, _reader.FieldCount); i++)
        {
            switch (_reader.GetValue(i))
            {
                case null:
                    continue;
                case string text when FieldText.Trim(text).Length == 0:
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private bool IsTotals(int width)
    {
        for (var i = 0; i < Math.Min(Math.Min(width, _reader.FieldCount), TotalsLine.Fields); i++)
        {
            if (_reader.GetValue(i) is string text && TotalsLine.IsMarker(text))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The row's canonical fields, or the row rejected at its first cell that cannot become one (an error cell, a boolean…).</summary>
    private ExtractRow Row(int line, IReadOnlyList<(int Column, string Error)> errors)
    {
        var fields = new string[_map.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var position = _map.PositionOf(i);
            foreach (var (column, error) in errors)
            {
                if (column == position)
                {
                    return Rejected(line, i, $"an Excel error cell ({TextSafety.Printable(error, 16)})", TextSafety.Printable(error, 16));
                }
            }

            var value = position < _reader.FieldCount ? _reader.GetValue(position) : null;
            var text = ExcelCells.Text(value, _kinds[i], _dateFormat, out var problem, out var shown);
            if (problem is not null)
            {
                return Rejected(line, i, problem, shown);
            }

            fields[i] = _map.Value(i, text);
        }

        return new ExtractRow(line, fields);
    }

    private ExtractRow Rejected(int line, int canonicalIndex, string reason, string? shown)
    {
        var value = CanonicalColumns.Personal.Contains(_columns[canonicalIndex]) ? null : shown;
        return new ExtractRow(line, _map.Empty, new RowIssue(line, _labels[canonicalIndex], reason, value));
    }
}
