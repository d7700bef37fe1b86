using System.IO.Compression;
using System.Xml;

namespace Reporting.Jobs.Extract;

/// <summary>
/// The error cells (<c>#N/A</c>, <c>#VALUE!</c>, <c>#DIV/0!</c>…) of one worksheet of an .xlsx
/// package, read row by row beside ExcelDataReader. ExcelDataReader 3.6.0 returns an error cell as
/// null, like an empty one; this second forward-only read of the sheet's XML finds them, so an
/// error rejects its row naming the error instead of loading as an empty field. Memory stays flat:
/// it holds one row's errors at a time.
/// </summary>
internal sealed class XlsxErrorCells : IDisposable
{
    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly IReadOnlyList<(int Column, string Error)> None = [];

    private readonly ZipArchive _zip;
    private readonly Stream _part;
    private readonly XmlReader _xml;
    private int _row;
    private bool _onRow;
    private bool _done;

    /// <summary>The reader sits on a node not looked at yet (after <see cref="XmlReader.Skip"/>).</summary>
    private bool _fresh;

    private XlsxErrorCells(ZipArchive zip, Stream part)
    {
        _zip = zip;
        _part = part;
        _xml = XmlReader.Create(part, Settings());
    }

    /// <summary>
    /// The error cells of the <paramref name="sheetIndex"/>-th sheet (0-based, workbook order), or
    /// null when the package does not say where that sheet is (ExcelDataReader then fails or reads
    /// the sheet as it can; errors read as empty).
    /// </summary>
    public static XlsxErrorCells? Open(string path, int sheetIndex)
    {
        ZipArchive? zip = null;
        try
        {
            zip = ZipFile.OpenRead(path);
            var part = SheetPart(zip, sheetIndex);
            if (part is null)
            {
                zip.Dispose();
                return null;
            }

            return new XlsxErrorCells(zip, part.Open());
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException or IOException or NotSupportedException)
        {
            zip?.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The error cells of Excel row <paramref name="row"/> (1-based): 0-based column and error text.
    /// Rows are asked for in increasing order.
    /// </summary>
    public IReadOnlyList<(int Column, string Error)> In(int row)
    {
        while (!_done)
        {
            if (!_onRow && !NextRow())
            {
                _done = true;
                break;
            }

            if (_row > row)
            {
                return None;
            }

            _onRow = false;
            if (_row < row)
            {
                _xml.Skip();
                _fresh = true;
                continue;
            }

            return ReadErrors();
        }

        return None;
    }

    public void Dispose()
    {
        _xml.Dispose();
        _part.Dispose();
        _zip.Dispose();
    }

    private static XmlReaderSettings Settings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
        IgnoreComments = true,
    };

    /// <summary>The worksheet part of the n-th <c>sheet</c> of <c>xl/workbook.xml</c>, through its relationship.</summary>
    private static ZipArchiveEntry? SheetPart(ZipArchive zip, int sheetIndex)
    {
        var workbook = zip.GetEntry("xl/workbook.xml");
        var rels = zip.GetEntry("xl/_rels/workbook.xml.rels");
        if (workbook is null || rels is null)
        {
            return null;
        }

        string? id = null;
        using (var stream = workbook.Open())
        using (var xml = XmlReader.Create(stream, Settings()))
        {
            var n = 0;
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet" && xml.NamespaceURI == MainNamespace)
                {
                    if (n++ == sheetIndex)
                    {
                        id = xml.GetAttribute("id", RelationshipNamespace);
                        break;
                    }
                }
            }
        }

        if (id is null)
        {
            return null;
        }

        using (var stream = rels.Open())
        using (var xml = XmlReader.Create(stream, Settings()))
        {
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship" && xml.GetAttribute("Id") == id)
                {
                    var target = (xml.GetAttribute("Target") ?? "").Replace('\\', '/');
                    var name = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
                    return zip.GetEntry(name);
                }
            }
        }

        return null;
    }

    /// <summary>Moves to the next <c>row</c> element; its number from <c>r</c>, or the one after the last.</summary>
    private bool NextRow()
    {
        while (_fresh || _xml.Read())
        {
            _fresh = false;
            if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "row")
            {
                _row = int.TryParse(_xml.GetAttribute("r"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : _row + 1;
                _onRow = true;
                return true;
            }
        }

        return false;
    }

    private IReadOnlyList<(int Column, string Error)> ReadErrors()
    {
        if (_xml.IsEmptyElement)
        {
            return None;
        }

        List<(int Column, string Error)>? errors = null;
        var column = -1;
        using var row = _xml.ReadSubtree();
        row.Read();
        while (row.Read())
        {
            if (row.NodeType != XmlNodeType.Element || row.LocalName != "c")
            {
                continue;
            }

            column = ColumnOf(row.GetAttribute("r")) ?? column + 1;
            if (row.GetAttribute("t") != "e" || row.IsEmptyElement)
            {
                continue;
            }

            using var cell = row.ReadSubtree();
            while (cell.Read())
            {
                if (cell.NodeType == XmlNodeType.Element && cell.LocalName == "v")
                {
                    (errors ??= []).Add((column, cell.ReadElementContentAsString().Trim()));
                    break;
                }
            }
        }

        return errors ?? None;
    }

    /// <summary>The 0-based column of a cell reference such as <c>AB12</c>.</summary>
    private static int? ColumnOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            var upper = char.ToUpperInvariant(c);
            if (upper is < 'A' or > 'Z')
            {
                break;
            }

            column = (column * 26) + (upper - 'A' + 1);
            letters++;
        }

        return letters is > 0 and <= 3 ? column - 1 : null;
    }
}
