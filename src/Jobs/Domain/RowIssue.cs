namespace Reporting.Jobs.Domain;

public enum IssueSeverity
{
    /// <summary>The row was not loaded.</summary>
    Reject,

    /// <summary>The row was loaded; something about it deserves a look (an unknown branch code).</summary>
    Warning,
}

/// <summary>
/// One problem with one row: where (line, column) and why. <see cref="Value"/> is the offending
/// value, withheld for personal-data columns.
/// </summary>
public sealed record RowIssue(int Line, string Column, string Reason, string? Value, IssueSeverity Severity = IssueSeverity.Reject)
{
    public override string ToString() => Value is null
        ? $"line {Line}, column {Column}: {Reason}"
        : $"line {Line}, column {Column}: {Reason} ('{Value}')";
}
