using System.Globalization;
using System.Runtime.InteropServices;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// The as-of reads of both providers (SPEC §2.5): for each key the latest version among extracts
/// dated on or before the business date, by the <c>superseded_on</c> dates a load keeps. Plain SQL
/// that SQLite and PostgreSQL both run; the provider runs it (<see cref="IStoreQueries"/>), and
/// several terms of one selection run side by side and are merged here in key order.
/// </summary>
internal sealed class SqlAsOfReader(IStoreQueries queries)
{
    private const string PolicyColumns =
        "insurer_code, policy_no, coverage, business_type, branch_code, advisor_id, vin, plate_no, customer_name, customer_phone, " +
        "issue_date, effective_date, expiry_date, premium_fen, status, cancel_date, refund_fen";

    private const string ClaimColumns =
        "insurer_code, claim_no, policy_no, vin, loss_date, report_date, repair_branch_code, referred, assessed_fen, paid_fen, status, close_date";

    private const string FollowUpColumns =
        "followup_id, insurer_code, policy_no, branch_code, advisor_id, contact_date, channel, outcome, lost_reason, note";

    public async Task<IReadOnlyList<Policy>> GetPoliciesAsync(DateOnly asOf, PolicySelection? selection, CancellationToken cancellationToken) =>
        (await GetPolicyVersionsAsync(asOf, selection, cancellationToken)).Select(v => v.Policy).ToList();

    public async Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection, CancellationToken cancellationToken)
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

        if (selection.OnVinsSold is { } sold)
        {
            // The cars sold in the range, a small set by the issue_date index, narrow every term.
            terms = [.. terms.Select(t =>
            {
                var vins = $"vin IN (SELECT s.vin FROM policy_versions s WHERE s.extract_date <= @asOf AND {Range("s.issue_date", t.Ranges.Length)}{OfCoverage("s.coverage")})";
                return ((string?)(t.Filter is null ? vins : $"{t.Filter} AND {vins}"), (DateRange[])[.. t.Ranges, sold]);
            })];
        }

        var columns = selection.WithoutPersonalData
            ? PolicyColumns.Replace("plate_no, customer_name, customer_phone", "NULL, NULL, NULL", StringComparison.Ordinal)
            : PolicyColumns;
        // Each term's rows sorted as they arrive, side by side, then merged: key order (byte order,
        // as both providers compare keys), so every read is deterministic, and a key two terms
        // both found is kept once.
        var reads = await Task.WhenAll(terms.Select(async t =>
        {
            var read = await queries.QueryAsync(AsOfSql(VersionTable.Policies.Name, columns + ", ingest_id", t.Filter), asOf, t.Ranges, KeyedPolicyVersion, cancellationToken);
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
            SqlReportingStore.Yuan(row.Number(13)), row.Code<PolicyStatus>(14), row.NullableDateValue(15), SqlReportingStore.Yuan(row.Number(16))),
        row.Number(17));

    public async Task<IReadOnlyList<Claim>> GetClaimsAsync(DateOnly asOf, DateRange? reported, CancellationToken cancellationToken)
    {
        var filter = reported is null ? null : "(report_date >= @from0 AND report_date <= @to0)";
        var sql = AsOfSql(VersionTable.Claims, ClaimColumns, filter);
        return await queries.QueryAsync(sql, asOf, reported is { } r ? [r] : [], row => new Claim(
            row.SharedText(0), row.Text(1), row.Text(2), row.Text(3), row.DateValue(4), row.DateValue(5), row.NullableSharedText(6),
            row.Flag(7), SqlReportingStore.Yuan(row.Number(8)), SqlReportingStore.Yuan(row.Number(9)), row.Code<ClaimStatus>(10), row.NullableDateValue(11)), cancellationToken);
    }

    public async Task<IReadOnlyList<FollowUp>> GetFollowUpsAsync(DateOnly asOf, DateRange? policyExpiry, Coverage? policyCoverage, CancellationToken cancellationToken)
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
        return await queries.QueryAsync(sql, asOf, policyExpiry is { } r ? [r] : [], row => new FollowUp(
            row.Text(0), row.SharedText(1), row.Text(2), row.NullableSharedText(3), row.NullableSharedText(4), row.DateValue(5),
            row.Code<ContactChannel>(6), row.Code<FollowUpOutcome>(7), row.NullableCode<LostReason>(8), row.NullableText(9)), cancellationToken);
    }

    /// <summary>
    /// The latest version of each key among extracts dated on or before <c>@asOf</c>: by extract
    /// date, then file name, then load order (a corrected file reloaded under the same name wins).
    /// A row is returned when it matches the filter and is the latest (<see cref="Latest"/>), so a
    /// key whose latest version falls outside the filter is left out even if an older one matched.
    /// Rows come in key order (byte order), so every read is deterministic.
    /// </summary>
    private string AsOfSql(VersionTable table, string columns, string? filter) =>
        AsOfSql(table.Name, columns, filter) + $" ORDER BY {string.Join(", ", table.Key.Select(k => $"{table.Name}.{k} {queries.FileNameOrder}"))}";

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
    /// (superseded_on, kept by <see cref="SqlMonthlySums.KeepDerivedAsync"/> as files load).
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
}
