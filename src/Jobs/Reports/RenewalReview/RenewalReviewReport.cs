using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;

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
        var emails = new List<OutgoingMessage>();
        foreach (var branch in context.Reference.Branches
            .Where(b => b.ManagerEmails.Count > 0)
            .OrderBy(b => b.Code, StringComparer.Ordinal))
        {
            emails.Add(new OutgoingMessage(
                $"review/{report.Month}/{branch.Code}",
                [.. branch.ManagerEmails],
                $"【续保月度复盘】{report.Month} {labels.Branch(branch.Code)} 终版续保率",
                Render(context, report, Model(context, report, labels, branch.Code, fileName, attached: false)),
                []));
        }

        var attach = context.Delivery.AttachWorkbooks;
        emails.Add(new OutgoingMessage(
            $"review/{report.Month}/group",
            [.. context.Delivery.GroupRecipients],
            $"【续保月度复盘】{report.Month} 集团终版续保率",
            Render(context, report, Model(context, report, labels, null, fileName, attach)),
            attach ? [new MessageAttachment(fileName, OutgoingMessage.WorkbookContentType, workbook)] : []));
        return new RenewalReviewOutput(report.Month, fileName, workbook, emails);
    }

    /// <summary>One email in the shared layout: the title says whose review and which cohort; the footer, the as-of date.</summary>
    private static string Render(ReportContext context, MetricsReport report, RenewalReviewEmail model) => EmailRenderer.Render(
        Template,
        new EmailPage(
            $"{model.Title} · {report.Month} 到期保单（终版）",
            $"Renewal review of the {report.Month} cohort, final (nothing pending), data as of {WorkbookFormats.DateText(report.AsOf)}.",
            context.Banner,
            report.AsOf,
            Freshness: null),
        model);

    /// <summary>The email model of one branch (<paramref name="branch"/>) or of the group (null).</summary>
    private static RenewalReviewEmail Model(ReportContext context, MetricsReport report, ReportLabels labels, string? branch, string fileName, bool attached)
    {
        var options = context.Metrics.Renewal;
        var key = branch ?? "*";
        var rateRows = branch is null
            ? report.Renewal.Where(r => r.Branch != "*" && r is { Insurer: "*", Advisor: "*" }).Select(r => RateLine(labels.Branch(r.Branch), r, options.TargetFor(r.Branch)))
                .Append(RateLine("集团合计 Group", report.Renewal.Single(r => r is { Branch: "*", Insurer: "*", Advisor: "*" }), options.Target))
            : report.Renewal.Where(r => r.Branch == branch && r is { Insurer: "*", Advisor: "*" }).Select(r => RateLine(labels.Branch(r.Branch), r, options.TargetFor(r.Branch)));
        var advisors = branch is null
            ? []
            : report.Renewal.Where(r => r.Branch == branch && r.Insurer == "*" && r.Advisor != "*")
                .Select(r => RateLine(labels.Advisor(r.Advisor), r, options.TargetFor(r.Branch)));
        var conversion = report.Conversion.Where(r => r.Branch == key).Select(r => new ReviewConversionLine(
            r.Window,
            options.Windows.FirstOrDefault(w => w.Name == r.Window) is { } w ? ReportLabels.Window(w) : "",
            r.AtRisk,
            r.Converted,
            r.Contacted,
            r.Rate,
            r.Cumulative));
        var lost = report.LostReasons.Where(r => branch is null || r.Branch == branch)
            .GroupBy(r => r.Reason, StringComparer.Ordinal)
            .OrderBy(g => LostReasons.Order.ToList().IndexOf(g.Key))
            .Select(g => new ReviewLostReasonLine(ReportLabels.LostReason(g.Key), g.Sum(r => r.Count)));
        return new RenewalReviewEmail(
            branch is null ? "集团续保月度复盘" : labels.Branch(branch) + " 续保月度复盘",
            branch is null,
            [.. rateRows],
            [.. advisors],
            [.. conversion],
            [.. lost],
            fileName,
            attached);
    }

    private static ReviewRateLine RateLine(string name, RenewalRow r, decimal target) =>
        new(name, r.Due, r.Renewed, r.RenewedSameInsurer, r.Lapsed, r.Rate, target);

    private const string Template = "RenewalReview.sbn-html";
}

/// <summary>The body of one renewal review email (<c>src/Templates/RenewalReview.sbn-html</c>): aggregates only.</summary>
/// <remarks><c>IsGroup</c>: the group's email, every branch and a group row, no advisor table.</remarks>
public sealed record RenewalReviewEmail(
    string Title,
    bool IsGroup,
    IReadOnlyList<ReviewRateLine> Rates,
    IReadOnlyList<ReviewRateLine> Advisors,
    IReadOnlyList<ReviewConversionLine> Conversion,
    IReadOnlyList<ReviewLostReasonLine> LostReasons,
    string FileName,
    bool Attached);

/// <summary>A branch's, an advisor's or the group's final renewal rate against its target.</summary>
/// <remarks><c>Variance</c> is <c>rate - target</c>, null with the rate (no policy due): shown as —.</remarks>
public sealed record ReviewRateLine(string Name, int Due, int Renewed, int SameInsurer, int Lapsed, decimal? Rate, decimal Target)
{
    /// <summary>转保: renewed with another insurer.</summary>
    public int Switched => Renewed - SameInsurer;

    public decimal? Variance => Rate - Target;

    public bool Meets => Rate is { } rate && rate >= Target;
}

/// <summary>One expiry window of the cohort's conversion; <c>Lead</c> in words (到期前 61–90 天).</summary>
public sealed record ReviewConversionLine(string Window, string Lead, int AtRisk, int Converted, int Contacted, decimal? Rate, decimal? Cumulative);

/// <summary>One lost reason (战败原因) with its Chinese label and count.</summary>
public sealed record ReviewLostReasonLine(string Reason, int Count);
