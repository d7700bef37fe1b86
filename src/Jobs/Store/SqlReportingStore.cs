// Why this file is long (about 680 lines): it still holds two of the store's roles, the as-of reads
// with their merge and the monthly sums with the data a load keeps (superseded_on, claim deltas,
// policy sums). The ledger (SqlIngestLedger) and the run log (SqlRunLog) are already types of their
// own; these two are the next to split out (issue 16, part 1), which is not done yet.
using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Dapper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// What both providers share: the as-of reads, the monthly sums and the data a load keeps besides
/// its rows are plain SQL that SQLite and PostgreSQL both run. Only connections, locking and bulk
/// loading differ. The ledger and the issues are <see cref="SqlIngestLedger"/>'s, the run history,
/// claims and delivery log <see cref="SqlRunLog"/>'s; this class answers for them on its connections.
/// </summary>
public abstract partial class SqlReportingStore : IReportingStore
{
    /// <summary>Rejects and warnings stored per file; the ledger always has the full counts.</summary>
    public const int MaxStoredIssues = 10_000;

    private const string PolicyColumns =
        "insurer_code, policy_no, coverage, business_type, branch_code, advisor_id, vin, plate_no, customer_name, customer_phone, " +
        "issue_date, effective_date, expiry_date, premium_fen, status, cancel_date, refund_fen";

    private const string ClaimColumns =
        "insurer_code, claim_no, policy_no, vin, loss_date, report_date, repair_branch_code, referred, assessed_fen, paid_fen, status, close_date";

    private const string FollowUpColumns =
        "followup_id, insurer_code, policy_no, branch_code, advisor_id, contact_date, channel, outcome, lost_reason, note";

    private readonly SqlIngestLedger _ledger;
    private readonly SqlRunLog _runs;

    protected SqlReportingStore(TimeProvider time)
    {
        Time = time;
        DapperTypeHandlers.Register();
        _runs = new SqlRunLog(OpenAsync);
        _ledger = new SqlIngestLedger(OpenAsync, time);
    }

    public abstract string Provider { get; }

    protected TimeProvider Time { get; }

    /// <summary>How this provider orders file names and keys: byte order, the same on both providers.</summary>
    protected abstract string FileNameOrder { get; }

    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    public async Task<IExtractLoad?> BeginLoadAsync(LoadHeader header, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            var transaction = await BeginWriteAsync(connection, header.Source, cancellationToken);
            if (await SqlIngestLedger.FindLoadedAsync(connection, transaction, header, cancellationToken) is not null)
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }

            var id = await SqlIngestLedger.InsertLedgerAsync(connection, transaction, header, IngestStatus.LOADED, cancellationToken);
            return CreateLoad(connection, transaction, id, header.ExtractDate);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<long> RecordFailureAsync(LoadHeader header, LoadCounts counts, string failure, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken = default) =>
        _ledger.RecordFailureAsync(header, counts, failure, issues, cancellationToken);

    public Task<IngestEntry?> FindLoadedAsync(LoadHeader header, CancellationToken cancellationToken = default) =>
        _ledger.FindLoadedAsync(header, cancellationToken);

