using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Reporting.Jobs.Hosting;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary>How a command ended when it could not finish: its exit code and the one or two sentences it prints.</summary>
public sealed record CommandFailure(int ExitCode, string Message);

/// <summary>
/// Maps what stopped a command onto an exit code of <see cref="ExitCodes"/> and a message that
/// names what failed (the store path or PostgreSQL host and port, the file, the setting) and what
/// to do. The one place the mapping is written; the README's "Exit codes" table follows it.
/// Outside text (paths, causes, names) is escaped; no connection string is ever shown.
/// </summary>
public static class FailureClassifier
{
    // SQLite primary result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    // Linux errno values .NET keeps as the HResult of an IOException it cannot map to a subclass.
    private const int NoSpace = 28;
    private const int ReadOnlyFileSystem = 30;
    private const int QuotaExceeded = 122;

    /// <param name="exception">What the command threw.</param>
    /// <param name="store">The store the command works on, when configuration names one.</param>
    public static CommandFailure Classify(Exception exception, StoreTarget? store)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = Chain(exception).ToList();
        if (chain.OfType<UsageException>().FirstOrDefault() is { } usage)
        {
            return new(ExitCodes.Usage, Text(usage.Message) + " Run the command with --help for its options.");
        }

        if (chain.OfType<ConfigurationException>().FirstOrDefault() is { } configuration)
        {
            return new(ExitCodes.Configuration, Text(configuration.Message) + Fix);
        }

        if (chain.OfType<OptionsValidationException>().FirstOrDefault() is { } invalid)
        {
            // The validators' own sentences, each naming the key and the value, on one line.
            return new(ExitCodes.Configuration, "Invalid configuration: " + string.Join(" ", invalid.Failures.Distinct(StringComparer.Ordinal).Select(f => Text(f).TrimEnd('.') + ".")) + Fix);
        }

        // A value the configuration binder cannot convert (a word where a number goes), found when
        // a command first reads its options.
        if (chain.FirstOrDefault(e => e.Source == ConfigurationBinder) is { } binding)
        {
            return new(ExitCodes.Configuration, "Invalid configuration: " + Text(binding.Message).TrimEnd('.') + "." + Fix);
        }

        if (chain.OfType<SqliteException>().FirstOrDefault() is { } sqlite)
        {
            return Sqlite(sqlite, store);
        }

        if (chain.OfType<PostgresException>().FirstOrDefault() is { } postgres)
        {
            return Postgres(postgres, store);
        }

        if (chain.OfType<NpgsqlException>().FirstOrDefault() is { } npgsql)
        {
            return Unreachable(npgsql, chain, store);
        }

        if (chain.OfType<OperationCanceledException>().Any())
        {
            return new(ExitCodes.Interrupted, "Stopped before the work finished (cancelled). Whatever was in progress was rolled back; run the command again.");
        }

        if (chain.OfType<UnauthorizedAccessException>().FirstOrDefault() is { } denied)
        {
            return new(ExitCodes.CannotCreate, $"Cannot write where the worker must ({Text(denied.Message)}): give this user write access there, or point Data:Folder elsewhere.");
        }

        if (chain.OfType<IOException>().FirstOrDefault() is { } io)
        {
            return Io(io);
        }

