using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Hosting;

/// <summary>
/// The worker's metrics and traces, with the BCL's <see cref="Meter"/> and <see cref="ActivitySource"/>
/// only: the stages record, and the host (<c>src/Worker</c>) decides whether anything listens
/// (<c>Telemetry</c> section, off by default; <c>docs/operations.md</c>, "Telemetry and logs").
/// </summary>
/// <remarks>
/// No personal data and no secrets in any tag (SPEC §7): tags are job names, business dates, run
/// ids, source names, extract file names, channels and statuses. Never a recipient address, a
/// robot's address or key, a customer value or a run's error text (a delivery error names its
/// recipient).
/// </remarks>
public static class ReportingTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Reporting.Worker";

    /// <summary>Activity names: a job run, a report's stages, one file (or query) load.</summary>
    public const string JobRunActivity = "job.run",
        WaitForExtractsActivity = "report.wait_for_extracts",
        RenderActivity = "report.render",
        DeliverActivity = "report.deliver",
        ExtractLoadActivity = "extract.load";

    /// <summary>Tag names, on activities and measurements.</summary>
    public const string JobTag = "job",
        BusinessDateTag = "business_date",
        RunIdTag = "run_id",
        TriggerTag = "trigger",
        StatusTag = "status",
        SourceTag = "source",
        FileNameTag = "file_name",
        ChannelTag = "channel";

    /// <summary>The <see cref="ChannelTag"/> of email; chat robots are <c>wecom</c> and <c>dingtalk</c>.</summary>
    public const string EmailChannel = "email";

    private static readonly string? Version = typeof(ReportingTelemetry).Assembly.GetName().Version?.ToString();

    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    public static Meter Meter { get; } = new(Name, Version);

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "reporting.job.runs", "{run}", "Job runs by how they ended.");

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "reporting.job.duration", "s", "How long a job run took.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] });

    private static readonly Counter<long> RowsLoaded = Meter.CreateCounter<long>(
        "reporting.extract.rows_loaded", "{row}", "Rows written to the store, per source.");

    private static readonly Counter<long> RowsRejected = Meter.CreateCounter<long>(
        "reporting.extract.rows_rejected", "{row}", "Rows rejected by validation, per source (as the ingest ledger counts them, failed files included).");

    private static readonly Histogram<double> ExtractLag = Meter.CreateHistogram<double>(
        "reporting.extract.lag", "s",
        "From the end of an extract's date (midnight in Business:TimeZone) to the moment it was loaded, per source.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [900, 1800, 3600, 7200, 14400, 21600, 28800, 43200, 86400, 172800, 604800] });

    private static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>(
        "reporting.delivery.messages_sent", "{message}", "Messages delivered, one per recipient (email) or robot (chat), per channel.");

    private static readonly Counter<long> MessagesFailed = Meter.CreateCounter<long>(
        "reporting.delivery.messages_failed", "{message}", "Messages that failed after their retries, per channel.");

    /// <summary>A business date as a tag value.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Starts an activity of a run (the run itself or one of its stages) tagged with the job and the business date.</summary>
    public static Activity? StartRunActivity(string name, string job, DateOnly businessDate, long? runId = null)
    {
        var activity = ActivitySource.StartActivity(name);
        if (activity is not null)
        {
            activity.SetTag(JobTag, job).SetTag(BusinessDateTag, Date(businessDate));
            if (runId is { } id)
            {
                activity.SetTag(RunIdTag, id);
            }
        }

        return activity;
    }

    /// <summary>Starts the activity of one file or query load. The file name is an extract's name (<c>policies_20261121.csv</c>), shown escaped.</summary>
    public static Activity? StartLoadActivity(string source, string fileName) =>
        ActivitySource.StartActivity(ExtractLoadActivity)?.SetTag(SourceTag, source).SetTag(FileNameTag, TextSafety.Printable(fileName, 255));

    /// <summary>A run ended with <paramref name="status"/> after <paramref name="duration"/>.</summary>
    public static void RunFinished(string job, string status, TimeSpan duration)
    {
        Runs.Add(1, new KeyValuePair<string, object?>(JobTag, job), new KeyValuePair<string, object?>(StatusTag, status));
        RunDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(JobTag, job));
    }

    /// <summary>One load's rows, as the ledger records them.</summary>
    public static void Loaded(string source, long rowsLoaded, long rowsRejected)
    {
        var tag = new KeyValuePair<string, object?>(SourceTag, source);
        RowsLoaded.Add(rowsLoaded, tag);
        RowsRejected.Add(rowsRejected, tag);
    }

    /// <summary>How long after the end of its date an extract was loaded.</summary>
    public static void ExtractLoadedAfter(string source, TimeSpan lag) =>
        ExtractLag.Record(lag.TotalSeconds, new KeyValuePair<string, object?>(SourceTag, source));

    /// <summary>What one delivery pass of a channel sent and failed.</summary>
    public static void Delivered(string channel, int sent, int failed)
    {
        var tag = new KeyValuePair<string, object?>(ChannelTag, channel);
        if (sent > 0)
        {
            MessagesSent.Add(sent, tag);
        }

        if (failed > 0)
        {
            MessagesFailed.Add(failed, tag);
        }
    }
}
