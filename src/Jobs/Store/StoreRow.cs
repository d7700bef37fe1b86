using System.Data.Common;

namespace Reporting.Jobs.Store;

/// <summary>
/// The current row of a store read, column by ordinal, in the store's own representation (dates:
/// SQLite's ISO text, PostgreSQL's <c>date</c>; codes: the enum's name). Reads return hundreds of
/// thousands of rows, so SQLite reads them straight from the native statement
/// (<see cref="SqliteReportingStore"/>); other providers through their data reader.
/// </summary>
public abstract class StoreRow
{
    public abstract bool IsNull(int ordinal);

    public abstract string Text(int ordinal);

    /// <summary>
    /// Text of a column with few distinct values (insurer, branch, advisor codes): one string
    /// instance per value for the whole read, not one per row.
    /// </summary>
    public virtual string SharedText(int ordinal) => Text(ordinal);

    public abstract long Number(int ordinal);

    public abstract bool Flag(int ordinal);

    public abstract DateOnly DateValue(int ordinal);

    /// <summary>An enum stored as its name.</summary>
    public abstract TEnum Code<TEnum>(int ordinal)
        where TEnum : struct, Enum;

    public string? NullableText(int ordinal) => IsNull(ordinal) ? null : Text(ordinal);

    public string? NullableSharedText(int ordinal) => IsNull(ordinal) ? null : SharedText(ordinal);

    public DateOnly? NullableDateValue(int ordinal) => IsNull(ordinal) ? null : DateValue(ordinal);

    public TEnum? NullableCode<TEnum>(int ordinal)
        where TEnum : struct, Enum =>
        IsNull(ordinal) ? null : Code<TEnum>(ordinal);

    /// <summary>Thrown for a code the enum does not name: a store written by another version, or by hand.</summary>
    protected static InvalidDataException UnknownCode<TEnum>(string code)
        where TEnum : struct, Enum =>
        new($"'{code}' is not a {typeof(TEnum).Name} code");
}

/// <summary>A <see cref="StoreRow"/> over an ADO.NET data reader.</summary>
internal sealed class DataReaderRow(DbDataReader reader) : StoreRow
{
    public override bool IsNull(int ordinal) => reader.IsDBNull(ordinal);

    public override string Text(int ordinal) => reader.GetString(ordinal);

    public override long Number(int ordinal) => reader.GetInt64(ordinal);

    public override bool Flag(int ordinal) => reader.GetBoolean(ordinal);

    public override DateOnly DateValue(int ordinal) => reader.GetFieldValue<DateOnly>(ordinal);

    public override TEnum Code<TEnum>(int ordinal)
    {
        var code = reader.GetString(ordinal);
        return Codes<TEnum>.ByName.TryGetValue(code, out var value) ? value : throw UnknownCode<TEnum>(code);
    }

    /// <summary>Enum codes looked up instead of parsed.</summary>
    private static class Codes<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<string, TEnum> ByName = Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), v => v, StringComparer.Ordinal);
    }
}
