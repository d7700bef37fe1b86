namespace Reporting.Jobs.Extract;

/// <summary>
/// One extract file of a drop folder, read a row at a time in canonical shape: a CSV file
/// (<see cref="CsvExtractReader"/>) or a worksheet of an Excel workbook (<see cref="ExcelExtractReader"/>).
/// Opening checks the header; a file that cannot be read throws <see cref="ExtractFileException"/>.
/// </summary>
public interface IExtractFileReader : IDisposable
{
    /// <summary>Bytes consumed so far, for progress display.</summary>
    long BytesRead { get; }

    long Length { get; }

    /// <summary>
    /// How a row's issue names each canonical column, when the file has names of its own for them
    /// (an Excel file: the header and its column letter, <c>保费 (column O)</c>); null: the
    /// canonical name, as for CSV files.
    /// </summary>
    IReadOnlyDictionary<string, string>? ColumnLabels { get; }

    /// <summary>The data rows, in file order.</summary>
    IEnumerable<ExtractRow> Rows();
}
