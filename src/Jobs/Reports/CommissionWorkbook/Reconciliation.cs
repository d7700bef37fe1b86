using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports.CommissionWorkbook;

/// <summary>
/// Whether the month's commission workbook ties to its extract files and to the metrics
/// (SPEC §4 "reconciliation (per extract file: rows, premium; loaded; reported)"). Finance is paid
/// from the workbook, so a workbook that does not tie is not sent: the runner checks
/// <see cref="Ties"/> and alerts ops with <see cref="Mismatches"/> instead.
/// </summary>
/// <remarks>
/// <para><c>DetailPremium</c>: Σ premium of the detail lines (保单明细), from the metrics' commission lines.</para>
/// <para><c>SummaryPremium</c>: Σ premium of the summary's branch rows (汇总).</para>
/// <para><c>CommissionRowsPremium</c>: Σ premium of the §4.1 commission rows (手续费).</para>
/// <para><c>FilesPremium</c>: Σ premium of the detail lines as read from each file's policy versions.</para>
/// </remarks>
public sealed record Reconciliation(
    BusinessMonth Month,
    IReadOnlyList<ReconciledFile> Files,
    decimal DetailPremium,
    decimal SummaryPremium,
    decimal CommissionRowsPremium,
    decimal FilesPremium,
    IReadOnlyList<string> Mismatches)
{
    public bool Ties => Mismatches.Count == 0;
}

/// <summary>
/// One extract file that the month's lines came from: what the ingest ledger says of it, and what
/// the workbook reports from it (the policy version each line was read from).
/// </summary>
/// <remarks>
/// <para><c>FilePremium</c>: Premium of the file's loaded rows, as the ledger recorded it (all months).</para>
/// <para><c>DetailRows</c>: Sale lines of the month (保单明细) whose version came from this file.</para>
/// <para><c>DetailPremium</c>: Their premium, as the file's versions hold it.</para>
/// <para><c>ClawbackRows</c>: Clawback lines of the month (退保追回) whose version came from this file.</para>
/// <para><c>ClawbackRefund</c>: Their refund, as the file's versions hold it.</para>
/// </remarks>
public sealed record ReconciledFile(
    long IngestId,
    string Source,
    string FileName,
    DateOnly ExtractDate,
    string Status,
    long RowsRead,
    decimal FilePremium,
    long RowsLoaded,
    long RowsRejected,
    long RowsDuplicate,
    long RowsSkipped,
    int DetailRows,
    decimal DetailPremium,
    int ClawbackRows,
    decimal ClawbackRefund)
{
    /// <summary>Rows read that are neither loaded, rejected, a duplicate nor skipped: 0 when the file ties.</summary>
    public long RowsUnaccounted => RowsRead - RowsLoaded - RowsRejected - RowsDuplicate - RowsSkipped;
}

