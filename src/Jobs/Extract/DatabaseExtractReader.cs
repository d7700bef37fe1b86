using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Runs a database source's query for <c>@from</c>..<c>@to</c> through any ADO.NET provider and
/// yields its rows in the same canonical shape as a CSV file, so both go through one validator.
/// </summary>
/// <remarks>
/// A source that cannot be reached or queried fails with a sentence naming the run, the server
/// (SQLite file, PostgreSQL host and port, SQL Server data source) and the provider's cause; never
/// the connection string, and never its password, even when a provider's message would repeat it.
/// </remarks>
public sealed class DatabaseExtractReader : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbDataReader _reader;
    private readonly int[] _positions;
    private readonly Dictionary<string, string>?[] _values;
    private readonly string _server = "";
    private readonly string? _password;

    private DatabaseExtractReader(SourceOptions source, DateOnly from, DateOnly to)
    {
        var run = Describe(source, from, to);
        var factory = Factory(source.Provider ?? "");
        var connectionString = source.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ExtractFileException(run, $"no connection string: set Sources__{source.Name}__ConnectionString in the environment");
        }

        var password = Password(factory, connectionString);
        _connection = factory.CreateConnection()!;
        try
        {
            _connection.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            // Providers name the bad keyword, not its value; the password is blanked all the same.
            _connection.Dispose();
            throw new ExtractFileException(run, $"the connection string of Sources:{source.Name} is invalid: {Cause(ex, password)}");
        }

        _server = Server(_connection);
        _password = password;
        _command = _connection.CreateCommand();
        _command.CommandText = source.Query;
        AddParameter("from", from);
        AddParameter("to", to);
        try
        {
            _connection.Open();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            // An unreachable database fails the run as a whole, recorded in the ledger like a file
            // that cannot be read.
            Dispose();
            throw new ExtractFileException(run, $"cannot connect to {_server}: {Cause(ex, password)}");
        }

        try
        {
            _reader = _command.ExecuteReader();
        }
        catch (DbException ex)
        {
            Dispose();
            throw new ExtractFileException(run, $"the query failed on {_server}: {Cause(ex, password)}");
        }

        var canonical = CanonicalColumns.For(source.Dataset);
        _positions = new int[canonical.Count];
        Array.Fill(_positions, -1);
        for (var i = 0; i < _reader.FieldCount; i++)
        {
            var name = _reader.GetName(i).Trim();
            var target = source.Columns.TryGetValue(name, out var mapped) ? mapped : name;
            var index = canonical.ToList().IndexOf(target);
            if (index >= 0 && _positions[index] < 0)
            {
                _positions[index] = i;
            }
        }

        var missing = canonical.Where((_, i) => _positions[i] < 0).ToList();
        if (missing.Count > 0)
        {
            Dispose();
            throw new ExtractFileException(Describe(source, from, to), "the query returns no column for " + string.Join(", ", missing), column: missing[0]);
        }

        _values = canonical.Select(c => source.Values.TryGetValue(c, out var map) ? map : null).ToArray();
    }

    public static DatabaseExtractReader Open(SourceOptions source, DateOnly from, DateOnly to) => new(source, from, to);

    /// <summary>How a query run appears in the ingest ledger in place of a file name.</summary>
    public static string Describe(SourceOptions source, DateOnly from, DateOnly to) =>
        string.Create(CultureInfo.InvariantCulture, $"{source.Name}@{from:yyyy-MM-dd}..{to:yyyy-MM-dd}");

    public static DbProviderFactory Factory(string provider) => provider.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => SqliteFactory.Instance,
        "POSTGRES" or "POSTGRESQL" or "NPGSQL" => NpgsqlFactory.Instance,
        "SQLSERVER" or "MSSQL" => SqlClientFactory.Instance,
        _ => throw new ArgumentException($"unknown database provider '{provider}' (sqlite, postgres or sqlserver)", nameof(provider)),
    };

    /// <summary>Rows in canonical order; values of typed columns are written as canonical text (ISO dates).</summary>
    public IEnumerable<ExtractRow> Rows()
    {
        var row = 0;
        while (_reader.Read())
        {
            row++;
            var fields = new string[_positions.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                var value = FieldText.Trim(Text(_reader.GetValue(_positions[i])));
                if (_values[i] is { } map && map.TryGetValue(value, out var canonicalValue))
                {
                    value = canonicalValue;
                }

                fields[i] = value;
            }

            yield return new ExtractRow(row, fields);
        }
    }

    /// <summary>A fault while reading the rows, as the ledger records it: the server and the cause, the password blanked.</summary>
    public string ReadFailure(Exception exception) => $"the query failed while reading its rows on {_server}: {Cause(exception, _password)}";

    public void Dispose()
    {
        _reader?.Dispose();
        _command?.Dispose();
        _connection.Dispose();
    }

    private static string Text(object value) => value switch
    {
        DBNull or null => "",
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "Y" : "N",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The server as a message may name it, from the parsed connection string (never the string
    /// itself): the SQLite file, the PostgreSQL host and port, the SQL Server data source.
    /// </summary>
    internal static string Server(DbConnection connection) => connection switch
    {
        SqliteConnection sqlite => "SQLite " + TextSafety.Printable(new SqliteConnectionStringBuilder(sqlite.ConnectionString).DataSource, 200),
        NpgsqlConnection npgsql => Postgres(new NpgsqlConnectionStringBuilder(npgsql.ConnectionString)),
        SqlConnection sql => SqlServer(new SqlConnectionStringBuilder(sql.ConnectionString)),
        _ => connection.GetType().Name,
    };

    private static string Postgres(NpgsqlConnectionStringBuilder builder) =>
        string.Create(CultureInfo.InvariantCulture, $"PostgreSQL {TextSafety.Printable(builder.Host)}:{builder.Port}")
        + (string.IsNullOrEmpty(builder.Database) ? "" : $" (database {TextSafety.Printable(builder.Database)})");

    /// <summary>SQL Server's <c>Data Source</c> as written (<c>tcp:host,port</c>, <c>host\instance</c>); port 1433 when it names none.</summary>
    private static string SqlServer(SqlConnectionStringBuilder builder)
    {
        var source = string.IsNullOrWhiteSpace(builder.DataSource) ? "(local)" : builder.DataSource.Trim();
        var bare = source.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase) ? source[4..] : source;
        var port = bare.Contains(',', StringComparison.Ordinal) || bare.Contains('\\', StringComparison.Ordinal) ? "" : ",1433";
        return $"SQL Server {TextSafety.Printable(bare + port)}"
            + (string.IsNullOrEmpty(builder.InitialCatalog) ? "" : $" (database {TextSafety.Printable(builder.InitialCatalog)})");
    }

    /// <summary>The connection string's password, to blank it in any message; null when it has none or does not parse.</summary>
    private static string? Password(DbProviderFactory factory, string connectionString)
    {
        try
        {
            var builder = factory.CreateConnectionStringBuilder() ?? new DbConnectionStringBuilder();
            builder.ConnectionString = connectionString;
            foreach (var key in new[] { "Password", "Pwd" })
            {
                if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (ArgumentException)
        {
            // Fall through to the generic parser below.
        }

        try
        {
            var generic = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in new[] { "password", "pwd" })
            {
                if (generic.TryGetValue(key, out var value) && value is string { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (ArgumentException)
        {
            // A string no parser reads has no password we could find; the provider refuses it too.
        }

        return null;
    }

    /// <summary>
    /// The provider's message and, when it says more, the innermost cause (SqlClient wraps "host not
    /// found" in a general network sentence); the password blanked, control characters escaped.
    /// </summary>
    internal static string Cause(Exception exception, string? password)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = OneLine(exception.Message);
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        // SqlClient on Linux reports a refused connection as a SocketException whose code is
        // "Success": that says nothing, so only a code that means something is added.
        var innerMessage = inner switch
        {
            _ when ReferenceEquals(inner, exception) => "",
            SocketException { SocketErrorCode: SocketError.Success } => "",
            SocketException socket => SocketCause(socket),
            _ => OneLine(inner.Message),
        };
        if (innerMessage.Length > 0 && !message.Contains(innerMessage, StringComparison.OrdinalIgnoreCase))
        {
            message += " (" + innerMessage + ")";
        }

        if (!string.IsNullOrEmpty(password))
        {
            message = message.Replace(password, "***", StringComparison.Ordinal);
        }

        return TextSafety.Printable(message, 400);
    }

    private static string SocketCause(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        _ => OneLine(socket.Message),
    };

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private void AddParameter(string name, DateOnly value)
    {
        var parameter = _command.CreateParameter();
        parameter.ParameterName = name;
        // SQLite keeps dates as ISO text; other providers take a date.
        parameter.Value = _connection is SqliteConnection
            ? value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value.ToDateTime(TimeOnly.MinValue);
        _command.Parameters.Add(parameter);
    }
}
