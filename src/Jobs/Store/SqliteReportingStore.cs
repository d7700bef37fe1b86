using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Writers take the database lock with
/// <c>BEGIN IMMEDIATE</c>, so two loads (or two processes) never interleave; a file's rows go in
/// through prepared statements inside one transaction, so a crash leaves nothing behind.
/// </summary>
public sealed class SqliteReportingStore : SqlReportingStore
{
    private const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY";

    /// <summary>
    /// A read's handle also maps the store file into memory (up to 2 GB less 64 KB, the bundled
    /// library's limit; beyond it SQLite reads as usual): a page not in the page cache is then read
    /// by a page fault with the kernel's read-around, where a <c>pread</c> per 4 KB page fetched
    /// only that page. A month's reads are scattered probes (the policies of its claims, the
    /// candidates' VINs), so from a cold page cache mapping is what makes them fast
    /// (docs/performance.md). The mapped pages the reads touch count in the process's working set
    /// (page cache, shared and reclaimable), so peak memory figures grow with it. Only reads map: a
    /// load writes through SQLite's own pages. SQLite's documented trade-off
    /// is that an I/O error on a mapped page ends the process with a signal instead of failing the
    /// query; the store belongs on a local disk (docs/operations.md) in any case.
    /// </summary>
    private const string ReadPragmas = ConnectionPragmas + "; PRAGMA mmap_size = 2147418112";

    /// <summary>
    /// Migrations that copy whole tables into a new order (0007, <see cref="StoreOrder"/>): after
    /// them the store is rewritten once (VACUUM), else the new tables' indexes would sit on the old
    /// tables' freed pages, scattered over the file, and the file would keep its old size as well.
    /// It is paid once per store (its cost on a large store: docs/operations.md).
    /// </summary>
    private static readonly int[] RewritesTables = [7];

    private readonly string _connectionString;

    /// <summary>
    /// How many of a file's rows a load stages before it writes them to their table in store order
    /// (<see cref="StoreOrder"/>): the run is the temporary table SQLite sorts in memory, so it stays
    /// a bounded size whatever the file's; a large history file is several runs, and a month's rows of
    /// it sit in one stretch of the table per run. Smaller in tests, to cross runs.
    /// </summary>
    internal int LoadRunRows { get; init; } = DefaultLoadRunRows;

    internal const int DefaultLoadRunRows = 65_536;

    /// <summary>The database file the reads open their own handles on; null when the connection string names no plain file (memory, URI, shared cache).</summary>
    private readonly string? _readFile;