/// <summary>Computes the <see cref="Reconciliation"/> of a month's commission lines.</summary>
/// <remarks>
/// <para>The rule: for every file a line came from, rows read = loaded + rejected + duplicate +
/// skipped, and the file is a loaded one in the ledger; every line's policy version is found and
/// holds the line's premium (refund); Σ premium of the detail lines = Σ of the summary's branch rows
/// = Σ of the §4.1 commission rows = Σ of the per-file reported premium; and each §4.1 commission
/// row equals the lines of its (branch, insurer, coverage): policies, premium, commission,
/// clawback, net — the figures the workbook's <c>SUMIFS</c> formulas compute from the detail.</para>
/// <para>A line of 3 000.00 whose file version says 3 000.01 is a mismatch: the file premium
/// total is then 0.01 above the detail total.</para>
/// </remarks>
internal static class CommissionReconciliation
{
    public static Reconciliation Reconcile(
        MetricsResult result,
        IReadOnlyList<IngestEntry> ledger,
        IReadOnlyList<PolicyVersion> versions,
        IReadOnlyList<string?> summaryBranches)
    {
        var month = result.Report.Month;
        var mismatches = new List<string>();
        var byKey = new Dictionary<PolicyKey, PolicyVersion>();
        foreach (var version in versions)
        {
            byKey[version.Policy.Key] = version;
        }

        var ledgerById = ledger.ToDictionary(e => e.IngestId);
        var perFile = new SortedDictionary<long, FileTally>();
        foreach (var line in result.CommissionLines)
        {
            var key = line.Policy.Key;
            if (!byKey.TryGetValue(key, out var version))
            {
                mismatches.Add(Text($"保单 {key.InsurerCode}/{key.PolicyNo}：找不到来源文件中的版本 (no policy version in the store)"));
                continue;
            }

            var tally = perFile.TryGetValue(version.IngestId, out var known) ? known : perFile[version.IngestId] = new FileTally();
            if (line.Kind == CommissionLineKind.Sale)
            {
                var premium = Rounding.Money(version.Policy.Premium);
                tally.DetailRows++;
                tally.DetailPremium += premium;
                if (premium != line.Base)
                {
                    mismatches.Add(Text($"保单 {key.InsurerCode}/{key.PolicyNo}：明细保费 {line.Base:0.00} ≠ 文件版本保费 {premium:0.00}"));
                }
            }
            else
            {
                var refund = Rounding.Money(version.Policy.RefundPremium);
                tally.ClawbackRows++;
                tally.ClawbackRefund += refund;
                if (refund != line.Base)
                {
                    mismatches.Add(Text($"保单 {key.InsurerCode}/{key.PolicyNo}：追回退费 {line.Base:0.00} ≠ 文件版本退费 {refund:0.00}"));
                }
            }
        }

        var files = new List<ReconciledFile>();
        foreach (var (ingestId, tally) in perFile)
        {
            if (!ledgerById.TryGetValue(ingestId, out var entry))
            {
                mismatches.Add(Text($"批次 {ingestId}：不在导入台账中 (not in the ingest ledger)"));
                continue;
            }

            var file = new ReconciledFile(
                entry.IngestId, entry.Source, entry.FileName, entry.ExtractDate, entry.Status.ToString(),
                entry.RowsRead, entry.Premium, entry.RowsLoaded, entry.RowsRejected, entry.RowsDuplicate, entry.RowsSkipped,
                tally.DetailRows, tally.DetailPremium, tally.ClawbackRows, tally.ClawbackRefund);
            if (entry.Status != IngestStatus.LOADED)
            {
                mismatches.Add(Text($"文件 {entry.FileName}（批次 {ingestId}）：状态 {entry.Status}，不是已入库 (not loaded)"));
            }

            if (file.RowsUnaccounted != 0)
            {
                mismatches.Add(Text(
                    $"文件 {entry.FileName}（批次 {ingestId}）：读取 {entry.RowsRead} 行 ≠ 入库 {entry.RowsLoaded} + 拒绝 {entry.RowsRejected} + 重复 {entry.RowsDuplicate} + 跳过 {entry.RowsSkipped}"));
            }

            files.Add(file);
        }

        files = [.. files
            .OrderBy(f => f.Source, StringComparer.Ordinal)
            .ThenBy(f => f.ExtractDate)
            .ThenBy(f => f.FileName, StringComparer.Ordinal)
            .ThenBy(f => f.IngestId)];

        // One pass over the lines: Σ of all sales, and of those whose branch has a summary row.
        var inSummary = summaryBranches.Where(b => b is not null).ToHashSet(StringComparer.Ordinal);
        var noBranchInSummary = summaryBranches.Contains(null);
        var detailPremium = 0m;
        var summaryPremium = 0m;
        foreach (var line in result.CommissionLines)
        {
            if (line.Kind != CommissionLineKind.Sale)
            {
                continue;
            }

            detailPremium += line.Base;
            if (line.Policy.BranchCode is { } branch ? inSummary.Contains(branch) : noBranchInSummary)
            {
                summaryPremium += line.Base;
            }
        }

        var rowsPremium = result.Report.Commission.Sum(r => r.Premium);
        var filesPremium = perFile.Values.Sum(t => t.DetailPremium);
        Compare(mismatches, "汇总保费合计 (summary premium)", summaryPremium, detailPremium);
        Compare(mismatches, "手续费表保费合计 (commission rows premium)", rowsPremium, detailPremium);
        Compare(mismatches, "各文件明细保费合计 (premium reported per file)", filesPremium, detailPremium);
        CompareRows(mismatches, result);
        return new Reconciliation(month, files, detailPremium, summaryPremium, rowsPremium, filesPremium, mismatches);
    }

    /// <summary>Each §4.1 commission row against its lines, as the workbook's SUMIFS compute it.</summary>
    private static void CompareRows(List<string> mismatches, MetricsResult result)
    {
        var lines = result.CommissionLines
            .GroupBy(l => (Branch: l.Policy.BranchCode!, Insurer: l.Policy.InsurerCode, l.Policy.Coverage))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var row in result.Report.Commission)
        {
            var key = (row.Branch, row.Insurer, row.Coverage);
            var group = lines.GetValueOrDefault(key) ?? [];
            lines.Remove(key);
            var sales = group.Where(l => l.Kind == CommissionLineKind.Sale).ToList();
            var clawback = group.Where(l => l.Kind == CommissionLineKind.Clawback).Sum(l => l.Amount);
            var fromLines = (sales.Count, sales.Sum(l => l.Base), sales.Sum(l => l.Amount), clawback, sales.Sum(l => l.Amount) - clawback);
            var fromRow = (row.Policies, row.Premium, row.Commission, row.Clawback, row.Net);
            if (fromLines != fromRow)
            {
                mismatches.Add(Text($"手续费 {row.Branch}/{row.Insurer}/{row.Coverage}：行 {fromRow} ≠ 明细 {fromLines}"));
            }
        }

        foreach (var key in lines.Keys.OrderBy(k => k.ToString(), StringComparer.Ordinal))
        {
            mismatches.Add(Text($"明细 {key.Branch}/{key.Insurer}/{key.Coverage}：没有对应的手续费行 (lines without a commission row)"));
        }
    }

    private static void Compare(List<string> mismatches, string what, decimal value, decimal detail)
    {
        if (value != detail)
        {
            mismatches.Add(Text($"{what} {value:#,##0.00} ≠ 明细保费合计 (detail premium) {detail:#,##0.00}"));
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class FileTally
    {
        public int DetailRows { get; set; }

        public decimal DetailPremium { get; set; }

        public int ClawbackRows { get; set; }

        public decimal ClawbackRefund { get; set; }
    }
}
