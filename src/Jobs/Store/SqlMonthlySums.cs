using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The monthly sums of written premium, refunds and claims behind the commission tiers and the
/// loss ratio (<see cref="Metrics.BranchMonthTotals"/>), and what a load keeps so that they are
/// read without two years of rows: the <c>superseded_on</c> dates of the versions it replaced, the
/// claims' dated changes and the file's own premium sums, written in the load's transaction.
/// </summary>
internal sealed class SqlMonthlySums(IStoreQueries queries)
{
    /// <remarks>
    /// The premium and refunds come from the sums each file kept as it loaded, less the versions
    /// superseded as of D, and the claims from the changes kept per date; see
    /// <see cref="BranchMonthTotalsSql"/>.
    /// </remarks>
    public async Task<IReadOnlyList<Metrics.BranchMonthTotals>> GetBranchMonthTotalsAsync(DateOnly asOf, DateRange period, CancellationToken cancellationToken = default)
    {
        var months = new DateRange(Metrics.BusinessMonth.Of(period.From).First, Metrics.BusinessMonth.Of(period.To).Last);
        var rows = await queries.QueryAsync(BranchMonthTotalsSql, asOf, [months], row => (
            Key: (Branch: row.Text(0), Insurer: row.Text(1), Month: Metrics.BusinessMonth.Parse(row.Text(2))),
            Issued: row.Number(3),
            Refund: row.Number(4),
            Claims: row.Number(5)), cancellationToken);

        // A month whose only version was superseded nets to zero: no row, as in BranchMonthTotals.From.
        return [.. rows
            .GroupBy(r => r.Key)
            .Select(g => new Metrics.BranchMonthTotals(
                g.Key.Branch, g.Key.Insurer, g.Key.Month, SqlReportingStore.Yuan(g.Sum(r => r.Issued)), SqlReportingStore.Yuan(g.Sum(r => r.Refund)), SqlReportingStore.Yuan(g.Sum(r => r.Claims))))
            .Where(t => !t.IsZero)
            .OrderBy(t => t.Branch, StringComparer.Ordinal)
            .ThenBy(t => t.Insurer, StringComparer.Ordinal)
            .ThenBy(t => t.Month)];
    }

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
                $"WHERE l.status = 'LOADED' AND l.extract_date <= @asOf AND s.month >= {queries.MonthOf("@from0")} AND s.month <= {queries.MonthOf("@to0")} " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                $"SELECT p.branch_code, p.insurer_code, {queries.MonthOf("p.issue_date")}, CAST(-SUM(p.premium_fen) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) " +
                "FROM superseded p WHERE p.issue_date >= @from0 AND p.issue_date <= @to0 " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                $"SELECT p.branch_code, p.insurer_code, {queries.MonthOf("p.cancel_date")}, CAST(0 AS BIGINT), CAST(-SUM(p.refund_fen) AS BIGINT), CAST(0 AS BIGINT) " +
                "FROM superseded p WHERE p.cancel_date >= @from0 AND p.cancel_date <= @to0 AND p.status = 'CANCELLED' " +
                "GROUP BY 1, 2, 3 " +
                "UNION ALL " +
                "SELECT d.branch_code, d.insurer_code, d.month, CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(SUM(d.claims_fen) AS BIGINT) " +
                $"FROM claim_month_deltas d WHERE d.on_date <= @asOf AND d.month >= {queries.MonthOf("@from0")} AND d.month <= {queries.MonthOf("@to0")} " +
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
    public async Task KeepDerivedAsync(
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
                // The dataset's first file holds every claim there is: its pairs are all the pairs.
                // No DISTINCT: IN keeps each key once anyway, and for DISTINCT SQLite read the file's
                // rows through the (insurer, policy) index of the whole table, in its order, instead
                // of by rowid (a daily claims file on the 5M book: 0.26 s a pass instead of 0.05 s).
                var policies = await AnyAsync(connection, transaction, "SELECT 1 FROM policy_versions", null, cancellationToken);
                await SupersedeKeepingPairsAsync(!policies ? null : others ? $"SELECT f.insurer_code, f.policy_no FROM {fileRows} f" : EveryPolicy);
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

    /// <summary>
    /// The policy keys of <see cref="KeepClaimDeltasAsync"/> when they are all of them: the pairs are
    /// then read without a filter (for a new store's first claims file, the 245 759 claims of the 1M
    /// book, 0.28 s against 1.03 s through the filter of the file's policies).
    /// </summary>
    private const string EveryPolicy = "*";

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
            $"ORDER BY v.extract_date, l.file_name {queries.FileNameOrder}, v.ingest_id) AS next_date " +
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
    /// <paramref name="policyKeys"/> (a subquery of insurer_code, policy_no, or <see cref="EveryPolicy"/>): a claim counts, on
    /// the branch of its policy, while both its version and its policy's are the latest, from the
    /// later of their extract dates until the earlier superseded_on. Run once with
    /// <paramref name="before"/> (the pairs without this file's rows, as the superseded_on dates
    /// were before it, taken off) before <see cref="SupersedeAsync"/>, and once after it (the
    /// pairs with them, put in): the difference is what the file changed.
    /// </summary>
    private async Task KeepClaimDeltasAsync(DbConnection connection, DbTransaction transaction, long ingestId, string policyKeys, bool before, CancellationToken cancellationToken)
    {
        // Before the file, its pairs come off (start negative, end positive); after it they go in.
        // Each pair gives its start and its end in one pass over the join (the pairs, materialised
        // once, crossed with two rows): a UNION ALL of the two read the pairs twice, and SQLite ran
        // the join twice (the 1M book's first claims file: 2.55 s -> 2.2-2.3 s). Without
        // MATERIALIZED, PostgreSQL inlines the pairs into the cross join and plans it worse (3.9 s -> 4.3 s).
        var (starts, ends) = before ? ("-", "") : ("", "-");
        var others = before ? "AND c.ingest_id <> @id AND p.ingest_id <> @id " : "";
        var pairs =
            $"SELECT p.branch_code, c.insurer_code, {queries.MonthOf("c.report_date")} AS month, c.assessed_fen AS fen, " +
            "CASE WHEN c.extract_date >= p.extract_date THEN c.extract_date ELSE p.extract_date END AS live_from, " +
            "CASE WHEN c.superseded_on IS NULL THEN p.superseded_on " +
            "WHEN p.superseded_on IS NULL OR c.superseded_on <= p.superseded_on THEN c.superseded_on ELSE p.superseded_on END AS live_to " +
            "FROM claim_versions c JOIN policy_versions p ON p.insurer_code = c.insurer_code AND p.policy_no = c.policy_no " +
            $"WHERE {(policyKeys == EveryPolicy ? "" : $"(c.insurer_code, c.policy_no) IN ({policyKeys}) AND ")}c.status <> 'WITHDRAWN' AND p.branch_code <> '' {others}";
        await connection.ExecuteAsync(new CommandDefinition(
            $"WITH pairs AS MATERIALIZED ({pairs}) " +
            "INSERT INTO claim_month_deltas (on_date, branch_code, insurer_code, month, claims_fen) " +
            "SELECT on_date, branch_code, insurer_code, month, SUM(fen) FROM (" +
            "SELECT CASE WHEN e.k = 0 THEN x.live_from ELSE x.live_to END AS on_date, x.branch_code, x.insurer_code, x.month, " +
            $"CASE WHEN e.k = 0 THEN {starts}x.fen ELSE {ends}x.fen END AS fen " +
            "FROM pairs x CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1) e " +
            "WHERE (e.k = 0 AND (x.live_to IS NULL OR x.live_to > x.live_from)) OR (e.k = 1 AND x.live_to > x.live_from)" +
            ") d GROUP BY on_date, branch_code, insurer_code, month HAVING SUM(fen) <> 0 " +
            "ON CONFLICT (on_date, branch_code, insurer_code, month) DO UPDATE SET claims_fen = claim_month_deltas.claims_fen + excluded.claims_fen",
            new { id = ingestId },
            transaction,
            commandTimeout: 0,
            cancellationToken: cancellationToken));
    }

    /// <summary>Sums rows one INSERT carries: 5 parameters each, well under both engines' limits.</summary>
    private const int SumsPerStatement = 500;

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
            // Many rows a statement, not a statement a row: on PostgreSQL each is a round trip
            // (a daily file's 27 sums took 7 ms of its 85).
            foreach (var chunk in sums.Rows().Chunk(SumsPerStatement))
            {
                var values = new StringBuilder();
                var parameters = new DynamicParameters(new { id = ingestId });
                for (var i = 0; i < chunk.Length; i++)
                {
                    var n = i.ToString(CultureInfo.InvariantCulture);
                    values.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}(@id, @b{n}, @n{n}, @m{n}, @x{n}, @y{n})");
                    parameters.Add("b" + n, chunk[i].Branch);
                    parameters.Add("n" + n, chunk[i].Insurer);
                    parameters.Add("m" + n, chunk[i].Month);
                    parameters.Add("x" + n, chunk[i].Issued);
                    parameters.Add("y" + n, chunk[i].Refund);
                }

                await connection.ExecuteAsync(new CommandDefinition(Insert + "VALUES " + values, parameters, transaction, cancellationToken: cancellationToken));
            }

            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            Insert + "SELECT @id, branch_code, insurer_code, month, SUM(issued), SUM(refund) FROM (" +
            $"SELECT n.branch_code, n.insurer_code, {queries.MonthOf("n.issue_date")} AS month, n.premium_fen AS issued, 0 AS refund " +
            $"FROM {loadedRows} n WHERE n.branch_code <> '' " +
            "UNION ALL " +
            $"SELECT n.branch_code, n.insurer_code, {queries.MonthOf("n.cancel_date")}, 0, n.refund_fen " +
            $"FROM {loadedRows} n WHERE n.branch_code <> '' AND n.status = 'CANCELLED' AND n.cancel_date IS NOT NULL" +
            ") s GROUP BY branch_code, insurer_code, month",
            new { id = ingestId },
            transaction,
            commandTimeout: 0,
            cancellationToken: cancellationToken));
    }
}
