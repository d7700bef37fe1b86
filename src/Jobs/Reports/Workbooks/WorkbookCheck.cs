using System.IO.Compression;
using System.Xml;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Whether a saved workbook can be opened again: the check a run makes on every workbook after
/// writing it and before delivering it, so that no run reports success for a file Excel would
/// refuse or "repair".
/// </summary>
/// <remarks>
/// The package must be a zip archive with the parts every workbook has (<c>[Content_Types].xml</c>,
/// <c>_rels/.rels</c>, <c>xl/workbook.xml</c>, <c>xl/_rels/workbook.xml.rels</c>), every part the
/// workbook's relationships name must be in it, every XML part (<c>.xml</c>, <c>.rels</c>) must be
/// well-formed XML 1.0 with only characters XML allows (an <see cref="XmlReader"/> with
/// <see cref="XmlReaderSettings.CheckCharacters"/>, no DTD), and every other part must decompress
/// with its checksum. It does not load the cells into a spreadsheet model: the parse is one
/// forward pass over each part, a fraction of the time the workbook took to write.
/// </remarks>
public static class WorkbookCheck
{
    private static readonly string[] RequiredParts = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"];

    private static readonly XmlReaderSettings Settings = new()
    {
        CheckCharacters = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    /// <summary>Null when the workbook file at <paramref name="path"/> can be opened again; otherwise what is wrong, naming the file.</summary>
    public static string? ProblemOfFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Describe(Path.GetFileName(path), Problem(file));
        }
        catch (IOException e)
        {
            return Describe(Path.GetFileName(path), "it cannot be read back: " + TextSafety.Printable(e.Message, 200));
        }
    }

    /// <summary>Null when the workbook <paramref name="fileName"/> held in <paramref name="workbook"/> can be opened again; otherwise what is wrong, naming the file.</summary>
    public static string? ProblemOf(string fileName, byte[] workbook)
    {
        ArgumentNullException.ThrowIfNull(workbook);
        using var stream = new MemoryStream(workbook, writable: false);
        return Describe(fileName, Problem(stream));
    }

    /// <summary>Null when the package can be opened again; otherwise what is wrong with it (which part, where).</summary>
    public static string? Problem(Stream package)
    {
        ArgumentNullException.ThrowIfNull(package);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            return "it is not a zip package: " + TextSafety.Printable(e.Message, 200);
        }

        using (archive)
        {
            var missing = RequiredParts.Where(p => archive.GetEntry(p) is null).ToList();
            if (missing.Count > 0)
            {
                return "it has no " + string.Join(", ", missing);
            }

            foreach (var entry in archive.Entries)
            {
                if (PartProblem(entry) is { } problem)
                {
                    return TextSafety.Printable(entry.FullName, 200) + ": " + problem;
                }
            }

            return MissingTarget(archive);
        }
    }

    private static string? Describe(string fileName, string? problem) =>
        problem is null ? null : $"the workbook {TextSafety.Printable(fileName, 200)} cannot be opened again: {problem}";

    /// <summary>Parses an XML part to its end, or reads any other part to its end (the zip checks its CRC).</summary>
    private static string? PartProblem(ZipArchiveEntry entry)
    {
        try
        {
            using var stream = entry.Open();
            if (IsXml(entry.FullName))
            {
                using var reader = XmlReader.Create(stream, Settings);
                while (reader.Read())
                {
                    // A forward pass: the reader checks every character and every tag as it goes.
                }
            }
            else
            {
                stream.CopyTo(Stream.Null);
            }

            return null;
        }
        catch (XmlException e)
        {
            return "not well-formed XML: " + TextSafety.Printable(e.Message, 300);
        }
        catch (InvalidDataException e)
        {
            return "damaged in the zip: " + TextSafety.Printable(e.Message, 200);
        }
    }

    /// <summary>The first part the workbook's relationships name that the package does not hold, as a problem; null when all are there.</summary>
    private static string? MissingTarget(ZipArchive archive)
    {
        using var stream = archive.GetEntry("xl/_rels/workbook.xml.rels")!.Open();
        using var reader = XmlReader.Create(stream, Settings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Relationship" || reader.GetAttribute("TargetMode") == "External")
            {
                continue;
            }

            var target = reader.GetAttribute("Target") ?? "";
            var part = target.StartsWith('/') ? target[1..] : "xl/" + target;
            if (archive.GetEntry(part) is null)
            {
                return $"xl/_rels/workbook.xml.rels names {TextSafety.Printable(part, 200)}, which the package does not hold";
            }
        }

        return null;
    }

    private static bool IsXml(string part) =>
        part.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || part.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);
}
