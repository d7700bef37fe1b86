using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// PostgreSQL, for a cluster of workers. A file's rows stream through binary <c>COPY</c> into a
/// temporary staging table and move into the version tables in one statement, all in one
/// transaction; an advisory lock per source keeps two workers from loading the same file twice.
/// </summary>
public sealed class PostgresReportingStore : SqlReportingStore, IAsyncDisposable
{
    private const long MigrationLockKey = 7_305_002_001;

    /// <summary>
    /// How each column of <c>policy_versions</c> is written to the COPY. The order is the table's
    /// (<see cref="VersionTable.LoadColumns"/>), the same list the COPY names, so the two cannot drift apart.
    /// </summary>
    private static readonly CopyColumn<Policy>[] PolicyCopy = InLoadOrder(VersionTable.Policies, new Dictionary<string, CopyColumn<Policy>>
    {
        ["insurer_code"] = (w, p, _) => w.Write(p.InsurerCode, NpgsqlDbType.Text),
        ["policy_no"] = (w, p, _) => w.Write(p.PolicyNo, NpgsqlDbType.Text),
        ["coverage"] = (w, p, _) => w.Write(p.Coverage.ToString(), NpgsqlDbType.Text),
        ["business_type"] = (w, p, _) => w.Write(p.BusinessType.ToString(), NpgsqlDbType.Text),
        ["branch_code"] = (w, p, _) => Text(w, p.BranchCode),
        ["advisor_id"] = (w, p, _) => Text(w, p.AdvisorId),
        ["vin"] = (w, p, _) => w.Write(p.Vin, NpgsqlDbType.Text),
        ["plate_no"] = (w, p, _) => Text(w, p.PlateNo),
        ["customer_name"] = (w, p, _) => Text(w, p.CustomerName),
        ["customer_phone"] = (w, p, _) => Text(w, p.CustomerPhone),
        ["issue_date"] = (w, p, _) => w.Write(p.IssueDate, NpgsqlDbType.Date),
        ["effective_date"] = (w, p, _) => w.Write(p.EffectiveDate, NpgsqlDbType.Date),
        ["expiry_date"] = (w, p, _) => w.Write(p.ExpiryDate, NpgsqlDbType.Date),
        ["premium_fen"] = (w, p, _) => w.Write(Fen(p.Premium), NpgsqlDbType.Bigint),
        ["status"] = (w, p, _) => w.Write(p.Status.ToString(), NpgsqlDbType.Text),
        ["cancel_date"] = (w, p, _) => Date(w, p.CancelDate),
        ["refund_fen"] = (w, p, _) => w.Write(Fen(p.RefundPremium), NpgsqlDbType.Bigint),
    });

    /// <summary>How each column of <c>claim_versions</c> is written to the COPY, in the table's load order.</summary>
    private static readonly CopyColumn<Claim>[] ClaimCopy = InLoadOrder(VersionTable.Claims, new Dictionary<string, CopyColumn<Claim>>
    {
        ["insurer_code"] = (w, c, _) => w.Write(c.InsurerCode, NpgsqlDbType.Text),
        ["claim_no"] = (w, c, _) => w.Write(c.ClaimNo, NpgsqlDbType.Text),
        ["policy_no"] = (w, c, _) => w.Write(c.PolicyNo, NpgsqlDbType.Text),
        ["vin"] = (w, c, _) => w.Write(c.Vin, NpgsqlDbType.Text),
        ["loss_date"] = (w, c, _) => w.Write(c.LossDate, NpgsqlDbType.Date),
        ["report_date"] = (w, c, _) => w.Write(c.ReportDate, NpgsqlDbType.Date),
        ["repair_branch_code"] = (w, c, _) => Text(w, c.RepairBranchCode),
        ["referred"] = (w, c, _) => w.Write(c.Referred, NpgsqlDbType.Boolean),
        ["assessed_fen"] = (w, c, _) => w.Write(Fen(c.AssessedAmount), NpgsqlDbType.Bigint),
        ["paid_fen"] = (w, c, _) => w.Write(Fen(c.PaidAmount), NpgsqlDbType.Bigint),
        ["status"] = (w, c, _) => w.Write(c.Status.ToString(), NpgsqlDbType.Text),
        ["close_date"] = (w, c, _) => Date(w, c.CloseDate),
    });

