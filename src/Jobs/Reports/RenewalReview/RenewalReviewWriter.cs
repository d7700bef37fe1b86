using System.Globalization;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Workbooks;
using static Reporting.Jobs.Reports.Workbooks.SheetTable;

namespace Reporting.Jobs.Reports.RenewalReview;

/// <summary>
/// Renders <c>renewal_review_YYYY-MM.xlsx</c>: the final renewal rates of a closed cohort by branch
/// and by advisor, conversion by expiry window, and lost reasons — the §4.1 rows of one metrics run
/// as values, with rates, group totals and shares as formulas over them.
/// </summary>
internal sealed class RenewalReviewWriter
{
    public const string BranchSheet = "续保率-门店";
    public const string AdvisorSheet = "续保率-顾问";
    public const string ConversionSheet = "分时段转化";
    public const string LostReasonSheet = "战败原因";

    /// <summary>Columns of the rate block, from the first figure column on (shared by the branch and advisor sheets).</summary>
    private static readonly WorkbookColumn[] RateColumns =
    [
        new("应续", "Due", WorkbookFormats.Count), new("应续保费", "Due premium", WorkbookFormats.Yuan),
        new("已续", "Renewed", WorkbookFormats.Count), new("已续保费", "Renewed premium", WorkbookFormats.Yuan),
        new("本店续保", "Renewed same branch", WorkbookFormats.Count), new("原保险公司续保", "Same insurer", WorkbookFormats.Count),
        new("转保", "Switched insurer", WorkbookFormats.Count), new("脱保", "Lapsed", WorkbookFormats.Count),
        new("待续", "Pending", WorkbookFormats.Count), new("续保率", "Renewal rate", WorkbookFormats.Percent),
        new("目标", "Target"), new("差异", "Vs target", WorkbookFormats.Percent),
    ];

    private readonly MetricsResult _result;
    private readonly ReportLabels _labels;
    private readonly MetricsOptions _options;
    private readonly string _period;

    public RenewalReviewWriter(MetricsResult result, ReportLabels labels, MetricsOptions options)
    {
        _result = result;
        _labels = labels;
        _options = options;
        _period = string.Create(
            CultureInfo.InvariantCulture,
            $"续保月度复盘 {result.Report.Month} 到期（终版，数据截至 {WorkbookFormats.DateText(result.Report.AsOf)}）");
    }

    private MetricsReport Report => _result.Report;

    public byte[] Write()
    {
        using var package = DeterministicWorkbook.Create($"续保月度复盘 {Report.Month}", "Renewal review");
        var branches = new SheetTable(package, BranchSheet, $"{BranchSheet} Renewal by branch — {_period}",
            [new("门店代码", "Branch code"), new("门店", "Branch"), .. RateColumns]);
        var advisors = new SheetTable(package, AdvisorSheet, $"{AdvisorSheet} Renewal by advisor — {_period}",
            [new("顾问工号", "Advisor id"), new("顾问", "Advisor"), new("门店代码", "Branch code"), new("门店", "Branch"), .. RateColumns]);
        var conversion = new SheetTable(package, ConversionSheet, $"{ConversionSheet} Conversion by window — {_period}", ConversionColumns);
        var lost = new SheetTable(package, LostReasonSheet, $"{LostReasonSheet} Lost reasons — {_period}", LostReasonColumns);

        var branchBlock = WriteBranches(branches);
        WriteAdvisors(advisors);
        WriteConversion(conversion);
        WriteLostReasons(lost, branchBlock);
        return DeterministicWorkbook.Save(package);
    }

    private IEnumerable<RenewalRow> BranchRows => Report.Renewal.Where(r => r.Branch != "*" && r.Insurer == "*" && r.Advisor == "*");

    private IEnumerable<RenewalRow> AdvisorRows => Report.Renewal.Where(r => r.Branch != "*" && r.Insurer == "*" && r.Advisor != "*");

    private RenewalRow GroupRow => Report.Renewal.Single(r => r is { Branch: "*", Insurer: "*", Advisor: "*" });

