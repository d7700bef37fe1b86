using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling.Calendar;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// What every report job does around its rendering (SPEC §5): holds the report until the business
/// date's extracts are loaded or the deadline passes (then sends it with the "data incomplete"
/// banner and alerts ops), and delivers through the per-recipient log: the emails first, then the
/// chat summaries to their robots (<see cref="ChatDeliverer"/>); a failure of either never stops the
/// other, and either fails the run. A report job gives only its rendering (<see cref="ReportRunner"/>).
/// </summary>
/// <remarks>Logs as <see cref="JobExecutor"/>, whose lines these were before jobs were types.</remarks>
public sealed class ReportJobPipeline(
    IReportingStore store,
    SourcesOptions sources,
    ReportRunner reports,
    Deliverer deliverer,
    ChatDeliverer chat,
    WorkingCalendar calendar,
    SchedulingOptions options,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    /// <summary>Waits for the extracts (when the job <see cref="JobDefinition.WaitsForExtracts"/>), renders with <paramref name="render"/>, delivers.</summary>
    public async Task<JobResult> RunAsync(
        JobDefinition job, JobRequest request, long runId, Func<RunOptions, CancellationToken, Task<ReportOutcome>> render, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(render);
        IReadOnlyList<string> missing = [];
        if (job.WaitsForExtracts)
        {
            using var waiting = ReportingTelemetry.StartRunActivity(ReportingTelemetry.WaitForExtractsActivity, request.Job, request.BusinessDate, runId);
            missing = await WaitForExtractsAsync(request, cancellationToken);
            waiting?.SetTag("missing_sources", string.Join(",", missing)).SetTag(ReportingTelemetry.StatusTag, missing.Count == 0 ? "OnTime" : "Incomplete");
        }

        var banner = missing.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"数据不完整 Data incomplete：{string.Join("、", missing)} 在截止时间前未加载 {request.BusinessDate:yyyy-MM-dd} 的数据，以下数字可能偏低。");
        ReportOutcome outcome;
        using (var rendering = ReportingTelemetry.StartRunActivity(ReportingTelemetry.RenderActivity, request.Job, request.BusinessDate, runId))
        {
            outcome = await render(request.Options with { Banner = banner }, cancellationToken);
            rendering?.SetTag("files", outcome.Files.Count).SetTag("messages", outcome.Messages.Count)
                .SetTag(ReportingTelemetry.StatusTag, outcome.Problem is null ? "Succeeded" : "Failed");
        }

        var alerts = outcome.Alerts.ToList();
        if (banner is not null)
        {
            alerts.Add(reports.Alert(
                string.Create(CultureInfo.InvariantCulture, $"incomplete/{request.Job}/{request.BusinessDate:yyyy-MM-dd}"),
                string.Create(CultureInfo.InvariantCulture, $"【告警】{request.Job} {request.BusinessDate:yyyy-MM-dd} 数据不完整，已带提示发送"),
                $"Missing extracts at the deadline: {string.Join(", ", missing)}. The reports went out with a data-incomplete banner."));
        }

        if (request.Trigger == RunTrigger.Scheduled && MissingCalendarAlert() is { } calendarAlert)
        {
            alerts.Add(calendarAlert);
        }

        var routes = chat.Plan(outcome.Chat);
        var outputs = routes.Count == 0
            ? JsonSerializer.Serialize(new { files = outcome.Files, messages = outcome.Messages.Select(m => m.Key), alerts = alerts.Select(a => a.Key) })
            : JsonSerializer.Serialize(new { files = outcome.Files, messages = outcome.Messages.Select(m => m.Key), alerts = alerts.Select(a => a.Key), chat = routes.Select(r => r.ToString()) });
        if (request.Options.DryRun)
        {
            return new JobResult(RunStatus.Succeeded, outcome.Messages.Count + routes.Count, outputs, outcome.Problem);
        }

        using var delivering = ReportingTelemetry.StartRunActivity(ReportingTelemetry.DeliverActivity, request.Job, request.BusinessDate, runId);
        var delivery = await deliverer.DeliverAsync(request.Job, request.BusinessDate, runId, outcome.Messages.Concat(alerts), request.Resend, cancellationToken);
        var chatDelivery = await chat.DeliverAsync(request.Job, request.BusinessDate, runId, outcome.Chat, request.Resend, cancellationToken);
        delivering?.SetTag("sent", delivery.Sent + chatDelivery.Sent).SetTag("failed", delivery.Failed + chatDelivery.Failed)
            .SetTag(ReportingTelemetry.StatusTag, delivery.Failed + chatDelivery.Failed == 0 ? "Succeeded" : "Failed");
        var status = outcome.Problem is not null || delivery.Failed > 0 || chatDelivery.Failed > 0 ? RunStatus.Failed
            : banner is not null ? RunStatus.Incomplete
            : RunStatus.Succeeded;
        var error = string.Join("; ", new[] { outcome.Problem }.Concat(delivery.Errors).Concat(chatDelivery.Errors).Where(e => e is not null));
        return new JobResult(status, delivery.Sent + chatDelivery.Sent, outputs, error.Length == 0 ? null : error);
    }

    /// <summary>
    /// The alert that a year of the working calendar is missing (<see cref="WorkingCalendar.MissingYear(SchedulingOptions, DateTimeOffset)"/>:
    /// next year's from 1 December, when a job's day rule reads it). Its key names the year only, so
    /// the per-recipient delivery log sends it once, whichever scheduled report carries it first
    /// (the morning email, every day), and again only if that send failed; adding the year's file
    /// stops it. Scheduled runs only: a rerun by hand, a backfill or the demo is about a business
    /// date, not the schedule.
    /// </summary>
    private OutgoingMessage? MissingCalendarAlert()
    {
        if (calendar.MissingYear(options, time.GetUtcNow()) is not { } year)
        {
            return null;
        }

        logger.LogWarning("{Missing}", WorkingCalendar.MissingYearText(year));
        return reports.Alert(
            string.Create(CultureInfo.InvariantCulture, $"calendar/missing/{year}"),
            string.Create(CultureInfo.InvariantCulture, $"【告警】{year} 年节假日安排未配置 Working calendar for {year} missing"),
            WorkingCalendar.MissingYearText(year));
    }

    /// <summary>
    /// The freshness gate: the enabled sources whose extract for the business date is not loaded.
    /// A scheduled run polls until <see cref="FreshnessOptions.Wait"/> has passed; a manual run
    /// looks once (ops asked for it now).
    /// </summary>
    private async Task<IReadOnlyList<string>> WaitForExtractsAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + (request.Trigger == RunTrigger.Scheduled ? options.Freshness.Wait : TimeSpan.Zero);
        while (true)
        {
            var freshness = await DataFreshness.ForAsync(store, sources, request.BusinessDate, cancellationToken);
            var missing = freshness.Where(f => f.Status != FreshnessStatus.OnTime).Select(f => f.Source).ToList();
            if (missing.Count == 0 || time.GetUtcNow() >= deadline)
            {
                return missing;
            }

            logger.LogInformation("{Job} {BusinessDate}: waiting for {Missing}", request.Job, request.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(", ", missing));
            var pause = deadline - time.GetUtcNow();
            await Task.Delay(pause < options.Freshness.PollInterval ? pause : options.Freshness.PollInterval, time, cancellationToken);
        }
    }
}