    /// <summary>How each column of <c>followup_versions</c> is written to the COPY, in the table's load order.</summary>
    private static readonly CopyColumn<FollowUp>[] FollowUpCopy = InLoadOrder(VersionTable.FollowUps, new Dictionary<string, CopyColumn<FollowUp>>
    {
        ["followup_id"] = (w, f, _) => w.Write(f.FollowUpId, NpgsqlDbType.Text),
        ["insurer_code"] = (w, f, _) => w.Write(f.InsurerCode, NpgsqlDbType.Text),
        ["policy_no"] = (w, f, _) => w.Write(f.PolicyNo, NpgsqlDbType.Text),
        ["branch_code"] = (w, f, _) => Text(w, f.BranchCode),
        ["advisor_id"] = (w, f, _) => Text(w, f.AdvisorId),
        ["contact_date"] = (w, f, _) => w.Write(f.ContactDate, NpgsqlDbType.Date),
        ["channel"] = (w, f, _) => w.Write(f.Channel.ToString(), NpgsqlDbType.Text),
        ["outcome"] = (w, f, _) => w.Write(f.Outcome.ToString(), NpgsqlDbType.Text),
        ["lost_reason"] = (w, f, _) => Text(w, f.LostReason?.ToString()),
        ["note"] = (w, f, _) => Text(w, f.Note),
    });

    /// <summary>
    /// The planner settings of the store's sessions, given ahead of any <c>Options</c> of the
    /// connection string (a later <c>-c</c> wins, so an operator can still set each one). The store
    /// runs its own reads side by side, each a bounded index read, so parallel workers only take
    /// cores from the reads beside them: the claims' policies of a 5M-book month were read by a
    /// parallel scan of the whole table in 1.1 s on three processes, and by the primary key in 0.5 s
    /// on one. Random reads cost about what sequential ones do on the SSD a store belongs on
    /// (docs/operations.md). JIT compiled 30–60 ms of code per query for queries of that size, and
    /// sorts of a month's keys fit in memory.
    /// </summary>
    internal const string SessionOptions = "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1 -c jit=off -c work_mem=32MB";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresReportingStore(string connectionString, TimeProvider time)
        : base(time)
    {
        _dataSource = NpgsqlDataSource.Create(WithSessionOptions(connectionString));
    }

    /// <summary>The connection string with <see cref="SessionOptions"/> ahead of its own <c>Options</c>.</summary>
    internal static string WithSessionOptions(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? SessionOptions : SessionOptions + " " + builder.Options;
        return builder.ConnectionString;
    }

    public override string Provider => Hosting.StoreProviders.Postgres;

    protected override string FileNameOrder => "COLLATE \"C\"";