    public SqliteReportingStore(string connectionString, TimeProvider time)
        : base(time)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 60 };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        _connectionString = builder.ToString();
        _readFile = builder is { Mode: SqliteOpenMode.ReadWriteCreate or SqliteOpenMode.ReadWrite, Cache: SqliteCacheMode.Default or SqliteCacheMode.Private, Password.Length: 0 }
            && builder.DataSource is { Length: > 0 } source && source != ":memory:"
            && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !source.Contains('|', StringComparison.Ordinal)
            ? Path.GetFullPath(source)
            : null;
    }

    public override string Provider => Hosting.StoreProviders.Sqlite;

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

        var ran = await MigrationRunner.ApplyAsync(connection, Provider, Time.GetUtcNow(), _ => Task.CompletedTask, cancellationToken);
        if (ran.Any(RewritesTables.Contains))
        {
            // Outside the migrations' transaction, as VACUUM must be; its copy of the store in a
            // temporary file, not in memory (the connections keep temporary tables in memory).
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "PRAGMA temp_store = FILE; VACUUM; PRAGMA temp_store = MEMORY";
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary><c>BEGIN IMMEDIATE</c>: the write lock now, so two loads never interleave.</summary>
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, string source, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override IExtractLoad CreateLoad(DbConnection connection, DbTransaction transaction, long ingestId, DateOnly extractDate) =>
        new Load(this, (SqliteConnection)connection, (SqliteTransaction)transaction, ingestId, extractDate);

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = ConnectionPragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Reads straight from the native statement (<see cref="RawRow"/>): Microsoft.Data.Sqlite's
    /// reader costs several times SQLite's own work per row on reads of hundreds of thousands of
    /// rows (docs/performance.md). A read on a plain file opens its own handle without SQLite's
    /// connection mutex (<see cref="OpenReadHandle"/>).
    /// </summary>
    protected override Task<List<T>> QueryAsync<T>(string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                if (_readFile is { } file)
                {
                    using var handle = OpenReadHandle(file);
                    return Read(handle, sql, asOf, ranges, read, cancellationToken);
                }

                await using var connection = (SqliteConnection)await OpenAsync(cancellationToken);
                return Read(connection.Handle!, sql, asOf, ranges, read, cancellationToken);
            },
            cancellationToken);

    /// <summary>
    /// A handle for one read on one thread, opened without SQLite's per-connection mutex
    /// (<c>SQLITE_OPEN_NOMUTEX</c>): in SQLite's default serialized mode every column of every row
    /// takes and releases it, a visible share of a large read's time (docs/performance-log.md).
    /// Microsoft.Data.Sqlite offers no such
    /// option; the handle is used by one thread from open to close, which is all the mode asks.
    /// </summary>
    private static sqlite3 OpenReadHandle(string file)
    {
        // SQLitePCL's provider, set up once by Microsoft.Data.Sqlite's own initialiser.
        RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        var result = raw.sqlite3_open_v2(file, out var handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null);
        string? error = null;
        try
        {
            if (result != raw.SQLITE_OK)
            {
                throw new SqliteException($"SQLite cannot open '{file}' to read: " + raw.sqlite3_errmsg(handle).utf8_to_string(), result);
            }

            // The wait for a lock before anything else, as Microsoft.Data.Sqlite sets it at open:
            // the pragmas below read the schema.
            result = raw.sqlite3_busy_timeout(handle, 60_000);
            if (result == raw.SQLITE_OK)
            {
                result = raw.sqlite3_exec(handle, ReadPragmas, out error);
            }

            if (result != raw.SQLITE_OK)
            {
                throw new SqliteException(error ?? raw.sqlite3_errmsg(handle).utf8_to_string(), result);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static List<T> Read<T>(sqlite3 handle, string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken)
    {
        using var statement = new RawStatement(handle, sql);
        statement.Date("@asOf", asOf);
        for (var n = 0; n < ranges.Count; n++)
        {
            statement.Date("@from" + n.ToString(CultureInfo.InvariantCulture), ranges[n].From);
            statement.Date("@to" + n.ToString(CultureInfo.InvariantCulture), ranges[n].To);
        }

        var row = new RawRow(statement);
        var result = new List<T>();
        while (statement.Step())
        {
            result.Add(read(row));
            if ((result.Count & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return result;
    }

    protected override void AddDate(DbCommand command, string name, DateOnly value) =>
        command.Parameters.Add(new SqliteParameter(name, Iso(value)));

    private sealed class Load(SqliteReportingStore store, SqliteConnection connection, SqliteTransaction transaction, long ingestId, DateOnly extractDate) : IExtractLoad
    {
        private readonly PolicySums _sums = new();
        private readonly DateOnly _extractDate = extractDate;

        /// <summary>The table this load writes and its largest rowid before the first row: the file's rows are above it (the load holds the write lock).</summary>
        private (VersionTable Table, long RowsBefore)? _target;
        private RawStatement? _policy;
        private RawStatement? _claim;
        private RawStatement? _followUp;

        /// <summary>The stage's rows into the table, in store order; then the stage emptied.</summary>
        private RawStatement? _run;
        private RawStatement? _empty;
        private int _staged;
        private bool _committed;
        private bool _disposed;

        public long IngestId => ingestId;

        public void Add(Policy p, int line)
        {
            var s = _policy ??= Prepare(VersionTable.Policies);
            s.Text(PolicyAt.InsurerCode, p.InsurerCode);
            s.Text(PolicyAt.PolicyNo, p.PolicyNo);
            s.Int(PolicyAt.IngestId, ingestId);
            s.Date(PolicyAt.ExtractDate, _extractDate);
            s.Int(PolicyAt.LineNo, line);
            s.Code(PolicyAt.Coverage, p.Coverage);
            s.Code(PolicyAt.BusinessType, p.BusinessType);
            s.Text(PolicyAt.BranchCode, p.BranchCode);
            s.Text(PolicyAt.AdvisorId, p.AdvisorId);
            s.Text(PolicyAt.Vin, p.Vin);
            s.Text(PolicyAt.PlateNo, p.PlateNo);
            s.Text(PolicyAt.CustomerName, p.CustomerName);
            s.Text(PolicyAt.CustomerPhone, p.CustomerPhone);
            s.Date(PolicyAt.IssueDate, p.IssueDate);
            s.Date(PolicyAt.EffectiveDate, p.EffectiveDate);
            s.Date(PolicyAt.ExpiryDate, p.ExpiryDate);
            s.Int(PolicyAt.PremiumFen, Fen(p.Premium));
            s.Code(PolicyAt.Status, p.Status);
            s.Date(PolicyAt.CancelDate, p.CancelDate);
            s.Int(PolicyAt.RefundFen, Fen(p.RefundPremium));
            Stage(s);
            _sums.Add(p);
        }

        public void Add(Claim c, int line)
        {
            var s = _claim ??= Prepare(VersionTable.Claims);
            s.Text(ClaimAt.InsurerCode, c.InsurerCode);
            s.Text(ClaimAt.ClaimNo, c.ClaimNo);
            s.Int(ClaimAt.IngestId, ingestId);
            s.Date(ClaimAt.ExtractDate, _extractDate);
            s.Int(ClaimAt.LineNo, line);
            s.Text(ClaimAt.PolicyNo, c.PolicyNo);
            s.Text(ClaimAt.Vin, c.Vin);
            s.Date(ClaimAt.LossDate, c.LossDate);
            s.Date(ClaimAt.ReportDate, c.ReportDate);
            s.Text(ClaimAt.RepairBranchCode, c.RepairBranchCode);
            s.Int(ClaimAt.Referred, c.Referred ? 1 : 0);
            s.Int(ClaimAt.AssessedFen, Fen(c.AssessedAmount));
            s.Int(ClaimAt.PaidFen, Fen(c.PaidAmount));
            s.Code(ClaimAt.Status, c.Status);
            s.Date(ClaimAt.CloseDate, c.CloseDate);
            Stage(s);
        }

        public void Add(FollowUp f, int line)
        {
            var s = _followUp ??= Prepare(VersionTable.FollowUps);
            s.Text(FollowUpAt.FollowupId, f.FollowUpId);
            s.Int(FollowUpAt.IngestId, ingestId);
            s.Date(FollowUpAt.ExtractDate, _extractDate);
            s.Int(FollowUpAt.LineNo, line);
            s.Text(FollowUpAt.InsurerCode, f.InsurerCode);
            s.Text(FollowUpAt.PolicyNo, f.PolicyNo);
            s.Text(FollowUpAt.BranchCode, f.BranchCode);
            s.Text(FollowUpAt.AdvisorId, f.AdvisorId);
            s.Date(FollowUpAt.ContactDate, f.ContactDate);
            s.Code(FollowUpAt.Channel, f.Channel);
            s.Code(FollowUpAt.Outcome, f.Outcome);
            if (f.LostReason is { } reason)
            {
                s.Code(FollowUpAt.LostReason, reason);
            }
            else
            {
                s.Null(FollowUpAt.LostReason);
            }

            s.Text(FollowUpAt.Note, f.Note);
            Stage(s);
        }

        public async Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
        {
            if (_target is { } target)
            {
                WriteRun();
                DisposeStatements();
                using (var drop = connection.CreateCommand())
                {
                    drop.Transaction = transaction;
                    drop.CommandText = "DROP TABLE temp.load_stage";
                    drop.ExecuteNonQuery();
                }

                // A policies file without duplicate keys: its sums as added up row by row; else from the rows stored.
                var fileRows = string.Create(CultureInfo.InvariantCulture, $"(SELECT * FROM {target.Table.Name} WHERE rowid > {target.RowsBefore} AND ingest_id = @id)");
                await store.MonthlySums.KeepDerivedAsync(
                    connection, transaction, ingestId, target.Table, fileRows, fileRows, counts.RowsDuplicate == 0 ? _sums : null, cancellationToken);
            }

            await SqlIngestLedger.CompleteLedgerAsync(connection, transaction, ingestId, counts, finishedAt, null, cancellationToken);
            await SqlIngestLedger.InsertIssuesAsync(connection, transaction, ingestId, issues, cancellationToken);
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
            DisposeStatements();
            if (!_committed)
            {
                transaction.Rollback();
            }

            transaction.Dispose();
            await connection.DisposeAsync();
        }

        /// <summary>The row just bound into the stage; a full stage is written to the table.</summary>
        private void Stage(RawStatement statement)
        {
            statement.Execute();
            if (++_staged == store.LoadRunRows)
            {
                WriteRun();
            }
        }

        /// <summary>The staged rows into their table in store order, and the stage emptied.</summary>
        private void WriteRun()
        {
            if (_staged > 0)
            {
                _run!.Execute();
                _empty!.Execute();
                _staged = 0;
            }
        }

        private void DisposeStatements()
        {
            _policy?.Dispose();
            _claim?.Dispose();
            _followUp?.Dispose();
            _run?.Dispose();
            _empty?.Dispose();
            _policy = _claim = _followUp = _run = _empty = null;
        }

        /// <summary>
        /// A file's rows are staged, a run of <see cref="LoadRunRows"/> at a time, in a temporary
        /// table in file order, without an index; each run then goes into the version table in one
        /// statement, sorted by its <see cref="StoreOrder"/> columns and line (SQLite's sorter, in
        /// memory). So a month's rows of the file sit together in the table, and the date indexes
        /// take their entries in order. An index on the stage cost more to keep than it saved in the
        /// sort (docs/performance-log.md). Within one file the later
        /// line of a duplicate key wins (SPEC §2.6): the upsert overwrites the version the file
        /// already wrote only with a later line, whichever of the two the order writes first.
        /// </summary>
        private RawStatement Prepare(VersionTable table)
        {
            if (_target is not null)
            {
                throw new InvalidOperationException("one load holds one dataset");
            }

            var list = table.ColumnList;
            using (var setUp = connection.CreateCommand())
            {
                setUp.Transaction = transaction;
                setUp.CommandText = $"SELECT coalesce(max(rowid), 0) FROM {table.Name}";
                _target = (table, (long)setUp.ExecuteScalar()!);
                setUp.CommandText = $"CREATE TEMP TABLE load_stage ({list})";
                setUp.ExecuteNonQuery();
            }

            string[] key = [.. table.Key, "ingest_id"];
            var updates = table.LoadColumns.Where(c => !key.Contains(c)).Select(c => $"{c} = excluded.{c}");
            _run = new RawStatement(
                connection.Handle!,
                $"INSERT INTO {table.Name} ({list}) SELECT {list} FROM temp.load_stage ORDER BY {table.Order}, line_no " +
                $"ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET {string.Join(", ", updates)} WHERE excluded.line_no > {table.Name}.line_no");
            _empty = new RawStatement(connection.Handle!, "DELETE FROM temp.load_stage");
            return new RawStatement(
                connection.Handle!,
                $"INSERT INTO temp.load_stage ({list}) VALUES ({string.Join(", ", table.LoadColumns.Select((_, i) => "?" + (i + 1)))})");
        }
    }

    /// <summary>
    /// A prepared statement on the connection (and so inside the transaction) of the load, bound
    /// through the native library directly: a file's rows are millions of executions, and both
    /// ADO.NET's per-parameter work and SQLitePCL's per-call handle bookkeeping were a large part of
    /// the load time (docs/performance.md). A row's text values are encoded as UTF-8 into a pinned
    /// buffer that SQLite reads in place (<c>SQLITE_STATIC</c>) until the statement is reset.
    /// </summary>
    /// <summary>The bind positions of <c>VersionTable.Policies</c>'s load, from its columns.</summary>
    private static class PolicyAt
    {
        public static readonly int InsurerCode = VersionTable.Policies.Position("insurer_code");
        public static readonly int PolicyNo = VersionTable.Policies.Position("policy_no");
        public static readonly int IngestId = VersionTable.Policies.Position("ingest_id");
        public static readonly int ExtractDate = VersionTable.Policies.Position("extract_date");
        public static readonly int LineNo = VersionTable.Policies.Position("line_no");
        public static readonly int Coverage = VersionTable.Policies.Position("coverage");
        public static readonly int BusinessType = VersionTable.Policies.Position("business_type");
        public static readonly int BranchCode = VersionTable.Policies.Position("branch_code");
        public static readonly int AdvisorId = VersionTable.Policies.Position("advisor_id");
        public static readonly int Vin = VersionTable.Policies.Position("vin");
        public static readonly int PlateNo = VersionTable.Policies.Position("plate_no");
        public static readonly int CustomerName = VersionTable.Policies.Position("customer_name");
        public static readonly int CustomerPhone = VersionTable.Policies.Position("customer_phone");
        public static readonly int IssueDate = VersionTable.Policies.Position("issue_date");
        public static readonly int EffectiveDate = VersionTable.Policies.Position("effective_date");
        public static readonly int ExpiryDate = VersionTable.Policies.Position("expiry_date");
        public static readonly int PremiumFen = VersionTable.Policies.Position("premium_fen");
        public static readonly int Status = VersionTable.Policies.Position("status");
        public static readonly int CancelDate = VersionTable.Policies.Position("cancel_date");
        public static readonly int RefundFen = VersionTable.Policies.Position("refund_fen");
    }

    /// <summary>The bind positions of <c>VersionTable.Claims</c>'s load, from its columns.</summary>
    private static class ClaimAt
    {
        public static readonly int InsurerCode = VersionTable.Claims.Position("insurer_code");
        public static readonly int ClaimNo = VersionTable.Claims.Position("claim_no");
        public static readonly int IngestId = VersionTable.Claims.Position("ingest_id");
        public static readonly int ExtractDate = VersionTable.Claims.Position("extract_date");
        public static readonly int LineNo = VersionTable.Claims.Position("line_no");
        public static readonly int PolicyNo = VersionTable.Claims.Position("policy_no");
        public static readonly int Vin = VersionTable.Claims.Position("vin");
        public static readonly int LossDate = VersionTable.Claims.Position("loss_date");
        public static readonly int ReportDate = VersionTable.Claims.Position("report_date");
        public static readonly int RepairBranchCode = VersionTable.Claims.Position("repair_branch_code");
        public static readonly int Referred = VersionTable.Claims.Position("referred");
        public static readonly int AssessedFen = VersionTable.Claims.Position("assessed_fen");
        public static readonly int PaidFen = VersionTable.Claims.Position("paid_fen");
        public static readonly int Status = VersionTable.Claims.Position("status");
        public static readonly int CloseDate = VersionTable.Claims.Position("close_date");
    }

    /// <summary>The bind positions of <c>VersionTable.FollowUps</c>'s load, from its columns.</summary>
    private static class FollowUpAt
    {
        public static readonly int FollowupId = VersionTable.FollowUps.Position("followup_id");
        public static readonly int IngestId = VersionTable.FollowUps.Position("ingest_id");
        public static readonly int ExtractDate = VersionTable.FollowUps.Position("extract_date");
        public static readonly int LineNo = VersionTable.FollowUps.Position("line_no");
        public static readonly int InsurerCode = VersionTable.FollowUps.Position("insurer_code");
        public static readonly int PolicyNo = VersionTable.FollowUps.Position("policy_no");
        public static readonly int BranchCode = VersionTable.FollowUps.Position("branch_code");
        public static readonly int AdvisorId = VersionTable.FollowUps.Position("advisor_id");
        public static readonly int ContactDate = VersionTable.FollowUps.Position("contact_date");
        public static readonly int Channel = VersionTable.FollowUps.Position("channel");
        public static readonly int Outcome = VersionTable.FollowUps.Position("outcome");
        public static readonly int LostReason = VersionTable.FollowUps.Position("lost_reason");
        public static readonly int Note = VersionTable.FollowUps.Position("note");
    }
}
