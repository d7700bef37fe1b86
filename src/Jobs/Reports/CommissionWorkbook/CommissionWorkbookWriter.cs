// Why one file (about 560 lines): the sheets of one workbook refer to each other's columns by the
// constants defined here (DPremium, CClawback…), and every roll-up is a formula over another sheet's
// block; one writer keeps each formula next to the columns it names.
using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Workbooks;
using static Reporting.Jobs.Reports.Workbooks.SheetTable;

namespace Reporting.Jobs.Reports.CommissionWorkbook;

/// <summary>
/// Renders <c>commission_YYYY-MM.xlsx</c> from one <see cref="MetricsResult"/>: the detail sheets
/// hold the metrics' lines and rows as values; every total and every roll-up (summary per branch,
/// commission per branch × insurer × coverage, reconciliation per file) is a formula over the
/// detail, so the workbook adds up by construction and a reader can audit any figure.
/// </summary>
internal sealed class CommissionWorkbookWriter
{
    public const string SummarySheet = "汇总";
    public const string CommissionSheet = "手续费";
    public const string AdvisorSheet = "续保提成";
    public const string DetailSheet = "保单明细";
    public const string ClawbackSheet = "退保追回";
    public const string ReferralSheet = "送修";
    public const string ReconciliationSheet = "对账";

    private readonly MetricsResult _result;
    private readonly ReportLabels _labels;
    private readonly MetricsOptions _options;
    private readonly Reconciliation _reconciliation;
    private readonly IReadOnlyDictionary<PolicyKey, ReconciledFileRef> _sources;
    private readonly string _period;

    public CommissionWorkbookWriter(
        MetricsResult result,
        ReportLabels labels,
        MetricsOptions options,
        Reconciliation reconciliation,
        IReadOnlyDictionary<PolicyKey, ReconciledFileRef> sources)
    {
        _result = result;
        _labels = labels;
        _options = options;
        _reconciliation = reconciliation;
        _sources = sources;
        _period = string.Create(
            CultureInfo.InvariantCulture,
            $"手续费月报 {result.Report.Month}（数据截至 {WorkbookFormats.DateText(result.Report.AsOf)}）");
    }

    private MetricsReport Report => _result.Report;

    public byte[] Write(IReadOnlyList<CommissionSummaryRow> summary)
    {
        using var package = DeterministicWorkbook.Create($"手续费月报 {Report.Month}", "Commission workbook");
        // Sheets are added in reading order; their formulas refer to sheets filled later.
        var summarySheet = Sheet(package, SummarySheet, "Summary", SummaryColumns);
        var commissionSheet = Sheet(package, CommissionSheet, "Commission", CommissionColumns);
        var advisorSheet = Sheet(package, AdvisorSheet, "Advisor incentives", AdvisorColumns());
        var detailSheet = Sheet(package, DetailSheet, "Policy lines", DetailColumns);
        var clawbackSheet = Sheet(package, ClawbackSheet, "Clawbacks", ClawbackColumns);
        var referralSheet = Sheet(package, ReferralSheet, "Repair referral", ReferralColumns);
        var reconciliationSheet = Sheet(package, ReconciliationSheet, "Reconciliation", ReconciliationColumns);

        var detail = WriteDetail(detailSheet);
        var clawbacks = WriteClawbacks(clawbackSheet);
        var advisors = WriteAdvisors(advisorSheet);
        var commission = WriteCommission(commissionSheet, detail, clawbacks);
        var summaryTotal = WriteSummary(summarySheet, summary, detail, clawbacks, advisors);
        WriteReferral(referralSheet);
        WriteReconciliation(reconciliationSheet, detail, clawbacks, commission, summaryTotal);
        return DeterministicWorkbook.Save(package);
    }

    private SheetTable Sheet(OfficeOpenXml.ExcelPackage package, string name, string english, IReadOnlyList<WorkbookColumn> columns) =>
        new(package, name, $"{name} {english} — {_period}", columns);

