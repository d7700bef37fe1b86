using System.Globalization;
using HandlebarsDotNet;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;
using Reporting.Templates;

namespace Reporting.Jobs.Reports.CommissionWorkbook;

/// <summary>The monthly commission workbook, its reconciliation and the email to finance that carries it.</summary>
/// <remarks>
/// <para><c>FileName</c>: <c>commission_YYYY-MM.xlsx</c>.</para>
/// <para><c>Email</c>: To finance; send it only when <see cref="Reconciliation.Ties"/> — otherwise the runner alerts ops with the mismatches and finance receives nothing.</para>
/// </remarks>
public sealed record CommissionReportOutput(string FileName, byte[] Workbook, Reconciliation Reconciliation, OutgoingMessage Email);

/// <summary>
/// Builds <c>commission_YYYY-MM.xlsx</c> (SPEC §4) for finance, who pay from it: every figure comes
/// from one <see cref="MetricsCalculator.Calculate"/> run — the computation of the <c>metrics</c>
/// export — for the month as known at <c>asOf</c>. The same store content and arguments give a
/// byte-identical workbook and an identical email.
/// </summary>
public static class CommissionReport
{
    public static async Task<CommissionReportOutput> BuildAsync(ReportContext context, DateOnly asOf, BusinessMonth month, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var monthRange = new Domain.DateRange(month.First, month.Last);
        var inputRead = MetricsInputQuery.LoadAsync(context.Store, asOf, month, context.Metrics, ct);
        // The reconciliation reads the month's policy versions again, on its own: a control that
        // ties the lines the metrics computed to what the store holds, file by file.
        var versionsRead = context.Store.GetPolicyVersionsAsync(asOf, new PolicySelection(Issue: monthRange, Cancel: monthRange), ct);
        var ledgerRead = context.Store.GetLedgerAsync(cancellationToken: ct);
        var result = MetricsCalculator.Calculate(await inputRead);
        return Build(context, result, await ledgerRead, await versionsRead);
    }

    /// <summary>The workbook, reconciliation and email from a metrics result and what the store says of the files.</summary>
    internal static CommissionReportOutput Build(
        ReportContext context, MetricsResult result, IReadOnlyList<IngestEntry> ledger, IReadOnlyList<PolicyVersion> versions)
    {
        var labels = new ReportLabels(context.Reference);
        var summary = Summary(result.Report, labels);
        var reconciliation = CommissionReconciliation.Reconcile(result, ledger, versions, [.. summary.Select(s => s.Branch)]);
        var files = ledger.ToDictionary(e => e.IngestId, e => e.FileName);
        var sources = versions.ToDictionary(
            v => v.Policy.Key,
            v => new ReconciledFileRef(v.IngestId, files.GetValueOrDefault(v.IngestId, "?")));
        var workbook = new CommissionWorkbookWriter(result, labels, context.Metrics, reconciliation, sources).Write(summary);
        var fileName = $"commission_{result.Report.Month}.xlsx";
        var email = Email(context, result.Report, summary, reconciliation, fileName, workbook);
        return new CommissionReportOutput(fileName, workbook, reconciliation, email);
    }

    /// <summary>
    /// One row per branch with a commission or advisor row in the month, by code (advisor rows of
    /// policies sold without a branch last).
    /// </summary>
    internal static IReadOnlyList<CommissionSummaryRow> Summary(MetricsReport report, ReportLabels labels)
    {
        var branches = report.Commission.Select(r => (string?)r.Branch)
            .Concat(report.Advisor.Select(r => r.Branch))
            .Distinct()
            .OrderBy(b => b is null)
            .ThenBy(b => b, StringComparer.Ordinal);
        return [.. branches.Select(b =>
        {
            var commission = report.Commission.Where(r => r.Branch == b).ToList();
            var advisors = report.Advisor.Where(r => r.Branch == b).ToList();
            return new CommissionSummaryRow(
                b,
                labels.Branch(b),
                commission.Sum(r => r.Premium),
                commission.Sum(r => r.Commission),
                commission.Sum(r => r.Clawback),
                commission.Sum(r => r.Net),
                advisors.Sum(r => r.Incentive),
                advisors.Sum(r => r.Clawback),
                advisors.Sum(r => r.Bonus),
                advisors.Sum(r => r.PromotionCost),
                advisors.Sum(r => r.Net));
        })];
    }

    private static OutgoingMessage Email(
        ReportContext context, MetricsReport report, IReadOnlyList<CommissionSummaryRow> summary, Reconciliation reconciliation, string fileName, byte[] workbook)
    {
        var month = report.Month.ToString();
        var attach = context.Delivery.AttachWorkbooks;
        var model = new
        {
            Month = month,
            AsOf = WorkbookFormats.DateText(report.AsOf),
            Banner = context.Banner,
            FileName = fileName,
            Attached = attach,
            OutputFolder = context.Delivery.OutputFolder,
            Ties = reconciliation.Ties,
            Files = reconciliation.Files.Count.ToString(CultureInfo.InvariantCulture),
            Mismatches = reconciliation.Mismatches,
            Branches = summary.Select(s => Row(s.Branch ?? ReportLabels.NoBranch, s.BranchName, s)).ToList(),
            Total = Row("集团合计", "Group total", Total(summary)),
        };
        var template = Handlebars.Create().Compile(TemplateAssembly.Read("CommissionWorkbook.hbs"));
        var attachments = attach
            ? new[] { new MessageAttachment(fileName, OutgoingMessage.WorkbookContentType, workbook) }
            : [];
        return new OutgoingMessage(
            "commission/" + month,
            [.. context.Delivery.FinanceRecipients],
            $"【手续费月报】{month} 佣金结算表",
            template(model),
            attachments);
    }

    private static CommissionSummaryRow Total(IReadOnlyList<CommissionSummaryRow> rows) => new(
        null, "", rows.Sum(s => s.Premium), rows.Sum(s => s.Commission), rows.Sum(s => s.Clawback), rows.Sum(s => s.Net),
        rows.Sum(s => s.Incentive), rows.Sum(s => s.IncentiveClawback), rows.Sum(s => s.Bonus), rows.Sum(s => s.PromotionCost), rows.Sum(s => s.AdvisorNet));

    private static object Row(string code, string name, CommissionSummaryRow s) => new
    {
        Code = code,
        Name = name,
        Premium = WorkbookFormats.YuanText(s.Premium),
        Commission = WorkbookFormats.YuanText(s.Commission),
        Clawback = WorkbookFormats.YuanText(s.Clawback),
        Net = WorkbookFormats.YuanText(s.Net),
        Incentive = WorkbookFormats.YuanText(s.Incentive),
        IncentiveClawback = WorkbookFormats.YuanText(s.IncentiveClawback),
        Bonus = WorkbookFormats.YuanText(s.Bonus),
        PromotionCost = WorkbookFormats.YuanText(s.PromotionCost),
        AdvisorNet = WorkbookFormats.YuanText(s.AdvisorNet),
    };
}
