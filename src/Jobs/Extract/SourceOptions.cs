using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract.Pull;

namespace Reporting.Jobs.Extract;

public enum SourceKind
{
    /// <summary>A drop folder of CSV files, each complete once its marker exists.</summary>
    Csv,

    /// <summary>A query against any ADO.NET provider, run with <c>@from</c> and <c>@to</c>.</summary>
    Database,
}

/// <summary>
/// One configured extract source (SPEC §2), bound from <c>Sources:&lt;name&gt;</c> in
/// <c>config/sources.json</c>. Mapping insurers' own headers and values is configuration, never code.
/// </summary>
public sealed class SourceOptions
{
    /// <summary>The source's name: the key of its section, e.g. <c>policies</c>.</summary>
    public string Name { get; set; } = "";

    public SourceKind Kind { get; set; } = SourceKind.Csv;

    /// <summary>A disabled source is kept as an example: not scanned, not expected by the freshness check.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Which canonical table the source loads.</summary>
    public ExtractDataset Dataset { get; set; }

    /// <summary>The drop folder, relative to the data folder unless absolute.</summary>
    public string Folder { get; set; } = "";

    /// <summary>
    /// File name pattern; <c>YYYYMMDD</c> (or <c>YYYY-MM-DD</c>) marks the extract date and <c>*</c>
    /// matches anything. Default <c>&lt;source&gt;_YYYYMMDD.csv</c>.
    /// </summary>
    public string? FilePattern { get; set; }

    /// <summary><c>utf-8</c> (a BOM is accepted and skipped) or <c>gb18030</c>.</summary>
    public string Encoding { get; set; } = "utf-8";

    public string Delimiter { get; set; } = ",";

    // ---- Excel drop folders (docs/loading.md, "Excel extracts") ------------------------------

    /// <summary>A drop folder's file format: <c>csv</c> (default), <c>xlsx</c> or <c>xls</c>.</summary>
    public string Format { get; set; } = ExtractFormats.Csv;

    /// <summary>Excel: the sheet, by name or 1-based index; empty means the first sheet.</summary>
    public string? Sheet { get; set; }

    /// <summary>Excel: the 1-based row of the header; title rows above it are skipped.</summary>
    public int HeaderRow { get; set; } = 1;

    /// <summary><see cref="Format"/> normalised (trimmed, lower case, a leading dot dropped).</summary>
    public string EffectiveFormat => ExtractFormats.Normalise(Format);

    /// <summary>Whether the drop folder holds Excel workbooks (<c>xlsx</c> or <c>xls</c>).</summary>
    public bool IsExcel => EffectiveFormat is ExtractFormats.Xlsx or ExtractFormats.Xls;

    private IEnumerable<string> ValidateFormat(string key)
    {
        if (!ExtractFormats.All.Contains(EffectiveFormat))
        {
            yield return $"{key}:Format must be csv, xlsx or xls, got '{Format}'.";
        }

        if (HeaderRow < 1 || HeaderRow > ExtractFormats.MaxExcelRow)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{key}:HeaderRow must be a row number from 1 to {ExtractFormats.MaxExcelRow}, got {HeaderRow}.");
        }

        if (Sheet is { } sheet && int.TryParse(sheet.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) && index < 1)
        {
            yield return $"{key}:Sheet must be a sheet name or a 1-based index, got '{sheet}'.";
        }