    // 保单明细: one row per sale line of the month, ordered by branch, insurer, coverage, policy number.
    private static readonly WorkbookColumn[] DetailColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("保险公司", "Insurer"), new("险种", "Coverage"),
        new("保单号", "Policy no."), new("出单日期", "Issue date", WorkbookFormats.Date), new("保费", "Premium", WorkbookFormats.Yuan),
        new("档位", "Tier"), new("费率", "Rate"), new("手续费", "Commission", WorkbookFormats.Yuan),
        new("来源文件", "Source file"), new("批次", "Ingest", "0"),
    ];

    private const int DBranch = 1, DInsurer = 3, DCoverage = 4, DPremium = 7, DCommission = 10, DIngest = 12;

    /// <summary>The first six columns every line sheet shares: branch code and name, insurer, coverage, policy, issue date.</summary>
    private void WritePolicy(IRowCells cells, Policy p)
    {
        cells.Cell(1, p.BranchCode);
        cells.Cell(2, _labels.Branch(p.BranchCode));
        cells.Cell(3, p.InsurerCode);
        cells.Cell(4, ReportLabels.Coverage(p.Coverage));
        cells.Cell(5, p.PolicyNo);
        cells.Cell(6, p.IssueDate);
    }

    private TableBlock WriteDetail(SheetTable sheet)
    {
        var lines = Ordered(_result.CommissionLines.Where(l => l.Kind == CommissionLineKind.Sale));
        sheet.Stream(lines.Count, (i, cells) =>
        {
            var line = lines[i];
            WritePolicy(cells, line.Policy);
            cells.Cell(7, line.Base);
            cells.Cell(8, line.Tier);
            cells.Cell(9, line.Rate, WorkbookFormats.ConfiguredRate(line.Rate));
            cells.Cell(10, line.Amount);
            WriteSource(cells, 11, line.Policy.Key);
        });

        var block = sheet.EndRows(FirstRow + lines.Count);
        sheet.Totals(block, [DPremium, DCommission], lines.Sum(l => l.Base), lines.Sum(l => l.Amount));
        sheet.Finish(block.Last);
        return block;
    }

    // 退保追回: one row per clawback line (a cancellation in the month) at its original tier and rate.
    private static readonly WorkbookColumn[] ClawbackColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("保险公司", "Insurer"), new("险种", "Coverage"),
        new("保单号", "Policy no."), new("出单日期", "Issue date", WorkbookFormats.Date), new("退保日期", "Cancel date", WorkbookFormats.Date),
        new("退费", "Refund", WorkbookFormats.Yuan), new("原档位月份", "Tier month"), new("原档位", "Original tier"),
        new("原费率", "Original rate"), new("追回", "Clawback", WorkbookFormats.Yuan),
        new("来源文件", "Source file"), new("批次", "Ingest", "0"),
    ];

    private const int CBranch = 1, CInsurer = 3, CCoverage = 4, CRefund = 8, CClawback = 12, CIngest = 14;

    private TableBlock WriteClawbacks(SheetTable sheet)
    {
        var lines = Ordered(_result.CommissionLines.Where(l => l.Kind == CommissionLineKind.Clawback));
        sheet.Stream(lines.Count, (i, cells) =>
        {
            var line = lines[i];
            var p = line.Policy;
            WritePolicy(cells, p);
            cells.Cell(7, p.CancelDate);
            cells.Cell(8, line.Base);
            cells.Cell(9, line.TierMonth.ToString());
            cells.Cell(10, line.Tier);
            cells.Cell(11, line.Rate, WorkbookFormats.ConfiguredRate(line.Rate));
            cells.Cell(12, line.Amount);
            WriteSource(cells, 13, p.Key);
        });

        var block = sheet.EndRows(FirstRow + lines.Count);
        sheet.Totals(block, [CRefund, CClawback], lines.Sum(l => l.Base), lines.Sum(l => l.Amount));
        sheet.Finish(block.Last);
        return block;
    }

    // 手续费: the §4.1 commission rows; their figures are SUMIFS over 保单明细 and 退保追回.
    private static readonly WorkbookColumn[] CommissionColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("保险公司代码", "Insurer code"), new("保险公司", "Insurer"),
        new("险种", "Coverage"), new("档位", "Tier"), new("费率", "Rate"), new("件数", "Policies", WorkbookFormats.Count),
        new("保费", "Premium", WorkbookFormats.Yuan), new("手续费", "Commission", WorkbookFormats.Yuan),
        new("追回", "Clawback", WorkbookFormats.Yuan), new("净手续费", "Net", WorkbookFormats.Yuan),
    ];

    private TableBlock WriteCommission(SheetTable sheet, TableBlock detail, TableBlock clawbacks)
    {
        var row = FirstRow;
        foreach (var r in Report.Commission)
        {
            string branch = Criteria.Equal(Local(row, 1)), insurer = Criteria.Equal(Local(row, 3)), coverage = Criteria.Equal(Local(row, 5));
            var keys = $"{Ref(DetailSheet, DBranch, detail.First, detail.Last)},{branch},"
                + $"{Ref(DetailSheet, DInsurer, detail.First, detail.Last)},{insurer},"
                + $"{Ref(DetailSheet, DCoverage, detail.First, detail.Last)},{coverage}";
            var clawbackKeys = $"{Ref(ClawbackSheet, CBranch, clawbacks.First, clawbacks.Last)},{branch},"
                + $"{Ref(ClawbackSheet, CInsurer, clawbacks.First, clawbacks.Last)},{insurer},"
                + $"{Ref(ClawbackSheet, CCoverage, clawbacks.First, clawbacks.Last)},{coverage}";
            sheet.Value(row, 1, r.Branch);
            sheet.Value(row, 2, _labels.Branch(r.Branch));
            sheet.Value(row, 3, r.Insurer);
            sheet.Value(row, 4, _labels.Insurer(r.Insurer));
            sheet.Value(row, 5, ReportLabels.Coverage(r.Coverage));
            sheet.Value(row, 6, r.Tier);
            sheet.Value(row, 7, r.Rate, WorkbookFormats.ConfiguredRate(r.Rate));
            sheet.Formula(row, 8, $"COUNTIFS({keys})", r.Policies);
            sheet.Formula(row, 9, $"SUMIFS({Ref(DetailSheet, DPremium, detail.First, detail.Last)},{keys})", r.Premium);
            sheet.Formula(row, 10, $"SUMIFS({Ref(DetailSheet, DCommission, detail.First, detail.Last)},{keys})", r.Commission);
            sheet.Formula(row, 11, $"SUMIFS({Ref(ClawbackSheet, CClawback, clawbacks.First, clawbacks.Last)},{clawbackKeys})", r.Clawback);
            sheet.Formula(row, 12, $"{Local(row, 10)}-{Local(row, 11)}", r.Net);
            row++;
        }

        var block = sheet.EndRows(row);
        var rows = Report.Commission;
        sheet.Totals(block, [8, 9, 10, 11, 12], rows.Sum(r => r.Policies), rows.Sum(r => r.Premium), rows.Sum(r => r.Commission), rows.Sum(r => r.Clawback), rows.Sum(r => r.Net));
        sheet.Finish(block.Last);
        return block;
    }

    // 续保提成: the §4.1 advisor rows with names and the count of earning policies per premium band.
    private WorkbookColumn[] AdvisorColumns()
    {
        var columns = new List<WorkbookColumn> { new("顾问工号", "Advisor id"), new("顾问", "Advisor"), new("门店代码", "Branch code"), new("门店", "Branch") };
        foreach (var band in Bands)
        {
            columns.Add(new WorkbookColumn("件数 " + AdvisorIncentive.LabelOf(band, Bands), "Policies " + AdvisorIncentive.LabelOf(band, Bands), WorkbookFormats.Count));
        }

        columns.AddRange(
        [
            new("件数合计", "Policies", WorkbookFormats.Count), new("提成", "Incentive", WorkbookFormats.Yuan),
            new("提成追回", "Clawback", WorkbookFormats.Yuan), new("排名", "Rank"), new("排名奖", "Bonus", WorkbookFormats.Yuan),
            new("外促成本", "Promotion cost", WorkbookFormats.Yuan), new("提成净额", "Net", WorkbookFormats.Yuan),
        ]);
        return [.. columns];
    }

    private List<PremiumBandOptions> Bands => _options.Incentive.Bands;

    private int APolicies => 5 + Bands.Count;

    private TableBlock WriteAdvisors(SheetTable sheet)
    {
        var earning = _result.IncentiveLines
            .Where(l => l.Kind == IncentiveLineKind.Earning)
            .GroupBy(l => (l.AdvisorId, l.Branch, l.Band))
            .ToDictionary(g => g.Key, g => g.Count());
        var ranks = _result.Ranking.ToDictionary(r => r.AdvisorId, StringComparer.Ordinal);
        var row = FirstRow;
        var p = APolicies;
        foreach (var r in Report.Advisor)
        {
            sheet.Value(row, 1, r.Advisor);
            sheet.Value(row, 2, _labels.Advisor(r.Advisor));
            sheet.Value(row, 3, r.Branch ?? ReportLabels.NoBranch);
            sheet.Value(row, 4, _labels.Branch(r.Branch));
            for (var b = 0; b < Bands.Count; b++)
            {
                sheet.Value(row, 5 + b, earning.GetValueOrDefault((r.Advisor, r.Branch, AdvisorIncentive.LabelOf(Bands[b], Bands))));
            }

            sheet.Formula(row, p, $"SUM({Local(row, 5)}:{Local(row, p - 1)})", r.Policies);
            sheet.Value(row, p + 1, r.Incentive);
            sheet.Value(row, p + 2, r.Clawback);
            var ranked = ranks.TryGetValue(r.Advisor, out var rank) && rank.Bonus != 0m && rank.BonusBranch == r.Branch;
            sheet.Value(row, p + 3, ranked ? rank!.Rank : null);
            sheet.Value(row, p + 4, r.Bonus);
            sheet.Value(row, p + 5, r.PromotionCost);
            sheet.Formula(row, p + 6, $"{Local(row, p + 1)}-{Local(row, p + 2)}+{Local(row, p + 4)}", r.Net);
            row++;
        }

        var block = sheet.EndRows(row);
        var rows = Report.Advisor;
        int[] totals = [.. Enumerable.Range(5, Bands.Count), p, p + 1, p + 2, p + 4, p + 5, p + 6];
        object[] shows = [.. Enumerable.Repeat<object>(0, Bands.Count), rows.Sum(r => r.Policies), rows.Sum(r => r.Incentive), rows.Sum(r => r.Clawback), rows.Sum(r => r.Bonus), rows.Sum(r => r.PromotionCost), rows.Sum(r => r.Net)];
        sheet.Totals(block, totals, shows);
        sheet.Finish(block.Last);
        return block;
    }

    // 汇总: per branch, every figure a SUMIFS over the detail sheets; a group total row.
    private static readonly WorkbookColumn[] SummaryColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("保费", "Premium", WorkbookFormats.Yuan),
        new("手续费", "Commission", WorkbookFormats.Yuan), new("追回", "Clawback", WorkbookFormats.Yuan),
        new("净手续费", "Net commission", WorkbookFormats.Yuan), new("续保提成", "Incentive", WorkbookFormats.Yuan),
        new("提成追回", "Incentive clawback", WorkbookFormats.Yuan), new("排名奖", "Bonus", WorkbookFormats.Yuan),
        new("外促成本", "Promotion cost", WorkbookFormats.Yuan), new("提成净额", "Advisor net", WorkbookFormats.Yuan),
    ];

    /// <summary>The row of the summary's group total.</summary>
    private int WriteSummary(SheetTable sheet, IReadOnlyList<CommissionSummaryRow> summary, TableBlock detail, TableBlock clawbacks, TableBlock advisors)
    {
        var row = FirstRow;
        var p = APolicies;
        foreach (var s in summary)
        {
            var code = s.Branch ?? ReportLabels.NoBranch;
            var me = Criteria.Equal(Local(row, 1));
            string Sum(string sheetName, int column, TableBlock block, int keyColumn) =>
                $"SUMIFS({Ref(sheetName, column, block.First, block.Last)},{Ref(sheetName, keyColumn, block.First, block.Last)},{me})";
            sheet.Value(row, 1, code);
            sheet.Value(row, 2, _labels.Branch(s.Branch));
            sheet.Formula(row, 3, Sum(DetailSheet, DPremium, detail, DBranch), s.Premium);
            sheet.Formula(row, 4, Sum(DetailSheet, DCommission, detail, DBranch), s.Commission);
            sheet.Formula(row, 5, Sum(ClawbackSheet, CClawback, clawbacks, CBranch), s.Clawback);
            sheet.Formula(row, 6, $"{Local(row, 4)}-{Local(row, 5)}", s.Net);
            sheet.Formula(row, 7, Sum(AdvisorSheet, p + 1, advisors, 3), s.Incentive);
            sheet.Formula(row, 8, Sum(AdvisorSheet, p + 2, advisors, 3), s.IncentiveClawback);
            sheet.Formula(row, 9, Sum(AdvisorSheet, p + 4, advisors, 3), s.Bonus);
            sheet.Formula(row, 10, Sum(AdvisorSheet, p + 5, advisors, 3), s.PromotionCost);
            sheet.Formula(row, 11, $"{Local(row, 7)}-{Local(row, 8)}+{Local(row, 9)}", s.AdvisorNet);
            row++;
        }

        var block = sheet.EndRows(row);
        sheet.Totals(block, [3, 4, 5, 6, 7, 8, 9, 10, 11],
            summary.Sum(s => s.Premium), summary.Sum(s => s.Commission), summary.Sum(s => s.Clawback), summary.Sum(s => s.Net),
            summary.Sum(s => s.Incentive), summary.Sum(s => s.IncentiveClawback), summary.Sum(s => s.Bonus), summary.Sum(s => s.PromotionCost), summary.Sum(s => s.AdvisorNet));
        sheet.Value(block.Total, 1, "集团合计");
        sheet.Value(block.Total, 2, "Group total");
        var insurers = WriteSummaryByInsurer(sheet, block.Total + 2, detail, clawbacks);
        sheet.Finish(block.Last);

        // Commission by branch and by insurer, as bars beside the tables they plot.
        var chartColumn = SummaryColumns.Length + 2;
        WorkbookCharts.Columns(
            sheet, "commission-by-branch", "手续费 按门店 Commission by branch", sheet.Range(2, block.First, block.Last),
            [new ChartSeries("手续费 Commission", sheet.Range(4, block.First, block.Last)), new ChartSeries("净手续费 Net", sheet.Range(6, block.First, block.Last))],
            null, WorkbookFormats.Yuan, HeaderRow, chartColumn);
        WorkbookCharts.Columns(
            sheet, "commission-by-insurer", "手续费 按保险公司 Commission by insurer", sheet.Range(2, insurers.First, insurers.Last),
            [new ChartSeries("手续费 Commission", sheet.Range(4, insurers.First, insurers.Last)), new ChartSeries("净手续费 Net", sheet.Range(6, insurers.First, insurers.Last))],
            null, WorkbookFormats.Yuan, HeaderRow + 19, chartColumn);
        return block.Total;
    }

    /// <summary>
    /// Below the summary, from <paramref name="headerRow"/>: its first six columns per insurer
    /// instead of per branch (premium, commission, clawback, net), SUMIFS over the detail sheets
    /// like the rows above, and their total. The insurer chart plots these cells.
    /// </summary>
    private TableBlock WriteSummaryByInsurer(SheetTable sheet, int headerRow, TableBlock detail, TableBlock clawbacks)
    {
        sheet.WriteHeader(headerRow, 1, "保险公司代码\nInsurer code");
        sheet.WriteHeader(headerRow, 2, "保险公司\nInsurer");
        for (var c = 3; c <= 6; c++)
        {
            sheet.WriteHeader(headerRow, c, SummaryColumns[c - 1].Header);
        }

        sheet.Sheet.Row(headerRow).Height = 30;
        var byInsurer = Report.Commission
            .GroupBy(r => r.Insurer, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Insurer: g.Key, Premium: g.Sum(r => r.Premium), Commission: g.Sum(r => r.Commission), Clawback: g.Sum(r => r.Clawback), Net: g.Sum(r => r.Net)))
            .ToList();
        var first = headerRow + 1;
        var row = first;
        foreach (var i in byInsurer)
        {
            var me = Criteria.Equal(Local(row, 1));
            sheet.Value(row, 1, i.Insurer);
            sheet.Value(row, 2, _labels.Insurer(i.Insurer));
            sheet.Formula(row, 3, $"SUMIFS({Ref(DetailSheet, DPremium, detail.First, detail.Last)},{Ref(DetailSheet, DInsurer, detail.First, detail.Last)},{me})", i.Premium);
            sheet.Formula(row, 4, $"SUMIFS({Ref(DetailSheet, DCommission, detail.First, detail.Last)},{Ref(DetailSheet, DInsurer, detail.First, detail.Last)},{me})", i.Commission);
            sheet.Formula(row, 5, $"SUMIFS({Ref(ClawbackSheet, CClawback, clawbacks.First, clawbacks.Last)},{Ref(ClawbackSheet, CInsurer, clawbacks.First, clawbacks.Last)},{me})", i.Clawback);
            sheet.Formula(row, 6, $"{Local(row, 4)}-{Local(row, 5)}", i.Net);
            row++;
        }

        if (row == first)
        {
            sheet.Value(row++, 1, "（无）None");
        }

        var block = new TableBlock(first, row - 1);
        sheet.Value(block.Total, 1, "合计 Total");
        sheet.Formula(block.Total, 3, $"SUBTOTAL(9,{Local(3, block.First, block.Last)})", byInsurer.Sum(i => i.Premium));
        sheet.Formula(block.Total, 4, $"SUBTOTAL(9,{Local(4, block.First, block.Last)})", byInsurer.Sum(i => i.Commission));
        sheet.Formula(block.Total, 5, $"SUBTOTAL(9,{Local(5, block.First, block.Last)})", byInsurer.Sum(i => i.Clawback));
        sheet.Formula(block.Total, 6, $"SUBTOTAL(9,{Local(6, block.First, block.Last)})", byInsurer.Sum(i => i.Net));
        sheet.Bold(block.Total, 6);
        return block;
    }

    // 送修: the §4.1 referral rows.
    private static readonly WorkbookColumn[] ReferralColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("保险公司代码", "Insurer code"), new("保险公司", "Insurer"),
        new("送修产值", "Referred repair value", WorkbookFormats.Yuan), new("签单保费", "Written premium", WorkbookFormats.Yuan),
        new("送修比", "Referral ratio", WorkbookFormats.Percent), new("目标", "Target"), new("差异", "Variance", WorkbookFormats.Percent),
        new("返修率", "Return-to-dealer rate", WorkbookFormats.Percent),
    ];

    private void WriteReferral(SheetTable sheet)
    {
        var row = FirstRow;
        foreach (var r in Report.Referral)
        {
            sheet.Value(row, 1, r.Branch);
            sheet.Value(row, 2, _labels.Branch(r.Branch));
            sheet.Value(row, 3, r.Insurer);
            sheet.Value(row, 4, _labels.Insurer(r.Insurer));
            sheet.Value(row, 5, r.ReferredRepairValue);
            sheet.Value(row, 6, r.WrittenPremium);
            sheet.Rate(row, 7, r.Ratio);
            sheet.Value(row, 8, r.Target, WorkbookFormats.ConfiguredRate(r.Target));
            sheet.Rate(row, 9, r.Variance);
            sheet.Rate(row, 10, r.ReturnRate);
            row++;
        }

        var block = sheet.EndRows(row);
        var value = Report.Referral.Sum(r => r.ReferredRepairValue);
        var written = Report.Referral.Sum(r => r.WrittenPremium);
        sheet.Totals(block, [5, 6], value, written);
        var total = block.Total;
        sheet.Formula(
            total, 7, $"IF({Local(total, 6)}=0,{Literal(WorkbookFormats.NoRate)},ROUND({Local(total, 5)}/{Local(total, 6)},4))",
            Rounding.Rate(value, written) ?? 0m);
        sheet.Finish(block.Last);
    }

    // 对账: the files the month's lines came from, per file and per source, and the tie checks.
    private static readonly WorkbookColumn[] ReconciliationColumns =
    [
        new("批次", "Ingest", "0"), new("来源", "Source"), new("文件", "File"), new("提取日期", "Extract date", WorkbookFormats.Date),
        new("状态", "Status"), new("读取行数", "Rows read", WorkbookFormats.Count), new("文件保费", "Premium in file", WorkbookFormats.Yuan),
        new("入库", "Loaded", WorkbookFormats.Count), new("拒绝", "Rejected", WorkbookFormats.Count), new("重复", "Duplicate", WorkbookFormats.Count),
        new("跳过", "Skipped", WorkbookFormats.Count), new("行数差", "Unaccounted rows", WorkbookFormats.Count),
        new("明细行数", "Detail rows", WorkbookFormats.Count), new("明细保费", "Detail premium", WorkbookFormats.Yuan),
        new("追回行数", "Clawback rows", WorkbookFormats.Count), new("追回退费", "Clawback refund", WorkbookFormats.Yuan),
    ];

    private void WriteReconciliation(SheetTable sheet, TableBlock detail, TableBlock clawbacks, TableBlock commission, int summaryTotal)
    {
        var files = _reconciliation.Files;
        var row = FirstRow;
        foreach (var f in files)
        {
            var id = Criteria.Equal(Local(row, 1));
            sheet.Value(row, 1, f.IngestId);
            sheet.Value(row, 2, f.Source);
            sheet.Value(row, 3, f.FileName);
            sheet.Value(row, 4, f.ExtractDate);
            sheet.Value(row, 5, f.Status);
            sheet.Value(row, 6, f.RowsRead);
            sheet.Value(row, 7, f.FilePremium);
            sheet.Value(row, 8, f.RowsLoaded);
            sheet.Value(row, 9, f.RowsRejected);
            sheet.Value(row, 10, f.RowsDuplicate);
            sheet.Value(row, 11, f.RowsSkipped);
            sheet.Formula(row, 12, $"{Local(row, 6)}-{Local(row, 8)}-{Local(row, 9)}-{Local(row, 10)}-{Local(row, 11)}", f.RowsUnaccounted);
            sheet.Formula(row, 13, $"COUNTIFS({Ref(DetailSheet, DIngest, detail.First, detail.Last)},{id})", f.DetailRows);
            sheet.Formula(row, 14, $"SUMIFS({Ref(DetailSheet, DPremium, detail.First, detail.Last)},{Ref(DetailSheet, DIngest, detail.First, detail.Last)},{id})", f.DetailPremium);
            sheet.Formula(row, 15, $"COUNTIFS({Ref(ClawbackSheet, CIngest, clawbacks.First, clawbacks.Last)},{id})", f.ClawbackRows);
            sheet.Formula(row, 16, $"SUMIFS({Ref(ClawbackSheet, CRefund, clawbacks.First, clawbacks.Last)},{Ref(ClawbackSheet, CIngest, clawbacks.First, clawbacks.Last)},{id})", f.ClawbackRefund);
            row++;
        }

        var block = sheet.EndRows(row);
        sheet.Totals(block, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
            files.Sum(f => f.RowsRead), files.Sum(f => f.FilePremium), files.Sum(f => f.RowsLoaded), files.Sum(f => f.RowsRejected),
            files.Sum(f => f.RowsDuplicate), files.Sum(f => f.RowsSkipped), files.Sum(f => f.RowsUnaccounted), files.Sum(f => f.DetailRows),
            files.Sum(f => f.DetailPremium), files.Sum(f => f.ClawbackRows), files.Sum(f => f.ClawbackRefund));

        // Per source: the same columns summed over the source's files above.
        row = block.Total + 2;
        sheet.WriteHeader(row, 2, "来源\nSource");
        sheet.WriteHeader(row, 3, "文件数\nFiles");
        for (var c = 6; c <= 16; c++)
        {
            sheet.WriteHeader(row, c, ReconciliationColumns[c - 1].Header);
        }

        sheet.Sheet.Row(row).Height = 30;
        row++;
        foreach (var source in files.GroupBy(f => f.Source, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = Criteria.Equal(Local(row, 2));
            sheet.Value(row, 2, source.Key);
            sheet.Formula(row, 3, $"COUNTIFS(${Letter(2)}${block.First}:${Letter(2)}${block.Last},{name})", source.Count(), WorkbookFormats.Count);
            for (var c = 6; c <= 16; c++)
            {
                var column = $"${Letter(c)}${block.First}:${Letter(c)}${block.Last}";
                sheet.Formula(row, c, $"SUMIFS({column},${Letter(2)}${block.First}:${Letter(2)}${block.Last},{name})", SourceShows(source, c));
            }

            row++;
        }

        // The tie: detail premium = summary = commission rows = per-file reported premium; every file's rows accounted for.
        row++;
        sheet.WriteHeader(row, 2, "核对项\nCheck");
        sheet.WriteHeader(row, 3, "金额/行数\nValue");
        sheet.Sheet.Row(row).Height = 30;
        row++;
        var checks = row;
        Check(sheet, row++, "明细保费合计 Detail premium", $"SUM({Ref(DetailSheet, DPremium, detail.First, detail.Last)})", _reconciliation.DetailPremium);
        Check(sheet, row++, "汇总保费合计 Summary premium", $"{SummaryCell(summaryTotal)}", _reconciliation.SummaryPremium);
        Check(sheet, row++, "手续费表保费合计 Commission rows premium", $"'{CommissionSheet}'!$I${commission.Total}", _reconciliation.CommissionRowsPremium);
        Check(sheet, row++, "各文件明细保费合计 Premium reported per file", $"$N${block.Total}", _reconciliation.FilesPremium);
        sheet.Value(row, 2, "行数差合计 Unaccounted rows (all files)");
        sheet.Formula(row, 3, $"SUMPRODUCT(ABS($L${block.First}:$L${block.Last}))", files.Sum(f => Math.Abs(f.RowsUnaccounted)), WorkbookFormats.Count);
        row++;
        var amounts = Enumerable.Range(checks + 1, 3).Select(r => $"ROUND($C${checks}-$C${r},2)=0");
        var ok = _reconciliation.Ties ? "一致 OK" : "不一致 MISMATCH";
        sheet.Value(row, 2, "对账结果 Result");
        sheet.Formula(row, 3, $"IF(AND({string.Join(",", amounts)},$C${row - 1}=0),\"一致 OK\",\"不一致 MISMATCH\")", ok);
        sheet.Bold(row, 3);
        row++;
        sheet.Value(row, 2, "差异明细 Mismatches");
        if (_reconciliation.Mismatches.Count == 0)
        {
            sheet.Value(row, 3, "（无）None");
        }

        foreach (var mismatch in _reconciliation.Mismatches)
        {
            sheet.Sheet.Cells[row++, 3].Value = TextSafety.XmlText(mismatch);
        }

        sheet.Finish(block.Last);
    }

    private static string SummaryCell(int totalRow) => $"'{SummarySheet}'!$C${totalRow}";

    private static void Check(SheetTable sheet, int row, string label, string formula, decimal shows)
    {
        sheet.Value(row, 2, label);
        sheet.Formula(row, 3, formula, shows, WorkbookFormats.Yuan);
    }

    private static decimal SourceShows(IEnumerable<ReconciledFile> files, int column) => column switch
    {
        6 => files.Sum(f => f.RowsRead),
        7 => files.Sum(f => f.FilePremium),
        8 => files.Sum(f => f.RowsLoaded),
        9 => files.Sum(f => f.RowsRejected),
        10 => files.Sum(f => f.RowsDuplicate),
        11 => files.Sum(f => f.RowsSkipped),
        12 => files.Sum(f => f.RowsUnaccounted),
        13 => files.Sum(f => f.DetailRows),
        14 => files.Sum(f => f.DetailPremium),
        15 => files.Sum(f => f.ClawbackRows),
        _ => files.Sum(f => f.ClawbackRefund),
    };

    private void WriteSource(IRowCells cells, int column, PolicyKey key)
    {
        if (_sources.TryGetValue(key, out var source))
        {
            cells.Cell(column, source.FileName);
            cells.Cell(column + 1, source.IngestId);
        }
    }

    private static List<CommissionLine> Ordered(IEnumerable<CommissionLine> lines) =>
        [.. lines
            .OrderBy(l => l.Policy.BranchCode, StringComparer.Ordinal)
            .ThenBy(l => l.Policy.InsurerCode, StringComparer.Ordinal)
            .ThenBy(l => l.Policy.Coverage.ToString(), StringComparer.Ordinal)
            .ThenBy(l => l.Policy.PolicyNo, StringComparer.Ordinal)];
}

/// <summary>The file a line's policy version came from.</summary>
internal sealed record ReconciledFileRef(long IngestId, string FileName);

/// <summary>
/// One branch of the summary (汇总) as the metrics give it: the sums of its §4.1 commission and
/// advisor rows. The workbook computes the same figures as SUMIFS over its detail sheets.
/// </summary>
public sealed record CommissionSummaryRow(
    string? Branch,
    string BranchName,
    decimal Premium,
    decimal Commission,
    decimal Clawback,
    decimal Net,
    decimal Incentive,
    decimal IncentiveClawback,
    decimal Bonus,
    decimal PromotionCost,
    decimal AdvisorNet);
