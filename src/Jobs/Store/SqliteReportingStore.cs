using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;

namespace Reporting.Jobs.Store;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Writers take the database lock with
/// <c>BEGIN IMMEDIATE</c>, so two loads (or two processes) never interleave; a file's rows go in
/// through prepared statements inside one transaction, so a crash leaves nothing behind.
/// </summary>
public sealed class SqliteReportingStore : SqlReportingStore
{
    private readonly string _connectionString;

    public SqliteReportingStore(string connectionString, TimeProvider time)
        : base(time)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 60 };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        _connectionString = builder.ToString();
    }

    public override string Provider => "sqlite";

    protected override string FileNameOrder => "COLLATE BINARY";

    protected override string MonthOf(string dateColumn) => $"substr({dateColumn}, 1, 7)";

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await MigrationRunner.ApplyAsync(connection, Provider, Time.GetUtcNow(), _ => Task.CompletedTask, cancellationToken);
    }

    /// <summary><c>BEGIN IMMEDIATE</c>: the write lock now, so two loads never interleave.</summary>
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, string source, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override IExtractLoad CreateLoad(DbConnection connection, DbTransaction transaction, long ingestId, DateOnly extractDate) =>
        new Load((SqliteConnection)connection, (SqliteTransaction)transaction, ingestId, extractDate);

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>ISO <c>YYYY-MM-DD</c> text read digit by digit: as-of reads return millions of dates.</summary>
    protected override DateOnly ReadDate(DbDataReader reader, int ordinal)
    {
        var text = reader.GetString(ordinal);
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
        {
            throw new InvalidDataException($"'{text}' is not an ISO date");
        }

        static int Digits(string s, int start, int count)
        {
            var value = 0;
            for (var i = start; i < start + count; i++)
            {
                value = (value * 10) + (s[i] - '0');
            }

            return value;
        }

        return new DateOnly(Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2));
    }

    protected override void AddDate(DbCommand command, string name, DateOnly value) =>
        command.Parameters.Add(new SqliteParameter(name, Iso(value)));

    private sealed class Load(SqliteConnection connection, SqliteTransaction transaction, long ingestId, DateOnly extractDate) : IExtractLoad
    {
        private readonly string _extractDate = Iso(extractDate);
        private RawStatement? _policy;
        private RawStatement? _claim;
        private RawStatement? _followUp;
        private bool _committed;
        private bool _disposed;

        public long IngestId => ingestId;

        public void Add(Policy p, int line)
        {
            _policy ??= Prepare(
                "policy_versions",
                ["insurer_code", "policy_no", "ingest_id", "extract_date", "line_no", "coverage", "business_type", "branch_code", "advisor_id", "vin",
                 "plate_no", "customer_name", "customer_phone", "issue_date", "effective_date", "expiry_date", "premium_fen", "status", "cancel_date", "refund_fen"],
                "insurer_code, policy_no, ingest_id");
            Execute(_policy, p.InsurerCode, p.PolicyNo, ingestId, _extractDate, line, p.Coverage.ToString(), p.BusinessType.ToString(), p.BranchCode, p.AdvisorId, p.Vin,
                p.PlateNo, p.CustomerName, p.CustomerPhone, Iso(p.IssueDate), Iso(p.EffectiveDate), Iso(p.ExpiryDate), Fen(p.Premium), p.Status.ToString(),
                p.CancelDate is { } c ? Iso(c) : null, Fen(p.RefundPremium));
        }

        public void Add(Claim c, int line)
        {
            _claim ??= Prepare(
                "claim_versions",
                ["insurer_code", "claim_no", "ingest_id", "extract_date", "line_no", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code",
                 "referred", "assessed_fen", "paid_fen", "status", "close_date"],
                "insurer_code, claim_no, ingest_id");
            Execute(_claim, c.InsurerCode, c.ClaimNo, ingestId, _extractDate, line, c.PolicyNo, c.Vin, Iso(c.LossDate), Iso(c.ReportDate), c.RepairBranchCode,
                c.Referred ? 1 : 0, Fen(c.AssessedAmount), Fen(c.PaidAmount), c.Status.ToString(), c.CloseDate is { } d ? Iso(d) : null);
        }

        public void Add(FollowUp f, int line)
        {
            _followUp ??= Prepare(
                "followup_versions",
                ["followup_id", "ingest_id", "extract_date", "line_no", "insurer_code", "policy_no", "branch_code", "advisor_id", "contact_date", "channel",
                 "outcome", "lost_reason", "note"],
                "followup_id, ingest_id");
            Execute(_followUp, f.FollowUpId, ingestId, _extractDate, line, f.InsurerCode, f.PolicyNo, f.BranchCode, f.AdvisorId, Iso(f.ContactDate),
                f.Channel.ToString(), f.Outcome.ToString(), f.LostReason?.ToString(), f.Note);
        }

        public async Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
        {
            await CompleteLedgerAsync(connection, transaction, ingestId, counts, finishedAt, null, cancellationToken);
            await InsertIssuesAsync(connection, transaction, ingestId, issues, cancellationToken);
            transaction.Commit();
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _policy?.Dispose();
            _claim?.Dispose();
            _followUp?.Dispose();
            if (!_committed)
            {
                transaction.Rollback();
            }

            transaction.Dispose();
            await connection.DisposeAsync();
        }

        private static void Execute(RawStatement statement, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                statement.Bind(i + 1, values[i]);
            }

            statement.Execute();
        }

        /// <summary>
        /// One prepared upsert per table: within one file the later line of a duplicate key wins
        /// (SPEC §2.6), by overwriting the version this file already wrote.
        /// </summary>
        private RawStatement Prepare(string table, string[] columns, string key)
        {
            var keyColumns = key.Split(", ");
            var updates = columns.Where(c => !keyColumns.Contains(c)).Select(c => $"{c} = excluded.{c}");
            return new RawStatement(
                connection.Handle!,
                $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1)))}) " +
                $"ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", updates)}");
        }
    }

    /// <summary>
    /// A prepared statement bound through SQLitePCL directly, on the connection (and so inside the
    /// transaction) of the load: a file's rows are millions of executions, and ADO.NET's
    /// per-parameter work was a third of the load time (docs/performance.md).
    /// </summary>
    private sealed class RawStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public RawStatement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        }

        public void Bind(int index, object? value) => Check(value switch
        {
            null => raw.sqlite3_bind_null(_statement, index),
            string text => raw.sqlite3_bind_text(_statement, index, text),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            _ => throw new ArgumentException($"cannot bind a {value.GetType().Name}", nameof(value)),
        });

        public void Execute()
        {
            var result = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (result != raw.SQLITE_DONE)
            {
                Check(result);
            }
        }

        public void Dispose() => _statement.Dispose();

        private void Check(int result)
        {
            if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), result);
            }
        }
    }
}
