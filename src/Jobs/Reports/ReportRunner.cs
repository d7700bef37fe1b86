using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports;

/// <summary>
/// The reports' job names, as their outcomes, delivery keys and run history carry them; the jobs
/// themselves are types (<c>Scheduling/MorningJob</c>…), registered in DI.
/// </summary>
public static class ReportJobs
{
    public const string Morning = "morning";
    public const string Commission = "commission";
    public const string RenewalReview = "renewal-review";
}

/// <summary>How one run differs from a plain scheduled run.</summary>
/// <param name="DryRun">Render everything, write and send nothing; list what would go where.</param>
/// <param name="Branch">Only this branch's messages (and no group message).</param>
/// <param name="Banner">A notice shown on top of every email (the freshness gate's "data incomplete").</param>
public sealed record RunOptions(bool DryRun = false, string? Branch = null, string? Banner = null);

/// <summary>What a run produced: files written, messages sent (or that would be), alerts raised.</summary>
public sealed record ReportOutcome(
    string Job,
    DateOnly BusinessDate,
    IReadOnlyList<string> Files,
    IReadOnlyList<OutgoingMessage> Messages,
    IReadOnlyList<OutgoingMessage> Alerts,
    string? Problem)
{
    public bool Succeeded => Problem is null;

    /// <summary>Chat summaries to the robots of their scope (the morning job's), delivered beside <see cref="Messages"/>.</summary>
    public IReadOnlyList<OutgoingChatMessage> Chat { get; init; } = [];
}

