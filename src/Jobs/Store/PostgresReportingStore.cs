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

    private readonly NpgsqlDataSource _dataSource;

    public PostgresReportingStore(string connectionString, TimeProvider time)
        : base(time)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
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
            var w = Start(VersionTable.Policies);
            w.StartRow();
            w.Write(p.InsurerCode, NpgsqlDbType.Text);
            w.Write(p.PolicyNo, NpgsqlDbType.Text);
            Head(w, line);
            w.Write(p.Coverage.ToString(), NpgsqlDbType.Text);
            w.Write(p.BusinessType.ToString(), NpgsqlDbType.Text);
            Text(w, p.BranchCode);
            Text(w, p.AdvisorId);
            w.Write(p.Vin, NpgsqlDbType.Text);
            Text(w, p.PlateNo);
            Text(w, p.CustomerName);
            Text(w, p.CustomerPhone);
            w.Write(p.IssueDate, NpgsqlDbType.Date);
            w.Write(p.EffectiveDate, NpgsqlDbType.Date);
            w.Write(p.ExpiryDate, NpgsqlDbType.Date);
            w.Write(Fen(p.Premium), NpgsqlDbType.Bigint);
            w.Write(p.Status.ToString(), NpgsqlDbType.Text);
            Date(w, p.CancelDate);
            w.Write(Fen(p.RefundPremium), NpgsqlDbType.Bigint);
            _sums.Add(p);
        }

        public void Add(Claim c, int line)
        {
            var w = Start(VersionTable.Claims);
            w.StartRow();
            w.Write(c.InsurerCode, NpgsqlDbType.Text);
            w.Write(c.ClaimNo, NpgsqlDbType.Text);
            Head(w, line);
            w.Write(c.PolicyNo, NpgsqlDbType.Text);
            w.Write(c.Vin, NpgsqlDbType.Text);
            w.Write(c.LossDate, NpgsqlDbType.Date);
            w.Write(c.ReportDate, NpgsqlDbType.Date);
            Text(w, c.RepairBranchCode);
            w.Write(c.Referred, NpgsqlDbType.Boolean);
            w.Write(Fen(c.AssessedAmount), NpgsqlDbType.Bigint);
            w.Write(Fen(c.PaidAmount), NpgsqlDbType.Bigint);
            w.Write(c.Status.ToString(), NpgsqlDbType.Text);
            Date(w, c.CloseDate);
        }

        public void Add(FollowUp f, int line)
        {
            var w = Start(VersionTable.FollowUps);
            w.StartRow();
            w.Write(f.FollowUpId, NpgsqlDbType.Text);
            Head(w, line);
            w.Write(f.InsurerCode, NpgsqlDbType.Text);
            w.Write(f.PolicyNo, NpgsqlDbType.Text);
            Text(w, f.BranchCode);
            Text(w, f.AdvisorId);
            w.Write(f.ContactDate, NpgsqlDbType.Date);
            w.Write(f.Channel.ToString(), NpgsqlDbType.Text);
            w.Write(f.Outcome.ToString(), NpgsqlDbType.Text);
            Text(w, f.LostReason?.ToString());
            Text(w, f.Note);
        }

        public async Task CommitAsync(LoadCounts counts, IReadOnlyList<RowIssue> issues, DateTimeOffset finishedAt, CancellationToken cancellationToken = default)
        {
            if (_importer is not null && _table is not null)
            {
                await _importer.CompleteAsync(cancellationToken);
                await _importer.DisposeAsync();
                _importer = null;
                // Within one file the later line of a duplicate key wins (SPEC §2.6). The rows go
                // into the table in store order (StoreOrder), so a month's rows of the file sit together.
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO {_table.Name} ({_table.ColumnList}) SELECT {_table.ColumnList} FROM (" +
                    $"SELECT DISTINCT ON ({_table.KeyList}) {_table.ColumnList} FROM stage ORDER BY {_table.KeyList}, line_no DESC) latest " +
                    $"ORDER BY {_table.Order}, line_no",
                    transaction: transaction,
                    cancellationToken: cancellationToken,
                    commandTimeout: 0));
                // The file's rows, one per key as inserted, from the stage (the version tables have
                // no index by ingest).
                await store.KeepDerivedAsync(
                    connection,
                    transaction,
                    ingestId,
                    _table,
                    "stage",
                    $"(SELECT DISTINCT ON ({_table.KeyList}) * FROM stage ORDER BY {_table.KeyList}, line_no DESC)",
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

        private void Head(NpgsqlBinaryImporter w, int line)
        {
            w.Write(ingestId, NpgsqlDbType.Bigint);
            w.Write(extractDate, NpgsqlDbType.Date);
            w.Write(line, NpgsqlDbType.Integer);
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
}