    public Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) =>
        _ledger.GetLedgerAsync(source, cancellationToken);

    public async Task<IReadOnlyList<CohortFinal>> GetCohortFinalsAsync(string firstMonth, string lastMonth, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CohortFinalRow>(new CommandDefinition(
            "SELECT month AS Month, branch_code AS Branch, due AS Due, renewed AS Renewed, as_of AS AsOf FROM cohort_finals " +
            "WHERE month >= @firstMonth AND month <= @lastMonth ORDER BY month, branch_code",
            new { firstMonth, lastMonth },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CohortFinal(r.Month, r.Branch, r.Due, r.Renewed, r.AsOf))];
    }

    public async Task SaveCohortFinalsAsync(IReadOnlyList<CohortFinal> finals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finals);
        if (finals.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO cohort_finals (month, branch_code, due, renewed, as_of) VALUES (@Month, @Branch, @Due, @Renewed, @AsOf) " +
            "ON CONFLICT (month, branch_code) DO NOTHING",
            finals,
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<RowIssue>> GetIssuesAsync(long ingestId, CancellationToken cancellationToken = default) =>
        _ledger.GetIssuesAsync(ingestId, cancellationToken);

    public async Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default) =>
        (await GetPolicyVersionsAsync(asOf, selection, cancellationToken)).Select(v => v.Policy).ToList();

    public async Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default)
    {
        selection ??= PolicySelection.All;
        if (selection.EffectiveOnExpiryVins && (selection.Expiry is null || selection.Effective is null))
        {
            throw new ArgumentException("Renewal candidates on the cohort's VINs need both an expiry and an effective range.", nameof(selection));
        }

        // Each term of the selection is its own query, read side by side: one index each, where
        // SQLite's OR of five indexes re-checks every term on every row. A key's latest version is
        // the same row whichever term found it, so the union keeps one per key.
        var terms = new List<(string? Filter, DateRange[] Ranges)>();
        static string Range(string column, int n) =>
            string.Create(CultureInfo.InvariantCulture, $"{column} >= @from{n} AND {column} <= @to{n}");

        string OfCoverage(string column) => selection.ExpiringCoverage is { } only ? $" AND {CoverageIs(column, only)}" : "";
        if (selection.Expiry is { } e)
        {
            terms.Add((Range("expiry_date", 0) + OfCoverage("coverage"), [e]));
        }

        if (selection.Effective is { } f)
        {
            // The cohort's VINs as a set (any version of a policy expiring in the range): the
            // candidates are read by the effective_date index and kept when their VIN is in it.
            terms.Add(selection.EffectiveOnExpiryVins
                ? ($"{Range("effective_date", 0)}{OfCoverage("coverage")} AND vin IN " +
                   $"(SELECT v.vin FROM policy_versions v WHERE v.extract_date <= @asOf AND {Range("v.expiry_date", 1)}{OfCoverage("v.coverage")})",
                   [f, selection.Expiry.GetValueOrDefault()])
                : (Range("effective_date", 0) + OfCoverage("coverage"), [f]));
        }

        if (selection.Issue is { } i)
        {
            terms.Add((Range("issue_date", 0), [i]));
        }

        if (selection.Cancel is { } c)
        {
            terms.Add((Range("cancel_date", 0), [c]));
        }

        if (selection.ClaimsReported is { } claimed)
        {
            // A semi-join through the claims reported in the range (a small set, by the report_date
            // index), not a correlated probe per policy row.
            terms.Add((
                "(insurer_code, policy_no) IN (SELECT c.insurer_code, c.policy_no FROM claim_versions c " +
                $"WHERE c.extract_date <= @asOf AND {Range("c.report_date", 0)})",
                [claimed]));
        }

        if (terms.Count == 0)
        {
            terms.Add((null, []));
        }

        var columns = selection.WithoutPersonalData
            ? PolicyColumns.Replace("plate_no, customer_name, customer_phone", "NULL, NULL, NULL", StringComparison.Ordinal)
            : PolicyColumns;
        // Each term's rows sorted as they arrive, side by side, then merged: key order (byte order,
        // as both providers compare keys), so every read is deterministic, and a key two terms
        // both found is kept once.
        var reads = await Task.WhenAll(terms.Select(async t =>
        {
            var read = await QueryAsync(AsOfSql(VersionTable.Policies.Name, columns + ", ingest_id", t.Filter), asOf, t.Ranges, KeyedPolicyVersion, cancellationToken);
            CollectionsMarshal.AsSpan(read).Sort(default(KeyOrder));
            return read;
        }));
        return Merge(reads);
    }

    /// <summary>Sorted lists of versions merged into one, each key once (the same latest version, whichever list has it).</summary>
    private static List<PolicyVersion> Merge(List<Keyed>[] sorted)
    {
        var merged = new List<PolicyVersion>(sorted.Sum(s => s.Count));
        var last = default(Keyed);
        var next = new int[sorted.Length];
        var order = default(KeyOrder);
        while (true)
        {
            var least = -1;
            for (var i = 0; i < sorted.Length; i++)
            {
                if (next[i] < sorted[i].Count && (least < 0 || order.Compare(sorted[i][next[i]], sorted[least][next[least]]) < 0))
                {
                    least = i;
                }
            }

            if (least < 0)
            {
                return merged;
            }

            var version = sorted[least][next[least]++];
            if (merged.Count == 0 || order.Compare(last, version) != 0)
            {
                merged.Add(version.Version);
                last = version;
            }
        }
    }

    private static Keyed KeyedPolicyVersion(StoreRow row)
    {
        var version = ReadPolicyVersion(row);
        return new Keyed(version.Policy.InsurerCode, version.Policy.PolicyNo, version);
    }

    private static PolicyVersion ReadPolicyVersion(StoreRow row) => new(
        new Policy(
            row.SharedText(0), row.Text(1), row.Code<Coverage>(2), row.Code<BusinessType>(3),
            row.NullableSharedText(4), row.NullableSharedText(5), row.Text(6), row.NullableText(7), row.NullableText(8), row.NullableText(9),
            row.DateValue(10), row.DateValue(11), row.DateValue(12),
            Yuan(row.Number(13)), row.Code<PolicyStatus>(14), row.NullableDateValue(15), Yuan(row.Number(16))),
        row.Number(17));

    /// <remarks>
    /// The premium and refunds come from the sums each file kept as it loaded, less the versions
    /// superseded as of D, and the claims from the changes kept per date; see
    /// <see cref="BranchMonthTotalsSql"/>.
    /// </remarks>
    public async Task<IReadOnlyList<Metrics.BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default)
    {
        var months = new DateRange(Metrics.BusinessMonth.Of(period.From).First, Metrics.BusinessMonth.Of(period.To).Last);
        var rows = await QueryAsync(BranchMonthTotalsSql, asOf, [months], row => (
            Key: (Branch: row.Text(0), Insurer: row.Text(1), Month: Metrics.BusinessMonth.Parse(row.Text(2))),
            Issued: row.Number(3),
            Refund: row.Number(4),
            Claims: row.Number(5)), cancellationToken);

        // A month whose only version was superseded nets to zero: no row, as in BranchMonthTotals.From.
        return [.. rows
            .GroupBy(r => r.Key)
            .Select(g => new Metrics.BranchMonthTotals(
                g.Key.Branch, g.Key.Insurer, g.Key.Month, Yuan(g.Sum(r => r.Issued)), Yuan(g.Sum(r => r.Refund)), Yuan(g.Sum(r => r.Claims))))
            .Where(t => !t.IsZero)
            .OrderBy(t => t.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Insurer, StringComparer.Ordinal)
            .ThenBy(t => t.Month)];
    }

    public async Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported = null, CancellationToken cancellationToken = default)
    {
        var filter = reported is null ? null : "(report_date >= @from0 AND report_date <= @to0)";
        var sql = AsOfSql(VersionTable.Claims, ClaimColumns, filter);
        return await QueryAsync(sql, asOf, reported is { } r ? [r] : [], row => new Claim(
            row.SharedText(0), row.Text(1), row.Text(2), row.Text(3), row.DateValue(4), row.DateValue(5), row.NullableSharedText(6),
            row.Flag(7), Yuan(row.Number(8)), Yuan(row.Number(9)), row.Code<ClaimStatus>(10), row.NullableDateValue(11)), cancellationToken);
    }

    public async Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry = null, Coverage? policyCoverage = null, CancellationToken cancellationToken = default)
    {
        // The policy filter looks at any version of the policy seen by the run; the metrics decide
        // from the policy's latest version which follow-ups matter, so a wider net is harmless.
        // A semi-join: the policies expiring in the range (by the expiry index), then their
        // follow-ups (by the policy index) — not a probe for every follow-up in the store. The
        // coverage narrows the policies expiring in the range; alone, it narrows nothing.
        var filter = policyExpiry is null
            ? null
            : "(insurer_code, policy_no) IN (SELECT p.insurer_code, p.policy_no FROM policy_versions p " +
              "WHERE p.extract_date <= @asOf AND p.expiry_date >= @from0 AND p.expiry_date <= @to0" +
              (policyCoverage is { } only ? " AND " + CoverageIs("p.coverage", only) : "") + ")";
        var sql = AsOfSql(VersionTable.FollowUps, FollowUpColumns, filter);
        return await QueryAsync(sql, asOf, policyExpiry is { } r ? [r] : [], row => new FollowUp(
            row.Text(0), row.SharedText(1), row.Text(2), row.NullableSharedText(3), row.NullableSharedText(4), row.DateValue(5),
            row.Code<ContactChannel>(6), row.Code<FollowUpOutcome>(7), row.NullableCode<LostReason>(8), row.NullableText(9)), cancellationToken);
    }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins the transaction a file loads in, holding whatever lock keeps two loads of a source apart.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, string source, CancellationToken cancellationToken);

    /// <summary>The provider's bulk writer for one file, inside <paramref name="transaction"/>.</summary>
    protected abstract IExtractLoad CreateLoad(DbConnection connection, DbTransaction transaction, long ingestId, DateOnly extractDate);

    protected internal static long Fen(decimal yuan) => checked((long)(yuan * 100m));

    protected internal static decimal Yuan(long fen) => fen / 100m;

    protected static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected abstract void AddDate(DbCommand command, string name, DateOnly value);

    /// <summary>Runs an as-of read: <c>@asOf</c>, then <c>@fromN</c>/<c>@toN</c> for each range, one record per row.</summary>
    /// <remarks>
    /// Runs on the thread pool, on its own connection: the reads a report starts run side by side.
    /// </remarks>
    protected virtual Task<List<T>> QueryAsync<T>(string sql, DateOnly asOf, IReadOnlyList<DateRange> ranges, Func<StoreRow, T> read, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                AddDate(command, "asOf", asOf);
                for (var n = 0; n < ranges.Count; n++)
                {
                    AddDate(command, "from" + n.ToString(CultureInfo.InvariantCulture), ranges[n].From);
                    AddDate(command, "to" + n.ToString(CultureInfo.InvariantCulture), ranges[n].To);
                }

                var result = new List<T>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var row = new DataReaderRow(reader);
                while (await reader.ReadAsync(cancellationToken))
                {
                    result.Add(read(row));
                }

                return result;
            },
            cancellationToken);

    /// <summary>The sums behind <see cref="GetBranchMonthTotalsAsync"/> for the months of <c>@from0</c> … <c>@to0</c>.</summary>
    private string BranchMonthTotalsSql
    {
        get
        {
            // Premium and refunds: the sums each file kept as it loaded (ingest_month_sums), of the
            // files the run sees, less what the versions superseded as of D put in them. Those are
            // few, and read first by the partial index on superseded_on (materialised, or the
            // planner prefers the far less selective issue_date index). Claims: the changes kept
            // per date (claim_month_deltas, KeepClaimDeltasAsync) up to D.
            return
                "WITH superseded AS MATERIALIZED (SELECT p.branch_code, p.insurer_code, p.issue_date, p.premium_fen, p.status, p.cancel_date, p.refund_fen " +
                "FROM policy_versions p WHERE p.superseded_on IS NOT NULL AND p.superseded_on <= @asOf AND p.extract_date <= @asOf AND p.branch_code <> '') " +
                "SELECT s.branch_code, s.insurer_code, s.month, CAST(SUM(s.issued_fen) AS BIGINT), CAST(SUM(s.refund_fen) AS BIGINT), CAST(0 AS BIGINT) " +
                "FROM ingest_month_sums s JOIN ingest_ledger l ON l.ingest_id = s.ingest_id " +
                $"WHERE l.status = 'LOADED' AND l.extract_date <= @asOf AND s.month >= {MonthOf("@from0")} AND s.month <= {MonthOf("@to0")} " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                $"SELECT p.branch_code, p.insurer_code, {MonthOf("p.issue_date")}, CAST(-SUM(p.premium_fen) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) " +
                "FROM superseded p WHERE p.issue_date >= @from0 AND p.issue_date <= @to0 " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                $"SELECT p.branch_code, p.insurer_code, {MonthOf("p.cancel_date")}, CAST(0 AS BIGINT), CAST(-SUM(p.refund_fen) AS BIGINT), CAST(0 AS BIGINT) " +
                "FROM superseded p WHERE p.cancel_date >= @from0 AND p.cancel_date <= @to0 AND p.status = 'CANCELLED' " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                "SELECT d.branch_code, d.insurer_code, d.month, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(SUM(d.claims_fen) AS BIGINT) " +
                $"FROM claim_month_deltas d WHERE d.on_date <= @asOf AND d.month >= {MonthOf("@from0")} AND d.month <= {MonthOf("@to0")} " +
                "GROUP BY 1, 2, 3";
        }
    }

    /// <summary>
    /// What a file's load keeps besides its rows, in its transaction, once its rows are in:
    /// the superseded_on dates of the keys it gave a new version (<see cref="SupersedeAsync"/>),
    /// the claims' changes of the policies it touches (<see cref="KeepClaimDeltasAsync"/>) and, for
    /// policies, the file's premium sums (<see cref="KeepPolicySumsAsync"/>).
    /// <paramref name="fileRows"/> is a subquery of the file's rows (each key once or more, columns
    /// as in the version table); <paramref name="loadedRows"/> one row per key as stored.
    /// </summary>
    protected async Task KeepDerivedAsync(
        DbConnection connection, DbTransaction transaction, long ingestId, VersionTable table, string fileRows, string loadedRows, PolicySums? sums, CancellationToken cancellationToken)
    {
        // The first file of a dataset (a new store's history file, the largest of all) has no
        // other version of any key to supersede and no pair of versions before it to take off;
        // nor do a dataset's claims pairs exist while the other side of the pair has no rows. The
        // version tables only hold rows of files the ledger records as loaded, in the same
        // transaction, so the ledger answers the first question without reading the table.
        var others = await AnyAsync(
            connection, transaction, "SELECT 1 FROM ingest_ledger WHERE dataset = @dataset AND status = 'LOADED' AND ingest_id <> @id",
            new { dataset = table.Dataset.ToString(), id = ingestId }, cancellationToken);
        switch (table.Dataset)
        {
            case ExtractDataset.Policies:
                // Only the file's policies that have claims can change a claims' sum.
                var withClaims =
                    $"SELECT DISTINCT f.insurer_code, f.policy_no FROM {fileRows} f " +
                    "WHERE EXISTS (SELECT 1 FROM claim_versions c WHERE c.insurer_code = f.insurer_code AND c.policy_no = f.policy_no)";
                var claims = await AnyAsync(connection, transaction, "SELECT 1 FROM claim_versions", null, cancellationToken);
                await SupersedeKeepingPairsAsync(claims ? withClaims : null);
                await KeepPolicySumsAsync(connection, transaction, ingestId, sums, loadedRows, cancellationToken);
                break;
            case ExtractDataset.Claims:
                var policies = await AnyAsync(connection, transaction, "SELECT 1 FROM policy_versions", null, cancellationToken);
                await SupersedeKeepingPairsAsync(policies ? $"SELECT DISTINCT f.insurer_code, f.policy_no FROM {fileRows} f" : null);
                break;
            case ExtractDataset.FollowUps:
                await SupersedeKeepingPairsAsync(null);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(table), table.Dataset, null);
        }

        // The claims' pairs of the policies in pairedPolicies (null: the file can touch none)
        // come off as they were, the file's keys supersede, and the pairs go back in as they are.
        async Task SupersedeKeepingPairsAsync(string? pairedPolicies)
        {
            if (pairedPolicies is not null && others)
            {
                await KeepClaimDeltasAsync(connection, transaction, ingestId, pairedPolicies, before: true, cancellationToken);
            }

            if (others)
            {
                await SupersedeAsync(connection, transaction, ingestId, table, fileRows, cancellationToken);
            }

            if (pairedPolicies is not null)
            {
                await KeepClaimDeltasAsync(connection, transaction, ingestId, pairedPolicies, before: false, cancellationToken);
            }
        }
    }

    private static async Task<bool> AnyAsync(DbConnection connection, DbTransaction transaction, string query, object? parameters, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT CASE WHEN EXISTS ({query}) THEN 1 ELSE 0 END", parameters, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>
    /// Sets superseded_on for every version of the keys of <paramref name="fileRows"/> that another
    /// file also holds: the extract date of the key's next version by extract date, file name and
    /// load order, NULL for its latest. A key only this file holds keeps NULL, so a file of new keys
    /// costs one probe of the primary key per row. The keys are joined to their versions, not
    /// tested with <c>IN</c>: for claims SQLite then took the (insurer, policy) index with the
    /// insurer alone and read every claim of the insurer, a cost that grows with the store
    /// (docs/performance-log.md).
    /// </summary>
    private async Task SupersedeAsync(DbConnection connection, DbTransaction transaction, long ingestId, VersionTable table, string fileRows, CancellationToken cancellationToken)
    {
        string On(string left, string right) => string.Join(" AND ", table.Key.Select(k => $"{left}.{k} = {right}.{k}"));
        var versionKey = string.Join(", ", table.Key.Select(k => "v." + k));
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {table.Name} SET superseded_on = n.next_date FROM (" +
            $"SELECT {versionKey}, v.ingest_id, LEAD(v.extract_date) OVER (PARTITION BY {versionKey} " +
            $"ORDER BY v.extract_date, l.file_name {FileNameOrder}, v.ingest_id) AS next_date " +
            $"FROM (SELECT DISTINCT {string.Join(", ", table.Key.Select(k => "f." + k))} FROM {fileRows} f " +
            $"WHERE EXISTS (SELECT 1 FROM {table.Name} o WHERE {On("o", "f")} AND o.ingest_id <> @id)) k " +
            $"JOIN {table.Name} v ON {On("v", "k")} JOIN ingest_ledger l ON l.ingest_id = v.ingest_id) n " +
            $"WHERE {On(table.Name, "n")} AND {table.Name}.ingest_id = n.ingest_id AND {table.Name}.superseded_on IS DISTINCT FROM n.next_date",
            new { id = ingestId },
            transaction,
            commandTimeout: 0,
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Rewrites the claims' changes (claim_month_deltas, migration 0006) of the policies of
    /// <paramref name="policyKeys"/> (a subquery of insurer_code, policy_no): a claim counts, on
    /// the branch of its policy, while both its version and its policy's are the latest, from the
    /// later of their extract dates until the earlier superseded_on. Run once with
    /// <paramref name="before"/> (the pairs without this file's rows, as the superseded_on dates
    /// were before it, taken off) before <see cref="SupersedeAsync"/>, and once after it (the
    /// pairs with them, put in): the difference is what the file changed.
    /// </summary>
    private async Task KeepClaimDeltasAsync(DbConnection connection, DbTransaction transaction, long ingestId, string policyKeys, bool before, CancellationToken cancellationToken)
    {
        // Before the file, its pairs come off (start negative, end positive); after it they go in.
        var (starts, ends) = before ? ("-", "") : ("", "-");
        var others = before ? "AND c.ingest_id <> @id AND p.ingest_id <> @id " : "";
        var pairs =
            $"SELECT p.branch_code, c.insurer_code, {MonthOf("c.report_date")} AS month, c.assessed_fen AS fen, " +
            "CASE WHEN c.extract_date >= p.extract_date THEN c.extract_date ELSE p.extract_date END AS live_from, " +
            "CASE WHEN c.superseded_on IS NULL THEN p.superseded_on " +
            "WHEN p.superseded_on IS NULL OR c.superseded_on <= p.superseded_on THEN c.superseded_on ELSE p.superseded_on END AS live_to " +
            "FROM claim_versions c JOIN policy_versions p ON p.insurer_code = c.insurer_code AND p.policy_no = c.policy_no " +
            $"WHERE (c.insurer_code, c.policy_no) IN ({policyKeys}) AND c.status <> 'WITHDRAWN' AND p.branch_code <> '' {others}";
        await connection.ExecuteAsync(new CommandDefinition(
            $"WITH pairs AS ({pairs}) " +
            "INSERT INTO claim_month_deltas (on_date, branch_code, insurer_code, month, claims_fen) " +
            "SELECT on_date, branch_code, insurer_code, month, SUM(fen) FROM (" +
            $"SELECT live_from AS on_date, branch_code, insurer_code, month, {starts}fen AS fen FROM pairs WHERE live_to IS NULL OR live_to > live_from " +
            "UNION ALL " +
            $"SELECT live_to, branch_code, insurer_code, month, {ends}fen FROM pairs WHERE live_to > live_from" +
            ") d GROUP BY on_date, branch_code, insurer_code, month HAVING SUM(fen) <> 0 " +
            "ON CONFLICT (on_date, branch_code, insurer_code, month) DO UPDATE SET claims_fen = claim_month_deltas.claims_fen + excluded.claims_fen",
            new { id = ingestId },
            transaction,
            commandTimeout: 0,
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Keeps the monthly premium sums of the policies a file loaded; see
    /// <see cref="BranchMonthTotalsSql"/>. The sums come from <paramref name="sums"/>, added up as
    /// the rows went in, when the file had no duplicate key (each row is then one version);
    /// otherwise from the rows stored (<paramref name="loadedRows"/>), where the later line of a
    /// duplicate key has replaced the earlier.
    /// </summary>
    private async Task KeepPolicySumsAsync(
        DbConnection connection, DbTransaction transaction, long ingestId, PolicySums? sums, string loadedRows, CancellationToken cancellationToken)
    {
        const string Insert = "INSERT INTO ingest_month_sums (ingest_id, branch_code, insurer_code, month, issued_fen, refund_fen) ";
        if (sums is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Insert + "VALUES (@IngestId, @Branch, @Insurer, @Month, @Issued, @Refund)",
                sums.Rows(ingestId),
                transaction,
                cancellationToken: cancellationToken));
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            Insert + "SELECT @id, branch_code, insurer_code, month, SUM(issued), SUM(refund) FROM (" +
            $"SELECT n.branch_code, n.insurer_code, {MonthOf("n.issue_date")} AS month, n.premium_fen AS issued, 0 AS refund " +
            $"FROM {loadedRows} n WHERE n.branch_code <> '' " +
            "UNION ALL " +
            $"SELECT n.branch_code, n.insurer_code, {MonthOf("n.cancel_date")}, 0, n.refund_fen " +
            $"FROM {loadedRows} n WHERE n.branch_code <> '' AND n.status = 'CANCELLED' AND n.cancel_date IS NOT NULL" +
            ") s GROUP BY branch_code, insurer_code, month",
            new { id = ingestId },
            transaction,
            commandTimeout: 0,
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The sums of <c>ingest_month_sums</c> added up row by row as a file loads, as
    /// <see cref="Metrics.BranchMonthTotals.From"/> adds them: premium by issue month and refunds of
    /// cancellations by cancel month, policies with a branch only, in fen.
    /// </summary>
    protected sealed class PolicySums
    {
        private readonly Dictionary<(string Branch, string Insurer, int Month), (long Issued, long Refund)> _sums = [];

        public void Add(Policy policy)
        {
            ArgumentNullException.ThrowIfNull(policy);
            if (!Metrics.MetricsKeys.HasText(policy.BranchCode))
            {
                return;
            }

            Add((policy.BranchCode!, policy.InsurerCode, (policy.IssueDate.Year * 100) + policy.IssueDate.Month), Fen(policy.Premium), 0);
            if (policy.CancelledOn is { } cancelled)
            {
                Add((policy.BranchCode!, policy.InsurerCode, (cancelled.Year * 100) + cancelled.Month), 0, Fen(policy.RefundPremium));
            }
        }

        /// <summary>The rows to insert, in key order.</summary>
        public IEnumerable<object> Rows(long ingestId) => _sums
            .OrderBy(s => s.Key.Branch, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Insurer, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Month)
            .Select(s => new
            {
                IngestId = ingestId,
                s.Key.Branch,
                s.Key.Insurer,
                Month = string.Create(CultureInfo.InvariantCulture, $"{s.Key.Month / 100:0000}-{s.Key.Month % 100:00}"),
                s.Value.Issued,
                s.Value.Refund,
            });

        private void Add((string, string, int) key, long issued, long refund)
        {
            var (i, r) = _sums.GetValueOrDefault(key);
            _sums[key] = (i + issued, r + refund);
        }
    }

    /// <summary>A <c>cohort_finals</c> row as Dapper reads it (SQLite's integers are 64-bit, PostgreSQL's columns BIGINT).</summary>
    private sealed class CohortFinalRow
    {
        public string Month { get; set; } = "";

        public string Branch { get; set; } = "";

        public long Due { get; set; }

        public long Renewed { get; set; }

        public DateOnly AsOf { get; set; }
    }

    /// <summary>The <c>YYYY-MM</c> text of a date column.</summary>
    protected abstract string MonthOf(string dateColumn);

    /// <summary>
    /// The latest version of each key among extracts dated on or before <c>@asOf</c>: by extract
    /// date, then file name, then load order (a corrected file reloaded under the same name wins).
    /// A row is returned when it matches the filter and is the latest (<see cref="Latest"/>), so a
    /// key whose latest version falls outside the filter is left out even if an older one matched.
    /// Rows come in key order (byte order), so every read is deterministic.
    /// </summary>
    private string AsOfSql(VersionTable table, string columns, string? filter) =>
        AsOfSql(table.Name, columns, filter) + $" ORDER BY {string.Join(", ", table.Key.Select(k => $"{table.Name}.{k} {FileNameOrder}"))}";

    /// <summary>As <see cref="AsOfSql(VersionTable, string, string?)"/>, in no particular order.</summary>
    private static string AsOfSql(string table, string columns, string? filter)
    {
        var selected = string.Join(", ", columns.Split(", ").Select(c => c == "NULL" ? c : $"{table}.{c}"));
        return
            $"SELECT {selected} FROM {table} AS {table} " +
            $"WHERE {table}.extract_date <= @asOf{(filter is null ? "" : $" AND ({filter})")} " +
            $"AND {Latest(table)}";
    }

    /// <summary>
    /// True when version <paramref name="alias"/>, dated on or before <c>@asOf</c>, is the latest
    /// of its key as of <c>@asOf</c>: its next version, if any, is dated after it
    /// (superseded_on, kept by <see cref="SupersedeAsync"/> as files load).
    /// </summary>
    private static string Latest(string alias) => $"({alias}.superseded_on IS NULL OR {alias}.superseded_on > @asOf)";

    /// <summary>A coverage test with the enum's name as a literal: a name the enum defines, never outside input.</summary>
    private static string CoverageIs(string column, Coverage coverage) =>
        Enum.IsDefined(coverage) ? $"{column} = '{coverage}'" : throw new ArgumentOutOfRangeException(nameof(coverage), coverage, "not a coverage");

    /// <summary>
    /// A version with its key's strings beside it: sorting hundreds of thousands of versions
    /// compares these in place instead of reaching through the version and the policy for them.
    /// </summary>
    private readonly record struct Keyed(string InsurerCode, string PolicyNo, PolicyVersion Version);

    /// <summary>Policy versions by key, in UTF-8 byte order (<see cref="Utf8Order"/>).</summary>
    private readonly struct KeyOrder : IComparer<Keyed>
    {
        public int Compare(Keyed x, Keyed y)
        {
            var byInsurer = Utf8Order.Compare(x.InsurerCode, y.InsurerCode);
            return byInsurer != 0 ? byInsurer : Utf8Order.Compare(x.PolicyNo, y.PolicyNo);
        }
    }

    /// <summary>
    /// A version table, as the as-of reads, both providers' loads and the data a load keeps use it:
    /// its key (without the ingest), the order it is kept in (<see cref="StoreOrder"/>) and the
    /// columns a load writes, in the order both loads write them.
    /// </summary>
    protected sealed record VersionTable(ExtractDataset Dataset, string Name, string[] Key, string Order, string[] LoadColumns)
    {
        public static readonly VersionTable Policies = new(
            ExtractDataset.Policies,
            "policy_versions",
            ["insurer_code", "policy_no"],
            StoreOrder.Policies,
            ["insurer_code", "policy_no", "ingest_id", "extract_date", "line_no", "coverage", "business_type", "branch_code", "advisor_id", "vin",
             "plate_no", "customer_name", "customer_phone", "issue_date", "effective_date", "expiry_date", "premium_fen", "status", "cancel_date", "refund_fen"]);

        public static readonly VersionTable Claims = new(
            ExtractDataset.Claims,
            "claim_versions",
            ["insurer_code", "claim_no"],
            StoreOrder.Claims,
            ["insurer_code", "claim_no", "ingest_id", "extract_date", "line_no", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code",
             "referred", "assessed_fen", "paid_fen", "status", "close_date"]);

        public static readonly VersionTable FollowUps = new(
            ExtractDataset.FollowUps,
            "followup_versions",
            ["followup_id"],
            StoreOrder.FollowUps,
            ["followup_id", "ingest_id", "extract_date", "line_no", "insurer_code", "policy_no", "branch_code", "advisor_id", "contact_date", "channel",
             "outcome", "lost_reason", "note"]);

        /// <summary>The key's columns as a SQL list.</summary>
        public string KeyList => string.Join(", ", Key);

        /// <summary>The load's columns as a SQL list.</summary>
        public string ColumnList => string.Join(", ", LoadColumns);

        /// <summary>The 1-based position of <paramref name="column"/> in the load's columns: where a provider binds it.</summary>
        public int Position(string column) =>
            Array.IndexOf(LoadColumns, column) is var i and >= 0 ? i + 1 : throw new ArgumentException($"{Name} loads no column {column}", nameof(column));
    }
}
