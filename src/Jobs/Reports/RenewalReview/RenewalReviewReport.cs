using System.Globalization;
using HandlebarsDotNet;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;
using Reporting.Templates;

namespace Reporting.Jobs.Reports.RenewalReview;

/// <summary>The monthly renewal review of one closed cohort: the workbook and its emails.</summary>
/// <remarks>
/// <para><c>Emails</c>: one per configured branch with manager addresses (key
/// <c>review/YYYY-MM/Bxx</c>), then the group's (key <c>review/YYYY-MM/group</c>), which carries the
/// workbook when <see cref="DeliveryOptions.AttachWorkbooks"/>.</para>
/// </remarks>
public sealed record RenewalReviewOutput(BusinessMonth Cohort, string FileName, byte[] Workbook, IReadOnlyList<OutgoingMessage> Emails);

/// <summary>
/// Builds the monthly renewal review (SPEC §4): final rates, conversion by window and lost reasons
/// of the latest cohort that is closed as of <c>asOf</c> (<see cref="ClosedCohort"/>), from one
/// metrics run for that month as of <c>asOf</c> — the same computation as the <c>metrics</c>
/// export with <c>--month</c> set to the cohort. Aggregates only: no customer data.
/// </summary>
public static class RenewalReviewReport
{
    public static async Task<RenewalReviewOutput> BuildAsync(ReportContext context, DateOnly asOf, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cohort = ClosedCohort.Of(asOf, context.Metrics.Renewal.GraceDays);
        var input = await MetricsInputQuery.LoadAsync(context.Store, asOf, cohort, context.Metrics, ct);
        return Build(context, MetricsCalculator.Calculate(input));
    }

    internal static RenewalReviewOutput Build(ReportContext context, MetricsResult result)
    {
        var report = result.Report;
        if (report.Renewal.Any(r => r.Pending != 0))
        {
            throw new InvalidOperationException($"The cohort {report.Month} still has pending policies as of {WorkbookFormats.DateText(report.AsOf)}: it is not final.");
        }

        var labels = new ReportLabels(context.Reference);
        var workbook = new RenewalReviewWriter(result, labels, context.Metrics).Write();
        var fileName = $"renewal_review_{report.Month}.xlsx";
        var template = Handlebars.Create().Compile(TemplateAssembly.Read("RenewalReview.hbs"));
        var emails = new List<OutgoingMessage>();
        foreach (var branch in context.Reference.Branches
            .Where(b => b.ManagerEmails.Count > 0)
            .OrderBy(b => b.Code, StringComparer.Ordinal))
        {
            var model = Model(context, report, labels, branch.Code, fileName, attached: false);
            emails.Add(new OutgoingMessage(
                $"review/{report.Month}/{branch.Code}",
                [.. branch.ManagerEmails],
                $"【续保月度复盘】{report.Month} {labels.Branch(branch.Code)} 终版续保率",
                template(model),
                []));
        }

        var attach = context.Delivery.AttachWorkbooks;
        emails.Add(new OutgoingMessage(
            $"review/{report.Month}/group",
            [.. context.Delivery.GroupRecipients],
            $"【续保月度复盘】{report.Month} 集团终版续保率",
            template(Model(context, report, labels, null, fileName, attach)),
            attach ? [new MessageAttachment(fileName, OutgoingMessage.WorkbookContentType, workbook)] : []));
        return new RenewalReviewOutput(report.Month, fileName, workbook, emails);
    }

    /// <summary>The email model of one branch (<paramref name="branch"/>) or of the group (null); formatted text only.</summary>
    private static object Model(ReportContext context, MetricsReport report, ReportLabels labels, string? branch, string fileName, bool attached)
    {
        var options = context.Metrics.Renewal;
        var key = branch ?? "*";
        var rateRows = branch is null
            ? report.Renewal.Where(r => r.Branch != "*" && r is { Insurer: "*", Advisor: "*" }).Select(r => RateRow(labels.Branch(r.Branch), r, options.TargetFor(r.Branch)))
                .Append(RateRow("集团合计 Group", report.Renewal.Single(r => r is { Branch: "*", Insurer: "*", Advisor: "*" }), options.Target))
            : report.Renewal.Where(r => r.Branch == branch && r is { Insurer: "*", Advisor: "*" }).Select(r => RateRow(labels.Branch(r.Branch), r, options.TargetFor(r.Branch)));
        var advisors = branch is null
            ? []
            : report.Renewal.Where(r => r.Branch == branch && r.Insurer == "*" && r.Advisor != "*")
                .Select(r => RateRow(labels.Advisor(r.Advisor), r, options.TargetFor(r.Branch)));
        var conversion = report.Conversion.Where(r => r.Branch == key).Select(r => new
        {
            r.Window,
            Lead = options.Windows.FirstOrDefault(w => w.Name == r.Window) is { } w ? ReportLabels.Window(w) : "",
            AtRisk = WorkbookFormats.CountText(r.AtRisk),
            Converted = WorkbookFormats.CountText(r.Converted),
            Contacted = WorkbookFormats.CountText(r.Contacted),
            Rate = WorkbookFormats.PercentText(r.Rate),
            Cumulative = WorkbookFormats.PercentText(r.Cumulative),
        });
        var lost = report.LostReasons.Where(r => branch is null || r.Branch == branch)
            .GroupBy(r => r.Reason, StringComparer.Ordinal)
            .OrderBy(g => LostReasons.Order.ToList().IndexOf(g.Key))
            .Select(g => new { Reason = ReportLabels.LostReason(g.Key), Count = WorkbookFormats.CountText(g.Sum(r => r.Count)) });
        return new
        {
            Title = branch is null ? "集团续保月度复盘" : labels.Branch(branch) + " 续保月度复盘",
            Cohort = report.Month.ToString(),
            AsOf = WorkbookFormats.DateText(report.AsOf),
            context.Banner,
            IsGroup = branch is null,
            Rates = rateRows.ToList(),
            Advisors = advisors.ToList(),
            Conversion = conversion.ToList(),
            LostReasons = lost.ToList(),
            FileName = fileName,
            Attached = attached,
        };
    }

    private static object RateRow(string name, RenewalRow r, decimal target) => new
    {
        Name = name,
        Due = WorkbookFormats.CountText(r.Due),
        Renewed = WorkbookFormats.CountText(r.Renewed),
        SameInsurer = WorkbookFormats.CountText(r.RenewedSameInsurer),
        Switched = WorkbookFormats.CountText(r.Renewed - r.RenewedSameInsurer),
        Lapsed = WorkbookFormats.CountText(r.Lapsed),
        Rate = WorkbookFormats.PercentText(r.Rate),
        Target = WorkbookFormats.ConfiguredRateText(target),
        Variance = r.Rate is { } rate ? Signed(rate - target) : WorkbookFormats.NoRate,
        Meets = r.Rate is { } met && met >= target,
    };

    private static string Signed(decimal variance) =>
        (variance >= 0 ? "+" : "−") + (Math.Abs(variance) * 100m).ToString("0.00", CultureInfo.InvariantCulture) + " 个百分点";
}
