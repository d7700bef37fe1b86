namespace Reporting.Jobs.Extract;

/// <summary>
/// A whole file (or query run) that cannot be loaded: missing column, undecodable bytes, too many
/// rejects, no completeness marker. Nothing from it is loaded; the message names file and cause.
/// </summary>
public sealed class ExtractFileException : Exception
{
    public ExtractFileException(string file, string message, int? line = null, string? column = null)
        : base(Format(file, message, line, column))
    {
        File = file;
        Line = line;
        Column = column;
        Reason = message;
    }

    public ExtractFileException()
    {
        File = "";
        Reason = "";
    }

    public ExtractFileException(string message)
        : base(message)
    {
        File = "";
        Reason = message;
    }

    public ExtractFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "";
        Reason = message;
    }

    public string File { get; }

    public int? Line { get; }

    public string? Column { get; }

    public string Reason { get; }

    private static string Format(string file, string message, int? line, string? column)
    {
        var where = line is null ? file : column is null ? $"{file}, line {line}" : $"{file}, line {line}, column {column}";
        return $"{where}: {message}";
    }
}

/// <summary>Thrown inside row parsing to reject the current row; caught per row by the loader.</summary>
internal sealed class RowRejectedException(string column, string reason, string? value) : Exception(reason)
{
    public string Column { get; } = column;

    public string? Value { get; } = value;
}