/// <summary>
/// Render for each report job of SPEC §4: builds the report for a business date, writes workbooks
/// to the output folder (the finance share), and returns the messages to deliver (the
/// job executor sends them through the delivery log). A commission
/// workbook whose reconciliation does not tie is written but its email is not returned; an alert
/// to ops is, instead. A workbook that cannot be opened again (<see cref="WorkbookCheck"/>, read
/// back from the file just written) fails the run: it is not left in the output folder, none of
/// the run's emails is returned, ops are alerted with the file and the cause.
/// </summary>
public sealed class ReportRunner(
    IReportingStore store,
    SourcesOptions sources,
    ReferenceDataOptions reference,
    IOptions<MetricsOptions> metrics,
    DeliveryOptions delivery,
    ReportingPaths paths,
    BusinessCalendar calendar,
    ILogger<ReportRunner> logger,
    MorningEmailOptions? morning = null)
{
    /// <summary>
    /// The morning emails for business date D: one per branch and the group's, and their chat
    /// summaries (<see cref="MorningChat"/>). A branch's attached
    /// call-list workbook is checked (<see cref="WorkbookCheck"/>) before anything is returned: one
    /// that cannot be opened again fails the run, nothing is sent (no chat either) and ops are alerted.
    /// </summary>
    public async Task<ReportOutcome> RunMorningAsync(DateOnly businessDate, RunOptions options, CancellationToken cancellationToken)
    {
        var output = await MorningReport.BuildWithChatAsync(Context(options), businessDate, calendar.Zone, cancellationToken);
        var messages = Select(output.Emails, options);
        var date = businessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var attachment in messages.SelectMany(m => m.Attachments))
        {
            if (WorkbookCheck.ProblemOf(attachment.FileName, attachment.Content) is { } problem)
            {
                return Unreadable(ReportJobs.Morning, businessDate, $"morning/{date}", $"【告警】续保日报 {date} 待跟进名单工作簿无法打开，未发送", problem, options, attachment: true);
            }
        }

        return Outcome(ReportJobs.Morning, businessDate, [], messages, options) with
        {
            Chat = [.. output.Chat.Where(c => options.Branch is null || c.Scope == options.Branch)],
        };
    }

    /// <summary>
    /// The commission workbook of the month D falls in, as known at D: on the 1st the scheduler runs
    /// it for D = the last day of the month before, so finance gets the closed month.
    /// </summary>
    public async Task<ReportOutcome> RunCommissionAsync(DateOnly businessDate, RunOptions options, CancellationToken cancellationToken)
    {
        var month = BusinessMonth.Of(businessDate);
        var output = await CommissionReport.BuildAsync(Context(options), businessDate, month, cancellationToken);
        var (file, unreadable) = await WriteAsync(output.FileName, output.Workbook, options, cancellationToken);
        if (unreadable is not null)
        {
            return Unreadable(ReportJobs.Commission, businessDate, $"commission/{month}", $"【告警】手续费月报 {month} 工作簿无法打开，未发送", unreadable, options);
        }

        if (!output.Reconciliation.Ties)
        {
            var problem = NotReconciled(output.FileName, output.Reconciliation.Mismatches);
            logger.LogError("{Problem}; not sent, ops alerted", problem);
            var alert = Alert($"commission/{month}", $"【告警】手续费月报 {month} 对账不平，未发送", problem);
            return Outcome(ReportJobs.Commission, businessDate, file, [], options, [alert], problem);
        }

        return Outcome(ReportJobs.Commission, businessDate, file, Select([output.Email], options with { Branch = null }), options);
    }

    /// <summary>The renewal review of the latest cohort that is final as of D.</summary>
    public async Task<ReportOutcome> RunRenewalReviewAsync(DateOnly businessDate, RunOptions options, CancellationToken cancellationToken)
    {
        var output = await RenewalReviewReport.BuildAsync(Context(options), businessDate, cancellationToken);
        var (file, unreadable) = await WriteAsync(output.FileName, output.Workbook, options, cancellationToken);
        if (unreadable is not null)
        {
            return Unreadable(ReportJobs.RenewalReview, businessDate, $"review/{output.Cohort}", $"【告警】续保月度复盘 {output.Cohort} 工作簿无法打开，未发送", unreadable, options);
        }

        return Outcome(ReportJobs.RenewalReview, businessDate, file, Select(output.Emails, options), options);
    }

    /// <summary>Mismatches an alert (and the run's error) lists; the workbook's 对账 sheet lists every one.</summary>
    internal const int MismatchesShown = 20;

    /// <summary>
    /// The problem of a commission workbook that does not tie: the first <see cref="MismatchesShown"/>
    /// mismatches and how many more, so that the alert stays small however broken the month (a
    /// ledger gone wrong can give one mismatch per policy line, 200 000 of them).
    /// </summary>
    internal static string NotReconciled(string fileName, IReadOnlyList<string> mismatches)
    {
        var text = $"commission workbook {fileName} does not reconcile: " + string.Join("; ", mismatches.Take(MismatchesShown));
        return mismatches.Count <= MismatchesShown
            ? text
            : text + string.Create(CultureInfo.InvariantCulture, $"; … and {mismatches.Count - MismatchesShown:#,##0} more (另有 {mismatches.Count - MismatchesShown:#,##0} 条), every one on the 对账 Reconciliation sheet of {fileName}");
    }

    /// <summary>An alert to ops (<c>src/Templates/OpsAlert.sbn-html</c> in the shared layout): the text encoded, no personal data.</summary>
    public OutgoingMessage Alert(string key, string subject, string text) => new(
        "alert/" + key,
        delivery.OpsRecipients,
        subject,
        OpsAlertEmail.Render("alert/" + key, subject, text),
        []);

    /// <summary>
    /// The messages of a run: all, or one branch's; with a banner, every subject says the data is
    /// incomplete so nobody reads the figures as final from the inbox list.
    /// </summary>
    private static List<OutgoingMessage> Select(IReadOnlyList<OutgoingMessage> messages, RunOptions options) => messages
        .Where(m => options.Branch is null || m.Key.EndsWith("/" + options.Branch, StringComparison.Ordinal))
        .Select(m => options.Banner is null ? m : m with { Subject = "【数据不完整】" + m.Subject })
        .ToList();

    private ReportContext Context(RunOptions options) => new(store, sources, reference, metrics.Value, delivery, options.Banner, morning);

    /// <summary>The workbook in the output folder, checked (<see cref="WriteCheckedAsync"/>): the files written, or the problem.</summary>
    private async Task<(IReadOnlyList<string> Files, string? Problem)> WriteAsync(string fileName, byte[] workbook, RunOptions options, CancellationToken cancellationToken)
    {
        var path = Path.Combine(paths.Resolve(delivery.OutputFolder), fileName);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var problem = await WriteCheckedAsync(path, workbook, options.DryRun, cancellationToken);
        logger.LogDebug("{File}: read back and checked in {Elapsed} ms", fileName, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return problem is null ? ([path], null) : ([], problem);
    }

    /// <summary>
    /// Writes <paramref name="workbook"/> to <paramref name="path"/> only if it can be opened again:
    /// to a temporary file beside it first, read back from there and checked with
    /// <see cref="WorkbookCheck"/>, then moved into place (replacing an earlier run's file). A dry
    /// run checks the bytes and writes nothing. Returns null, or the problem naming the file; the
    /// temporary file is deleted and an earlier file at <paramref name="path"/> is left as it was.
    /// </summary>
    internal static async Task<string?> WriteCheckedAsync(string path, byte[] workbook, bool dryRun, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            return WorkbookCheck.ProblemOf(Path.GetFileName(path), workbook);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var written = path + ".writing";
        try
        {
            await File.WriteAllBytesAsync(written, workbook, cancellationToken);
            if (WorkbookCheck.ProblemOfFile(written) is { } problem)
            {
                return problem.Replace(Path.GetFileName(written), Path.GetFileName(path), StringComparison.Ordinal);
            }

            File.Move(written, path, overwrite: true);
            return null;
        }
        finally
        {
            File.Delete(written);
        }
    }

    /// <summary>A run whose workbook cannot be opened again: failed, nothing to deliver but the alert to ops.</summary>
    /// <remarks><paramref name="attachment"/>: the workbook only travels with an email (the call list), it is never written to the output folder.</remarks>
    private ReportOutcome Unreadable(string job, DateOnly businessDate, string key, string subject, string problem, RunOptions options, bool attachment = false)
    {
        var text = problem + (attachment ? "; nothing was sent" : "; it was not put in the output folder and nothing was sent");
        logger.LogError("{Problem}; ops alerted", text);
        return Outcome(job, businessDate, [], [], options, [Alert("unreadable/" + key, subject, text)], text);
    }

    private ReportOutcome Outcome(
        string job, DateOnly businessDate, IReadOnlyList<string> files, List<OutgoingMessage> messages, RunOptions options,
        IReadOnlyList<OutgoingMessage>? alerts = null, string? problem = null)
    {
        logger.LogInformation(
            "{Job} {BusinessDate}: {Messages} messages, {Files} files{DryRun}",
            job, businessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), messages.Count, files.Count, options.DryRun ? " (dry run)" : "");
        return new ReportOutcome(job, businessDate, files, messages, alerts ?? [], problem);
    }
}