        if (!IsExcel && (!string.IsNullOrWhiteSpace(Sheet) || HeaderRow != 1))
        {
            yield return $"{key}:Sheet and HeaderRow apply to Excel sources only (Format xlsx or xls), got Format '{Format}'.";
        }
    }

    // ---- end of Excel drop folders --------------------------------------------------------------

    /// <summary>The source's own header → canonical column. Canonical headers map to themselves.</summary>
    public Dictionary<string, string> Columns { get; set; } = [];

    /// <summary>Per canonical column, the source's own values → canonical values (e.g. 商业险 → COMMERCIAL).</summary>
    public Dictionary<string, Dictionary<string, string>> Values { get; set; } = [];

    /// <summary>Accepted date formats, tried in order. Canonical sources use ISO dates only.</summary>
    public List<string> DateFormats { get; set; } = [];

    /// <summary>Completeness marker beside each file; <c>{file}</c> is the file name.</summary>
    public string DoneMarker { get; set; } = "{file}.done";

    /// <summary>A file fails as a whole when rejects / rows is strictly above this ratio.</summary>
    public double RejectThreshold { get; set; } = 0.01;

    /// <summary>Database sources: <c>sqlite</c>, <c>postgres</c> or <c>sqlserver</c> (see README).</summary>
    public string? Provider { get; set; }

    /// <summary>Database sources: the connection string; set it from the environment
    /// (<c>Sources__&lt;name&gt;__ConnectionString</c>) or user secrets, never in a committed file.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Database sources: the query, with <c>@from</c> and <c>@to</c> parameters.</summary>
    public string? Query { get; set; }

    /// <summary>Drop-folder sources: what fills the folder before each scan (an SFTP pull), or null.</summary>
    public PullOptions? Pull { get; set; }


    public string EffectiveFilePattern => string.IsNullOrWhiteSpace(FilePattern) ? Name + "_YYYYMMDD." + (ExtractFormats.All.Contains(EffectiveFormat) ? EffectiveFormat : ExtractFormats.Csv) : FilePattern;

    public IReadOnlyList<string> EffectiveDateFormats => DateFormats.Count == 0 ? ["yyyy-MM-dd"] : DateFormats;

    public string MarkerPathFor(string filePath)
    {
        var name = DoneMarker.Replace("{file}", Path.GetFileName(filePath), StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(filePath) ?? ".", name);
    }

    /// <summary>Every problem with this source's configuration, each naming the key and the bad value.</summary>
    public IEnumerable<string> Validate()
    {
        var key = "Sources:" + Name;
        if (Kind == SourceKind.Csv && string.IsNullOrWhiteSpace(Folder))
        {
            yield return $"{key}:Folder is required for a CSV source.";
        }

        foreach (var problem in ValidateFormat(key))
        {
            yield return problem;
        }

        if (Delimiter.Length != 1 && Delimiter != "\\t")
        {
            yield return $"{key}:Delimiter must be one character, got '{Delimiter}'.";
        }

        string? encodingError = null;
        try
        {
            _ = TextEncodings.Resolve(Encoding);
        }
        catch (ArgumentException ex)
        {
            // Without ArgumentException's " (Parameter 'name')": the key is named already.
            encodingError = $"{key}:Encoding: {(ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal))}";
        }

        if (encodingError is not null)
        {
            yield return encodingError;
        }

        if (RejectThreshold is < 0 or > 1 || double.IsNaN(RejectThreshold))
        {
            yield return $"{key}:RejectThreshold must be between 0 and 1, got {RejectThreshold.ToString(CultureInfo.InvariantCulture)}.";
        }

        var canonical = CanonicalColumns.For(Dataset);
        foreach (var (header, target) in Columns)
        {
            if (!canonical.Contains(target))
            {
                yield return $"{key}:Columns:{header} maps to '{target}', which is not a {Dataset} column.";
            }
        }

        foreach (var column in Values.Keys)
        {
            if (!canonical.Contains(column))
            {
                yield return $"{key}:Values:{column} is not a {Dataset} column.";
            }
        }

        foreach (var format in EffectiveDateFormats)
        {
            var sample = new DateOnly(2026, 10, 15).ToString(format, CultureInfo.InvariantCulture);
            if (!DateOnly.TryParseExact(sample, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back) || back != new DateOnly(2026, 10, 15))
            {
                yield return $"{key}:DateFormats: '{format}' does not round-trip a date.";
            }
        }

        string? patternError = null;
        try
        {
            _ = new ExtractFileName(EffectiveFilePattern);
        }
        catch (ArgumentException ex)
        {
            patternError = $"{key}:FilePattern: {ex.Message}";
        }

        if (patternError is not null)
        {
            yield return patternError;
        }

        foreach (var problem in Pull?.Validate(key, Kind) ?? [])
        {
            yield return problem;
        }

        if (Kind == SourceKind.Database)
        {
            if (string.IsNullOrWhiteSpace(Provider))
            {
                yield return $"{key}:Provider is required for a database source (sqlite, postgres or sqlserver).";
            }

            if (string.IsNullOrWhiteSpace(Query))
            {
                yield return $"{key}:Query is required for a database source.";
            }
        }
    }
}
