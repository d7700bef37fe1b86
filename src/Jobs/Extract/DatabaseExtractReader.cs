using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Runs a database source's query for <c>@from</c>..<c>@to</c> through any ADO.NET provider and
/// yields its rows in the same canonical shape as a CSV file, so both go through one validator.
/// </summary>
/// <remarks>
/// SQL Server is reached through <c>Microsoft.Data.SqlClient</c>, which is only in builds made with
/// <c>-p:EnableSqlServer=true</c> (README): the one version our registry has carries an advisory.
/// </remarks>
public sealed class DatabaseExtractReader : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbDataReader _reader;
    private readonly int[] _positions;
    private readonly Dictionary<string, string>?[] _values;

    private DatabaseExtractReader(SourceOptions source, DateOnly from, DateOnly to)
    {
        var factory = Factory(source.Provider ?? "");
        _connection = factory.CreateConnection()!;
        _connection.ConnectionString = source.ConnectionString
            ?? throw new ExtractFileException(Describe(source, from, to), $"no connection string: set Sources__{source.Name}__ConnectionString in the environment");
        _command = _connection.CreateCommand();
        _command.CommandText = source.Query;
        AddParameter("from", from);
        AddParameter("to", to);
        try
        {
            _connection.Open();
            _reader = _command.ExecuteReader();
        }
        catch (DbException ex)
        {
            // An unreachable database or a query that does not run fails the run as a whole, recorded
            // in the ledger like a file that cannot be read. Provider messages name no secrets.
            Dispose();
            throw new ExtractFileException(Describe(source, from, to), "the query failed: " + ex.Message);
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
        "SQLSERVER" or "MSSQL" => SqlServerFactory(),
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

    private static DbProviderFactory SqlServerFactory()
    {
        var type = Type.GetType("Microsoft.Data.SqlClient.SqlClientFactory, Microsoft.Data.SqlClient")
            ?? throw new ArgumentException("the sqlserver provider is not in this build: rebuild with -p:EnableSqlServer=true (see README)");
        return (DbProviderFactory)type.GetField("Instance")!.GetValue(null)!;
    }

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