    private TableBlock WriteBranches(SheetTable sheet)
    {
        var row = FirstRow;
        foreach (var r in BranchRows)
        {
            sheet.Value(row, 1, r.Branch);
            sheet.Value(row, 2, _labels.Branch(r.Branch));
            WriteRates(sheet, row, 3, r, _options.Renewal.TargetFor(r.Branch));
            row++;
        }

        var block = sheet.EndRows(row);
        var group = GroupRow;
        int[] sums = [3, 4, 5, 6, 7, 8, 9, 10, 11];
        sheet.Totals(block, sums, group.Due, group.DuePremium, group.Renewed, group.RenewedPremium, group.RenewedSameBranch,
            group.RenewedSameInsurer, group.Renewed - group.RenewedSameInsurer, group.Lapsed, group.Pending);
        sheet.Value(block.Total, 1, "集团合计");
        sheet.Value(block.Total, 2, "Group total");
        RateFormulas(sheet, block.Total, 3, group, _options.Renewal.Target);
        sheet.Finish(block.Last);

        // The branches' rates as bars against each branch's target as a line, below the table.
        WorkbookCharts.Columns(
            sheet, "renewal-rate-by-branch", "续保率 vs 目标 Renewal rate vs target", sheet.Range(2, block.First, block.Last),
            [new ChartSeries("续保率 Renewal rate", sheet.Range(12, block.First, block.Last))],
            new ChartSeries("目标 Target", sheet.Range(13, block.First, block.Last)),
            "0%", block.Total + 2, 1);
        return block;
    }

    private void WriteAdvisors(SheetTable sheet)
    {
        var row = FirstRow;
        foreach (var r in AdvisorRows.OrderBy(r => r.Branch, StringComparer.Ordinal).ThenBy(r => r.Advisor, StringComparer.Ordinal))
        {
            sheet.Value(row, 1, r.Advisor);
            sheet.Value(row, 2, _labels.Advisor(r.Advisor));
            sheet.Value(row, 3, r.Branch);
            sheet.Value(row, 4, _labels.Branch(r.Branch));
            WriteRates(sheet, row, 5, r, _options.Renewal.TargetFor(r.Branch));
            row++;
        }

        var block = sheet.EndRows(row);
        sheet.Finish(block.Last);
    }

    /// <summary>The figures of a renewal row from column <paramref name="first"/>: counts as values, 转保, rate and variance as formulas.</summary>
    private static void WriteRates(SheetTable sheet, int row, int first, RenewalRow r, decimal target)
    {
        sheet.Value(row, first, r.Due);
        sheet.Value(row, first + 1, r.DuePremium);
        sheet.Value(row, first + 2, r.Renewed);
        sheet.Value(row, first + 3, r.RenewedPremium);
        sheet.Value(row, first + 4, r.RenewedSameBranch);
        sheet.Value(row, first + 5, r.RenewedSameInsurer);
        sheet.Value(row, first + 7, r.Lapsed);
        sheet.Value(row, first + 8, r.Pending);
        RateFormulas(sheet, row, first, r, target);
    }

    private static void RateFormulas(SheetTable sheet, int row, int first, RenewalRow r, decimal target)
    {
        string At(int offset) => Local(row, first + offset);
        sheet.Formula(row, first + 6, $"{At(2)}-{At(5)}", r.Renewed - r.RenewedSameInsurer);
        sheet.Formula(row, first + 9, $"IF({At(0)}=0,{Literal(WorkbookFormats.NoRate)},ROUND({At(2)}/{At(0)},4))", r.Rate ?? 0m);
        sheet.Value(row, first + 10, target, WorkbookFormats.ConfiguredRate(target));
        sheet.Formula(
            row, first + 11, $"IF(ISNUMBER({At(9)}),{At(9)}-{At(10)},{Literal(WorkbookFormats.NoRate)})",
            r.Rate is { } rate ? rate - target : 0m);
    }

