using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using OfficeOpenXml;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Creates workbooks whose bytes depend only on their content, so that a rerun for the same
/// inputs gives a byte-identical file (SPEC §5).
/// </summary>
/// <remarks>
/// <para>Three things in an EPPlus 4 package could vary between runs. The document properties:
/// EPPlus writes <c>dcterms:created</c>/<c>modified</c> only when they are set, so they never are;
/// the author is fixed. The content: every builder writes rows in a stable order and no clock
/// value. The zip container: EPPlus stamps every entry with the time of saving, so
/// <see cref="Save"/> re-writes the package with <see cref="System.IO.Compression"/>, entry by
/// entry in EPPlus's order, each with the fixed <see cref="EntryTimestamp"/> and the same
/// compression level; Deflate itself is deterministic for the same bytes and level.</para>
/// <para>Formulas are saved without cached values and the workbook asks for a full calculation on
/// load (<c>fullCalcOnLoad</c>, EPPlus's default), so Excel and LibreOffice compute every total
/// from the detail when the file is opened.</para>
/// <para>Text: <see cref="Save"/> passes every text EPPlus holds — cell values, rich text runs,
/// comments, sheet names — through <see cref="TextSafety.XmlText"/> once more before saving, as
/// the net under <see cref="SheetTable"/> (which already does) for anything a writer put into a
/// sheet directly; the streamed rows do the same as they are written. Whether the saved package
/// can be opened again is <see cref="WorkbookCheck"/>'s to say.</para>
/// </remarks>
public static class DeterministicWorkbook
{
    public const string Author = "Reporting worker";

    /// <summary>Every zip entry's timestamp: 2000-01-01 00:00 (a DOS date; 1980 is its lower bound).</summary>
    public static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The long tables of each package whose rows are written into the sheet XML on saving.</summary>
    private static readonly ConditionalWeakTable<ExcelPackage, List<StreamedRows>> Streamed = [];

    /// <summary>A new package with fixed properties and no clock in them.</summary>
    /// <remarks>
    /// EPPlus stores its entries uncompressed (<c>Level0</c>): <see cref="Save"/> compresses them
    /// anyway, with the runtime's native Deflate, which is much faster than EPPlus's managed one on
    /// a long detail sheet (docs/performance-log.md). The saved bytes are the same, since they depend only on the entries.
    /// </remarks>
    public static ExcelPackage Create(string title, string subject)
    {
        var package = new ExcelPackage { Compression = OfficeOpenXml.CompressionLevel.Level0 };
        var properties = package.Workbook.Properties;
        properties.Author = Author;
        properties.LastModifiedBy = Author;
        properties.Company = "";
        properties.Title = TextSafety.XmlText(title);
        properties.Subject = TextSafety.XmlText(subject);
        return package;
    }

    /// <summary>The package's bytes, re-zipped with fixed entry timestamps in EPPlus's entry order.</summary>
    public static byte[] Save(ExcelPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        MakeTextXmlSafe(package);
        return Normalize(package.GetAsByteArray(), Streamed.TryGetValue(package, out var tables) ? tables : []);
    }

    /// <summary>Every text EPPlus holds through <see cref="TextSafety.XmlText"/>: sheet names, cell values and rich text runs, comments.</summary>
    private static void MakeTextXmlSafe(ExcelPackage package)
    {
        foreach (var sheet in package.Workbook.Worksheets)
        {
            if (TextSafety.FirstInvalidXmlIndex(sheet.Name) is not null)
            {
                sheet.Name = TextSafety.XmlText(sheet.Name);
            }

            if (sheet.Dimension is { } dimension)
            {
                foreach (var cell in sheet.Cells[dimension.Address])
                {
                    if (cell.IsRichText)
                    {
                        foreach (var run in cell.RichText)
                        {
                            run.Text = TextSafety.XmlText(run.Text);
                        }
                    }
                    else if (cell.Value is string text && TextSafety.FirstInvalidXmlIndex(text) is not null)
                    {
                        cell.Value = TextSafety.XmlText(text);
                    }
                }
            }

            foreach (ExcelComment comment in sheet.Comments)
            {
                comment.Text = TextSafety.XmlText(comment.Text);
                comment.Author = TextSafety.XmlText(comment.Author);
            }
        }
    }

    /// <summary>The zip entry of each streamed table's sheet (e.g. <c>xl/worksheets/sheet4.xml</c>), from the workbook part and its relationships.</summary>
    private static Dictionary<string, StreamedRows> SheetParts(ZipArchive package, List<StreamedRows> tables)
    {
        static System.Xml.XmlDocument Read(ZipArchive package, string name)
        {
            var document = new System.Xml.XmlDocument { XmlResolver = null };
            using var stream = (package.GetEntry(name) ?? throw new InvalidOperationException("no " + name + " in the package")).Open();
            using var reader = System.Xml.XmlReader.Create(stream, new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit });
            document.Load(reader);
            return document;
        }

        const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var targets = Read(package, "xl/_rels/workbook.xml.rels").GetElementsByTagName("Relationship").Cast<System.Xml.XmlElement>()
            .ToDictionary(r => r.GetAttribute("Id"), r => r.GetAttribute("Target"), StringComparer.Ordinal);
        var parts = Read(package, "xl/workbook.xml").GetElementsByTagName("sheet").Cast<System.Xml.XmlElement>()
            .ToDictionary(s => s.GetAttribute("name"), s => targets[s.GetAttribute("id", Relationships)] is var target && target.StartsWith('/') ? target[1..] : "xl/" + target, StringComparer.Ordinal);
        return tables.ToDictionary(t => parts[t.SheetName], StringComparer.Ordinal);
    }

    /// <summary>Rows of a long table to write into its sheet's XML when <paramref name="package"/> is saved (<see cref="SheetTable.Stream"/>).</summary>
    internal static void Register(ExcelPackage package, StreamedRows rows) => Streamed.GetOrCreateValue(package).Add(rows);

    /// <summary>Re-writes a zip package with <see cref="EntryTimestamp"/> on every entry, keeping the entry order.</summary>
    public static byte[] Normalize(byte[] package) => Normalize(package, []);

    private static byte[] Normalize(byte[] package, List<StreamedRows> tables)
    {
        ArgumentNullException.ThrowIfNull(package);
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var streamed = tables.Count == 0 ? [] : SheetParts(source, tables);
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, System.IO.Compression.CompressionLevel.Optimal);
                copy.LastWriteTime = EntryTimestamp;
                using var from = entry.Open();
                using var to = copy.Open();
                if (streamed.TryGetValue(entry.FullName, out var rows))
                {
                    // The sheet as EPPlus wrote it (without the long table's rows) is small; the rows stream into the entry.
                    string sheetXml;
                    using (var reader = new StreamReader(from, Encoding.UTF8))
                    {
                        sheetXml = reader.ReadToEnd();
                    }

                    using var writer = new StreamWriter(to, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
                    rows.WriteInto(sheetXml, writer);
                }
                else
                {
                    from.CopyTo(to);
                }
            }
        }

        return output.ToArray();
    }
}