    protected override string MonthOf(string dateColumn) => $"to_char({dateColumn}, 'YYYY-MM')";

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await MigrationRunner.ApplyAsync(
            connection,
            Provider,
            Time.GetUtcNow(),
            transaction => connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, transaction, cancellationToken: cancellationToken)),
            cancellationToken);
    }

    /// <summary>A transaction holding an advisory lock per source: two workers never load one source at once.</summary>
    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, string source, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext(@source))", new { source = "ingest:" + source }, transaction, cancellationToken: cancellationToken));
        return transaction;
    }

    protected override IExtractLoad CreateLoad(DbConnection connection, DbTransaction transaction, long ingestId, DateOnly extractDate) =>
        new Load(this, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction, ingestId, extractDate);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override void AddDate(DbCommand command, string name, DateOnly value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Date) { Value = value });

    /// <summary>The rows a file loads from which a load into an empty table builds its indexes afterwards (<c>DeferIndexesAsync</c>); fewer in tests.</summary>
    internal int DeferIndexesFromRows { get; init; } = 50_000;

    private sealed class Load(PostgresReportingStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, long ingestId, DateOnly extractDate) : IExtractLoad
    {
        private readonly PolicySums _sums = new();
        private NpgsqlBinaryImporter? _importer;
        private VersionTable? _table;
        private bool _committed;
        private bool _disposed;

        public long IngestId => ingestId;

        public void Add(Policy p, int line)
        {
            Write(VersionTable.Policies, PolicyCopy, p, line);
            _sums.Add(p);
        }

        public void Add(Claim c, int line) => Write(VersionTable.Claims, ClaimCopy, c, line);

        public void Add(FollowUp f, int line) => Write(VersionTable.FollowUps, FollowUpCopy, f, line);

        public async Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
        {
            if (_importer is not null && _table is not null)
            {
                await _importer.CompleteAsync(cancellationToken);
                await _importer.DisposeAsync();
                _importer = null;

                // Within one file the later line of a duplicate key wins (SPEC §2.6): a file with
                // duplicate keys goes in through DISTINCT ON; one without (most) needs no second sort.
                // The rows go into the table in store order (StoreOrder), so a month's rows of the
                // file sit together.
                var latest = counts.RowsDuplicate == 0
                    ? "stage"
                    : $"(SELECT DISTINCT ON ({_table.KeyList}) * FROM stage ORDER BY {_table.KeyList}, line_no DESC)";
                var deferred = counts.RowsLoaded >= store.DeferIndexesFromRows ? await DeferIndexesAsync(_table, cancellationToken) : [];
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO {_table.Name} ({_table.ColumnList}) SELECT {_table.ColumnList} FROM {latest} latest " +
                    $"ORDER BY {_table.Order}, line_no",
                    transaction: transaction,
                    cancellationToken: cancellationToken,
                    commandTimeout: 0));
                await RestoreIndexesAsync(_table, deferred, cancellationToken);

                // The file's rows, one per key as inserted, from the stage (the version tables have
                // no index by ingest).
                await store.MonthlySums.KeepDerivedAsync(
                    connection,
                    transaction,
                    ingestId,
                    _table,
                    "stage",
                    latest,
                    counts.RowsDuplicate == 0 ? _sums : null,
                    cancellationToken);
            }

            await SqlIngestLedger.CompleteLedgerAsync(connection, transaction, ingestId, counts, finishedAt, null, cancellationToken);
            await SqlIngestLedger.InsertIssuesAsync(connection, transaction, ingestId, issues, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_importer is not null)
            {
                try
                {
                    await _importer.DisposeAsync(); // cancels the COPY
                }
                catch (NpgsqlException)
                {
                    // The COPY was already broken; the rollback below discards it either way.
                }
            }

            if (!_committed)
            {
                try
                {
                    await transaction.RollbackAsync();
                }
                catch (InvalidOperationException)
                {
                    // The connection is already broken and the server has rolled back.
                }
            }

            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        /// <summary>
        /// A file's rows into an empty version table (the first file of a dataset: an insurer's
        /// history file, the first claims file) go in without the table's primary key and
        /// secondary indexes, which are dropped in the load's transaction and built again from
        /// their own definitions once the rows are in: on the 1M book's history file (654 016 rows)
        /// the insert took 4.88 s with the five date indexes and 2.83 s without, and building them
        /// 0.95 s; the primary key, which the store order writes at random, built afterwards too:
        /// the file 8.7–8.9 s → 7.2–8.0 s (docs/performance.md). The file's rows cannot repeat a
        /// key: the key holds the ingest, and a file's duplicate keys go in once (the later line);
        /// a row that did would fail the key's build, and the load with it. Into a table that holds
        /// rows a build would read them all, so the indexes stay; a small file is not worth it
        /// either. The DROP locks the table until the commit: a reader of the (empty) table waits
        /// for the load. A failed load rolls back, the key and indexes with it.
        /// </summary>
        private async Task<IReadOnlyList<DeferredIndex>> DeferIndexesAsync(VersionTable table, CancellationToken cancellationToken)
        {
            var empty = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT NOT EXISTS (SELECT 1 FROM {table.Name})", transaction: transaction, cancellationToken: cancellationToken));
            if (!empty)
            {
                return [];
            }

            // The primary key as a constraint (its index goes with it), the others as indexes.
            var indexes = (await connection.QueryAsync<DeferredIndex>(new CommandDefinition(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS Name, " +
                "CASE WHEN x.indisprimary THEN 'ALTER TABLE ' || x.indrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) " +
                "ELSE pg_get_indexdef(x.indexrelid) END AS Definition, x.indisclustered AS Clustered, " +
                "CASE WHEN x.indisprimary THEN quote_ident(c.conname) END AS KeyConstraint " +
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace " +
                "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.contype = 'p' " +
                $"WHERE x.indrelid = '{table.Name}'::regclass AND (x.indisprimary OR NOT x.indisunique) ORDER BY x.indisprimary DESC, i.relname",
                transaction: transaction,
                cancellationToken: cancellationToken))).ToList();
            foreach (var key in indexes.Where(i => i.KeyConstraint is not null))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"ALTER TABLE {table.Name} DROP CONSTRAINT {key.KeyConstraint}", transaction: transaction, cancellationToken: cancellationToken));
            }

            var others = indexes.Where(i => i.KeyConstraint is null).Select(i => i.Name).ToList();
            if (others.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DROP INDEX " + string.Join(", ", others), transaction: transaction, cancellationToken: cancellationToken));
            }

            return indexes;
        }

        /// <summary>The key and indexes <see cref="DeferIndexesAsync"/> dropped, built again (with room to sort in memory), the clustered one marked again.</summary>
        private async Task RestoreIndexesAsync(VersionTable table, IReadOnlyList<DeferredIndex> indexes, CancellationToken cancellationToken)
        {
            if (indexes.Count == 0)
            {
                return;
            }

            await connection.ExecuteAsync(new CommandDefinition("SET LOCAL maintenance_work_mem = '256MB'", transaction: transaction, cancellationToken: cancellationToken));
            foreach (var index in indexes)
            {
                await connection.ExecuteAsync(new CommandDefinition(index.Definition, transaction: transaction, cancellationToken: cancellationToken, commandTimeout: 0));
                if (index.Clustered)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        $"ALTER TABLE {table.Name} CLUSTER ON {index.Name[(index.Name.IndexOf('.', StringComparison.Ordinal) + 1)..]}", transaction: transaction, cancellationToken: cancellationToken));
                }
            }
        }

        /// <summary>One row into the COPY: its columns in the order the table's load lists them.</summary>
        private void Write<T>(VersionTable table, CopyColumn<T>[] columns, T row, int line)
        {
            var w = Start(table);
            w.StartRow();
            var head = new RowHead(ingestId, extractDate, line);
            foreach (var column in columns)
            {
                column(w, row, head);
            }
        }

        private NpgsqlBinaryImporter Start(VersionTable table)
        {
            if (_importer is not null)
            {
                return _table == table ? _importer : throw new InvalidOperationException("one load holds one dataset");
            }

            using (var create = connection.CreateCommand())
            {
                create.Transaction = transaction;
                create.CommandText = $"CREATE TEMP TABLE stage (LIKE {table.Name}) ON COMMIT DROP";
                create.ExecuteNonQuery();
            }

            _table = table;
            _importer = connection.BeginBinaryImport($"COPY stage ({table.ColumnList}) FROM STDIN (FORMAT BINARY)");
            return _importer;
        }
    }

    /// <summary>
    /// A table's columns in its load order, each record column from <paramref name="columns"/> and
    /// the load's own three (ingest, extract date, line) added here. A column the table loads and
    /// the map lacks, or the other way round, fails the type's initialisation: the first load on
    /// PostgreSQL in any test says so.
    /// </summary>
    private static CopyColumn<T>[] InLoadOrder<T>(VersionTable table, Dictionary<string, CopyColumn<T>> columns)
    {
        columns["ingest_id"] = (w, _, h) => w.Write(h.IngestId, NpgsqlDbType.Bigint);
        columns["extract_date"] = (w, _, h) => w.Write(h.ExtractDate, NpgsqlDbType.Date);
        columns["line_no"] = (w, _, h) => w.Write(h.Line, NpgsqlDbType.Integer);
        var unmatched = table.LoadColumns.Except(columns.Keys).Concat(columns.Keys.Except(table.LoadColumns)).ToList();
        return unmatched.Count == 0
            ? [.. table.LoadColumns.Select(c => columns[c])]
            : throw new InvalidOperationException($"{table.Name}: the COPY's columns and the table's load columns differ in {string.Join(", ", unmatched)}");
    }

    private static void Text(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null)
        {
            w.WriteNull();
        }
        else
        {
            w.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void Date(NpgsqlBinaryImporter w, DateOnly? value)
    {
        if (value is { } d)
        {
            w.Write(d, NpgsqlDbType.Date);
        }
        else
        {
            w.WriteNull();
        }
    }

    /// <summary>An index a load into an empty table builds after its rows: its statement, and the constraint when it is the primary key.</summary>
    private sealed record DeferredIndex(string Name, string Definition, bool Clustered, string? KeyConstraint);

    /// <summary>Writes one column of a row to the COPY.</summary>
    private delegate void CopyColumn<in T>(NpgsqlBinaryImporter w, T row, RowHead head);

    /// <summary>What a load writes beside each row's own columns.</summary>
    private readonly record struct RowHead(long IngestId, DateOnly ExtractDate, int Line);
}
