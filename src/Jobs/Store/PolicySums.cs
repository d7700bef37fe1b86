using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;

namespace Reporting.Jobs.Store;

/// <summary>
/// The sums of <c>ingest_month_sums</c> added up row by row as a file loads, in fen: what each
/// policy adds is <see cref="BranchMonthTotals.ShareOf"/>'s, the rule <see cref="BranchMonthTotals.From"/>
/// sums by. The SQL twins (the sums of a file with duplicate keys, and the superseded versions
/// taken off at read) are held equal to it by the store's reference-definition tests.
/// </summary>
internal sealed class PolicySums
{
    private readonly Dictionary<(string Branch, string Insurer, BusinessMonth Month), (long Issued, long Refund)> _sums = [];

    public void Add(Policy policy)
    {
        if (BranchMonthTotals.ShareOf(policy) is not { } share)
        {
            return;
        }

        Add((share.Branch, share.Insurer, share.IssueMonth), SqlReportingStore.Fen(share.Premium), 0);
        if (share.RefundMonth is { } refundMonth)
        {
            Add((share.Branch, share.Insurer, refundMonth), 0, SqlReportingStore.Fen(share.Refund));
        }
    }

    /// <summary>The rows to insert, in key order.</summary>
    public IReadOnlyList<Row> Rows() => [.. _sums
        .OrderBy(s => s.Key.Branch, StringComparer.Ordinal)
        .ThenBy(s => s.Key.Insurer, StringComparer.Ordinal)
        .ThenBy(s => s.Key.Month)
        .Select(s => new Row(s.Key.Branch, s.Key.Insurer, s.Key.Month.ToString(), s.Value.Issued, s.Value.Refund))];

    private void Add((string, string, BusinessMonth) key, long issued, long refund)
    {
        var (i, r) = _sums.GetValueOrDefault(key);
        _sums[key] = (i + issued, r + refund);
    }

    /// <summary>One row of <c>ingest_month_sums</c> without its ingest.</summary>
    public sealed record Row(string Branch, string Insurer, string Month, long Issued, long Refund);
}
