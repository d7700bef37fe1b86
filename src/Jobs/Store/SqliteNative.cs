using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Reporting.Jobs.Store;

// SQLite's C API as the provider's load and reads use it: prepared statements bound and stepped
// directly (RawStatement), rows read in place (RawRow), the few entry points SQLitePCLRaw does not
// expose (NativeSqlite), and enum names as UTF-8 (EnumUtf8). Only SqliteReportingStore uses them.

internal sealed class RawStatement : IDisposable
{
    private const int ArenaSize = 1 << 16;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private readonly byte[] _arena = GC.AllocateUninitializedArray<byte>(ArenaSize, pinned: true);
    private int _used;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        _handle = _statement.DangerousGetHandle();
    }

    public nint Handle => _handle;

    public void Null(int index) => Check(NativeSqlite.sqlite3_bind_null(_handle, index));

    public void Int(int index, long value) => Check(NativeSqlite.sqlite3_bind_int64(_handle, index, value));

    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Null(index);
            return;
        }

        if (_used + Encoding.UTF8.GetMaxByteCount(value.Length) >= ArenaSize)
        {
            // Longer than the row's buffer has left: SQLite copies it (SQLITE_TRANSIENT).
            var bytes = Encoding.UTF8.GetBytes(value + "\0");
            Check(NativeSqlite.sqlite3_bind_text(_handle, index, ref bytes[0], bytes.Length - 1, NativeSqlite.Transient));
            return;
        }

        var length = Encoding.UTF8.GetBytes(value, _arena.AsSpan(_used));
        Check(NativeSqlite.sqlite3_bind_text(_handle, index, ref _arena[_used], length, NativeSqlite.Static));
        _used += length + 1;
    }

    /// <summary>An ISO <c>YYYY-MM-DD</c> date, written as its ten UTF-8 digits and dashes.</summary>
    public void Date(int index, DateOnly? value)
    {
        if (value is not { } date)
        {
            Null(index);
            return;
        }

        Span<byte> iso = stackalloc byte[10];
        Digits(iso[..4], date.Year);
        iso[4] = (byte)'-';
        Digits(iso.Slice(5, 2), date.Month);
        iso[7] = (byte)'-';
        Digits(iso.Slice(8, 2), date.Day);
        Bind(index, iso);
    }

    /// <summary>An enum's name, as UTF-8 bytes computed once per value.</summary>
    public void Code<TEnum>(int index, TEnum value)
        where TEnum : struct, Enum
    {
        Bind(index, EnumUtf8<TEnum>.Names[value]);
    }

    /// <summary>A date bound by parameter name (<c>@asOf</c>); a name the SQL does not use is skipped.</summary>
    public void Date(string name, DateOnly value)
    {
        var index = NativeSqlite.sqlite3_bind_parameter_index(_handle, name);
        if (index > 0)
        {
            Date(index, value);
        }
    }

    /// <summary>The next row of a read: false when there is none.</summary>
    public bool Step()
    {
        var result = NativeSqlite.sqlite3_step(_handle);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }

        Check(result);
        return false;
    }

    public void Execute()
    {
        var result = NativeSqlite.sqlite3_step(_handle);
        _ = NativeSqlite.sqlite3_reset(_handle);
        _used = 0;
        if (result != raw.SQLITE_DONE)
        {
            Check(result);
        }
    }

    public void Dispose() => _statement.Dispose();

    private static void Digits(Span<byte> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Short bytes (a date, a code), copied into the row's buffer, or by SQLite when the buffer is full.</summary>
    private void Bind(int index, ReadOnlySpan<byte> utf8)
    {
        if (_used + utf8.Length >= ArenaSize)
        {
            Check(NativeSqlite.sqlite3_bind_text(_handle, index, ref MemoryMarshal.GetReference(utf8), utf8.Length, NativeSqlite.Transient));
            return;
        }

        utf8.CopyTo(_arena.AsSpan(_used));
        Check(NativeSqlite.sqlite3_bind_text(_handle, index, ref _arena[_used], utf8.Length, NativeSqlite.Static));
        _used += utf8.Length + 1;
    }

    private void Check(int result)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
        }
    }
}