        return Internal(exception);
    }

    /// <summary>An exception nothing above expects: a defect of the worker.</summary>
    public static CommandFailure Internal(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(ExitCodes.Internal,
            $"Internal error: {exception.GetType().FullName}: {Text(exception.Message).TrimEnd('.')}. " +
            "Run the command again with Logging__LogLevel__Reporting=Debug for the stack trace, and report it with that output.");
    }

    private const string ConfigurationBinder = "Microsoft.Extensions.Configuration.Binder";

    private const string Fix = " Fix the configuration (config/*.json, user secrets or the environment), then run the command again.";

    private static CommandFailure Sqlite(SqliteException ex, StoreTarget? store)
    {
        var what = store is { Provider: StoreProviders.Sqlite } ? store.Description : "SQLite database of the worker";
        var cause = $"SQLite error {ex.SqliteErrorCode}: {Text(SqliteMessage(ex))}";
        return (ex.SqliteErrorCode & 0xFF) switch
        {
            SqliteBusy or SqliteLocked => new(ExitCodes.TemporaryFailure,
                $"The {what} stayed locked by another process for the whole wait ({cause}). Try again later; if it stays locked, find the process holding it (a running ingest, serve or sqlite3; fuser shows it)."),
            SqliteCorrupt or SqliteNotADatabase => new(ExitCodes.DataError,
                $"The {what} is damaged or is not a SQLite database ({cause}). Restore it from a backup, or move it aside and reload the extracts into a new store."),
            SqliteCantOpen => new(ExitCodes.CannotCreate,
                $"Cannot open or create the {what} ({cause}). Check that its folder exists and that this user may write there (Data:Folder, Store:ConnectionString)."),
            SqliteReadOnly => new(ExitCodes.CannotCreate,
                $"Cannot write to the {what} ({cause}): the file or its folder is read-only. Make them writable for this user, or point Data:Folder elsewhere."),
            SqliteFull => new(ExitCodes.IoError,
                $"The disk holding the {what} is full ({cause}). Free space there, then run the command again."),
            SqliteIoError => new(ExitCodes.IoError,
                $"The {what} could not be read or written ({cause}). Check the disk (dmesg), then run the command again."),
            _ => Internal(ex),
        };
    }

    private static CommandFailure Postgres(PostgresException ex, StoreTarget? store)
    {
        var where = PostgresWhere(store);
        var cause = $"{ex.SqlState}: {Text(ex.MessageText)}";
        return ex.SqlState switch
        {
            "28000" or "28P01" => new(ExitCodes.Configuration,
                $"{where} refused the login ({cause}). Check Username and Password in Store__ConnectionString."),
            "3D000" => new(ExitCodes.Configuration,
                $"{where} has no such database ({cause}). Create it, or correct Database in Store__ConnectionString."),
            "42501" => new(ExitCodes.Configuration,
                $"{where}: the configured user lacks a privilege the worker needs ({cause}). Grant it, or use the owner of the database."),
            "55P03" or "40P01" or "40001" or "57014" => new(ExitCodes.TemporaryFailure,
                $"{where}: a lock could not be taken in time ({cause}). Another worker or session holds it; try again later."),
            "53100" => new(ExitCodes.IoError,
                $"{where}: the server's disk is full ({cause}). Free space on the database server, then run the command again."),
            "XX001" or "XX002" => new(ExitCodes.DataError,
                $"{where}: the database is damaged ({cause}). Restore it from a backup."),
            _ when ex.SqlState.StartsWith("08", StringComparison.Ordinal) || ex.SqlState.StartsWith("53", StringComparison.Ordinal) || ex.SqlState.StartsWith("57P", StringComparison.Ordinal) =>
                new(ExitCodes.Unavailable, $"{where} is not available ({cause}). Try again when the server accepts connections."),
            _ => Internal(ex),
        };
    }

    private static CommandFailure Unreachable(NpgsqlException ex, IReadOnlyList<Exception> chain, StoreTarget? store)
    {
        var where = PostgresWhere(store);
        var socket = chain.OfType<SocketException>().FirstOrDefault();
        var connecting = ex.Message.StartsWith("Failed to connect", StringComparison.Ordinal) || socket is not null;
        if (!connecting && chain.OfType<TimeoutException>().Any())
        {
            return new(ExitCodes.TemporaryFailure,
                $"{where} did not answer a command in time ({Text(ex.Message)}). The server may be busy or a lock held; try again later.");
        }

        var cause = socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.TimedOut => "connection timed out",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            SocketError.ConnectionReset => "connection reset",
            { } other => other.ToString(),
            null when chain.OfType<TimeoutException>().Any() => "connection timed out",
            null => Text(ex.Message),
        };
        return new(ExitCodes.Unavailable,
            $"Cannot reach the {(store is { Provider: StoreProviders.Postgres } ? store.Description : "PostgreSQL server")} ({cause}). " +
            "Check that PostgreSQL runs there and that Host and Port in Store__ConnectionString are right, then run the command again.");
    }

    private static CommandFailure Io(IOException io)
    {
        var cause = Text(io.Message);
        return io switch
        {
            DirectoryNotFoundException => new(ExitCodes.CannotCreate,
                $"Cannot create a folder the worker needs ({cause}): a parent is missing or is a file. Check Data:Folder and the store path."),
            _ when io.HResult is NoSpace or QuotaExceeded => new(ExitCodes.IoError,
                $"The disk is full ({cause}). Free space there, then run the command again."),
            _ when io.HResult is ReadOnlyFileSystem => new(ExitCodes.CannotCreate,
                $"Cannot write: the file system is read-only ({cause}). Remount it writable or point Data:Folder elsewhere."),
            _ => new(ExitCodes.IoError, $"Input/output error ({cause}). Check the file and the disk, then run the command again."),
        };
    }

    private static string PostgresWhere(StoreTarget? store) =>
        store is { Provider: StoreProviders.Postgres } ? store.Description : "The PostgreSQL server";

    /// <summary>SQLite's own text without Microsoft.Data.Sqlite's "SQLite Error N: '…'." wrapping.</summary>
    private static string SqliteMessage(SqliteException ex)
    {
        var message = ex.Message;
        var quote = message.IndexOf('\'', StringComparison.Ordinal);
        return message.StartsWith("SQLite Error", StringComparison.Ordinal) && quote > 0 && message.LastIndexOf('\'') is var end && end > quote
            ? message[(quote + 1)..end]
            : message;
    }

    private static string Text(string? text) => ReportingConsoleFormatter.OneLine(text);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var seen = 0;
        var pending = new Queue<Exception>([exception]);
        while (pending.TryDequeue(out var e) && seen++ < 32)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Enqueue(inner);
            }
        }
    }
}