    private static readonly WorkbookColumn[] ConversionColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("时段", "Window"), new("到期时段", "Lead days"),
        new("在险", "At risk", WorkbookFormats.Count), new("转化", "Converted", WorkbookFormats.Count),
        new("已跟进", "Contacted", WorkbookFormats.Count), new("转化率", "Conversion rate", WorkbookFormats.Percent),
        new("累计续保率", "Cumulative", WorkbookFormats.Percent),
    ];

    /// <summary>Branch rows first (filtered); below them one group row per window, SUMIFS over the branch rows.</summary>
    private void WriteConversion(SheetTable sheet)
    {
        var windows = _options.Renewal.Windows;
        var row = FirstRow;
        foreach (var r in Report.Conversion.Where(r => r.Branch != "*"))
        {
            sheet.Value(row, 1, r.Branch);
            sheet.Value(row, 2, _labels.Branch(r.Branch));
            WriteWindow(sheet, row, r, windows);
            sheet.Value(row, 5, r.AtRisk);
            sheet.Value(row, 6, r.Converted);
            sheet.Value(row, 7, r.Contacted);
            sheet.Formula(row, 8, ConversionRate(row), r.Rate ?? 0m);
            sheet.Rate(row, 9, r.Cumulative);
            row++;
        }

        var block = sheet.EndRows(row);
        row = block.Total;
        foreach (var r in Report.Conversion.Where(r => r.Branch == "*"))
        {
            sheet.Value(row, 1, "集团");
            sheet.Value(row, 2, "Group");
            WriteWindow(sheet, row, r, windows);
            for (var c = 5; c <= 7; c++)
            {
                var shows = c == 5 ? r.AtRisk : c == 6 ? r.Converted : r.Contacted;
                sheet.Formula(row, c, $"SUMIFS({Absolute(c, block)},{Absolute(3, block)},{Criteria.Equal(Local(row, 3))})", shows);
            }

            sheet.Formula(row, 8, ConversionRate(row), r.Rate ?? 0m);
            sheet.Rate(row, 9, r.Cumulative);
            sheet.Bold(row);
            row++;
        }

        sheet.Finish(block.Last);
    }

    private static string Absolute(int column, TableBlock block) =>
        string.Create(CultureInfo.InvariantCulture, $"${Letter(column)}${block.First}:${Letter(column)}${block.Last}");

    private static string ConversionRate(int row) =>
        $"IF({Local(row, 5)}=0,{Literal(WorkbookFormats.NoRate)},ROUND({Local(row, 6)}/{Local(row, 5)},4))";

    private static void WriteWindow(SheetTable sheet, int row, ConversionRow r, IReadOnlyList<ExpiryWindowOptions> windows)
    {
        sheet.Value(row, 3, r.Window);
        var window = windows.FirstOrDefault(w => w.Name == r.Window);
        sheet.Value(row, 4, window is null ? "" : ReportLabels.Window(window));
    }

    private static readonly WorkbookColumn[] LostReasonColumns =
    [
        new("门店代码", "Branch code"), new("门店", "Branch"), new("原因代码", "Reason code"), new("战败原因", "Lost reason"),
        new("件数", "Count", WorkbookFormats.Count), new("占脱保", "Share of lapsed", WorkbookFormats.Percent),
    ];

    /// <summary>Branch × reason rows; the share is the count over the branch's lapsed (续保率-门店). Below: the group per reason.</summary>
    private void WriteLostReasons(SheetTable sheet, TableBlock branches)
    {
        var lapsed = BranchRows.ToDictionary(r => r.Branch, r => r.Lapsed, StringComparer.Ordinal);
        var row = FirstRow;
        foreach (var r in Report.LostReasons)
        {
            sheet.Value(row, 1, r.Branch);
            sheet.Value(row, 2, _labels.Branch(r.Branch));
            sheet.Value(row, 3, r.Reason);
            sheet.Value(row, 4, ReportLabels.LostReason(r.Reason));
            sheet.Value(row, 5, r.Count);
            var ofBranch = $"SUMIFS({Ref(BranchSheet, 10, branches.First, branches.Last)},{Ref(BranchSheet, 1, branches.First, branches.Last)},{Criteria.Equal(Local(row, 1))})";
            sheet.Formula(
                row, 6, $"IF({ofBranch}=0,{Literal(WorkbookFormats.NoRate)},ROUND({Local(row, 5)}/{ofBranch},4))",
                Rounding.Rate(r.Count, lapsed.GetValueOrDefault(r.Branch)) ?? 0m);
            row++;
        }

        var block = sheet.EndRows(row);
        var group = GroupRow;
        row = block.Total;
        foreach (var reason in LostReasons.Order.Where(reason => Report.LostReasons.Any(r => r.Reason == reason)))
        {
            var count = Report.LostReasons.Where(r => r.Reason == reason).Sum(r => r.Count);
            sheet.Value(row, 1, "集团");
            sheet.Value(row, 2, "Group");
            sheet.Value(row, 3, reason);
            sheet.Value(row, 4, ReportLabels.LostReason(reason));
            sheet.Formula(row, 5, $"SUMIFS({Absolute(5, block)},{Absolute(3, block)},{Criteria.Equal(Local(row, 3))})", count);
            var groupLapsed = $"'{BranchSheet}'!$J${branches.Total}";
            sheet.Formula(
                row, 6, $"IF({groupLapsed}=0,{Literal(WorkbookFormats.NoRate)},ROUND({Local(row, 5)}/{groupLapsed},4))",
                Rounding.Rate(count, group.Lapsed) ?? 0m);
            sheet.Bold(row);
            row++;
        }

        sheet.Value(row, 1, "合计 Total");
        sheet.Formula(row, 5, $"SUBTOTAL(9,{Local(5, block.First, block.Last)})", Report.LostReasons.Sum(r => r.Count));
        sheet.Bold(row);
        sheet.Finish(block.Last);
    }
}
