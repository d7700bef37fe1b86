using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;

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
        var model = new CommissionEmail(
            fileName,
            attach,
            context.Delivery.OutputFolder,
            reconciliation.Ties,
            reconciliation.Files.Count,
            reconciliation.Mismatches,
            [.. summary.Select(s => s with { Branch = s.Branch ?? ReportLabels.NoBranch })],
            Total(summary));
        var page = new EmailPage(
            $"手续费月报 {month} 佣金结算表",
            $"Commission workbook for {month}, data as of {WorkbookFormats.DateText(report.AsOf)}.",
            context.Banner,
            report.AsOf,
            Freshness: null);
        var attachments = attach
            ? new[] { new MessageAttachment(fileName, OutgoingMessage.WorkbookContentType, workbook) }
            : [];
        return new OutgoingMessage(
            "commission/" + month,
            [.. context.Delivery.FinanceRecipients],
            $"【手续费月报】{month} 佣金结算表",
            EmailRenderer.Render(Template, page, model),
            attachments);
    }

    private const string Template = "CommissionEmail.sbn-html";

    private static CommissionSummaryRow Total(IReadOnlyList<CommissionSummaryRow> rows) => new(
        "集团合计", "Group total", rows.Sum(s => s.Premium), rows.Sum(s => s.Commission), rows.Sum(s => s.Clawback), rows.Sum(s => s.Net),
        rows.Sum(s => s.Incentive), rows.Sum(s => s.IncentiveClawback), rows.Sum(s => s.Bonus), rows.Sum(s => s.PromotionCost), rows.Sum(s => s.AdvisorNet));
}

/// <summary>
/// The body of the commission email to finance (<c>src/Templates/CommissionEmail.sbn-html</c>): the
/// reconciliation verdict and one row per branch (<c>Branch</c> is the code, or （无门店） for advisor
/// rows without a branch), then the group total.
/// </summary>
public sealed record CommissionEmail(
    string FileName,
    bool Attached,
    string OutputFolder,
    bool Ties,
    int Files,
    IReadOnlyList<string> Mismatches,
    IReadOnlyList<CommissionSummaryRow> Branches,
    CommissionSummaryRow Total);