/// <summary>
/// The current row of a <see cref="RawStatement"/>: text decoded from SQLite's own UTF-8 bytes,
/// dates parsed from their ten ISO bytes and codes matched against their names' bytes, with no
/// string in between.
/// </summary>
internal sealed unsafe class RawRow(RawStatement statement) : StoreRow
{
    private readonly nint _handle = statement.Handle;
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);

    public override string SharedText(int ordinal)
    {
        var bytes = Bytes(ordinal);
        if (bytes.Length > 64)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        Span<char> chars = stackalloc char[bytes.Length];
        var text = chars[..Encoding.UTF8.GetChars(bytes, chars)];
        var lookup = _shared.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(text, out var shared))
        {
            shared = text.ToString();
            _shared.Add(shared);
        }

        return shared;
    }

    public override bool IsNull(int ordinal) => NativeSqlite.sqlite3_column_type(_handle, ordinal) == raw.SQLITE_NULL;

    public override string Text(int ordinal)
    {
        var bytes = Bytes(ordinal);
        return bytes.Length == 0 ? "" : Encoding.UTF8.GetString(bytes);
    }

    public override long Number(int ordinal) => NativeSqlite.sqlite3_column_int64(_handle, ordinal);

    public override bool Flag(int ordinal) => Number(ordinal) != 0;

    public override DateOnly DateValue(int ordinal)
    {
        var iso = Bytes(ordinal);
        if (iso.Length != 10 || iso[4] != (byte)'-' || iso[7] != (byte)'-'
            || !Digits(iso[..4], out var year) || !Digits(iso.Slice(5, 2), out var month) || !Digits(iso.Slice(8, 2), out var day))
        {
            throw new InvalidDataException($"'{Encoding.UTF8.GetString(iso)}' is not an ISO date");
        }

        return new DateOnly(year, month, day);
    }

    public override TEnum Code<TEnum>(int ordinal)
    {
        var name = Bytes(ordinal);
        foreach (var (bytes, value) in EnumUtf8<TEnum>.Values)
        {
            if (name.SequenceEqual(bytes))
            {
                return value;
            }
        }

        throw UnknownCode<TEnum>(Encoding.UTF8.GetString(name));
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private ReadOnlySpan<byte> Bytes(int ordinal)
    {
        var text = NativeSqlite.sqlite3_column_text(_handle, ordinal);
        var length = NativeSqlite.sqlite3_column_bytes(_handle, ordinal);
        return text == 0 ? [] : new ReadOnlySpan<byte>((void*)text, length);
    }
}

/// <summary>
/// The few SQLite calls a load makes per value and a read per column, on the library SQLitePCL
/// already loaded. The column calls skip the runtime's GC transition
/// (<see cref="SuppressGCTransitionAttribute"/>): they return at once, never block (the read's
/// handle has no mutex) and never call back.
/// </summary>
internal static class NativeSqlite
{
    /// <summary><c>SQLITE_STATIC</c>: the bytes stay valid and unchanged until the statement is reset.</summary>
    public const nint Static = 0;

    /// <summary><c>SQLITE_TRANSIENT</c>: SQLite copies the bytes.</summary>
    public const nint Transient = -1;

    private const string Library = "e_sqlite3";

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_bind_text(nint statement, int index, ref byte text, int length, nint destructor);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_bind_int64(nint statement, int index, long value);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_bind_null(nint statement, int index);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_step(nint statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_reset(nint statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    public static extern int sqlite3_bind_parameter_index(nint statement, string name);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int sqlite3_column_type(nint statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern long sqlite3_column_int64(nint statement, int column);

    /// <summary>The column's UTF-8 text, valid until the next step; its length from <see cref="sqlite3_column_bytes"/>, called after it.</summary>
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern nint sqlite3_column_text(nint statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]
    [SuppressGCTransition]
    public static extern int sqlite3_column_bytes(nint statement, int column);
}

internal static class EnumUtf8<TEnum>
    where TEnum : struct, Enum
{
    public static readonly Dictionary<TEnum, byte[]> Names = System.Enum.GetValues<TEnum>().ToDictionary(v => v, v => Encoding.UTF8.GetBytes(v.ToString()));

    public static readonly (byte[] Name, TEnum Value)[] Values = [.. Names.Select(n => (n.Value, n.Key))];
}
