using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;
using Reporting.Jobs.Store;
using Reporting.Worker.Scheduling;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Health;

/// <summary>
/// Every enabled source's extract is fresh: loaded for the latest business date whose extracts are
/// due (<see cref="DueDate"/>), read from the ingest ledger as the email's freshness footer reads it
/// (<see cref="DataFreshness"/>). Names each stale source with its latest extract date.
/// </summary>
public sealed class ExtractFreshnessCheck(
    IReportingStore store, SourcesOptions sources, JobRegistry jobs, SchedulingOptions schedule, WorkingCalendar calendar, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var due = DueDate(time.GetUtcNow());
        var freshness = await DataFreshness.ForAsync(store, sources, due, cancellationToken);
        var stale = freshness.Where(f => f.Status != FreshnessStatus.OnTime).ToList();
        var date = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (stale.Count == 0)
        {
            return HealthCheckResult.Healthy($"every enabled source has its extract for {date} ({freshness.Count} sources)");
        }

        return HealthCheckResult.Unhealthy($"stale for {date}: " + string.Join("; ", stale.Select(f => f.Source + " " + f.Status switch
        {
            FreshnessStatus.Never => "has never loaded",
            FreshnessStatus.Failed => "failed to load it",
            _ => "latest " + f.LatestExtractDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        })));
    }

    /// <summary>
    /// The latest business date whose extracts are due at <paramref name="now"/>: the date the last
    /// morning fire at least the freshness wait ago reports (the reports' deadline has passed for it);
    /// without a morning job, the day before yesterday in the business zone.
    /// </summary>
    public DateOnly DueDate(DateTimeOffset now)
    {
        var deadline = now - schedule.Freshness.Wait;
        if (schedule.Find(MorningRunCheck.Job) is { } morning && jobs.Find(MorningRunCheck.Job) is { } definition)
        {
            var zone = schedule.ZoneOf(morning);
            // Short spans first: a cron of every few seconds (tests) would step through days of fires.
            var last = new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(12) }
                .Select(span => CalendarTriggers.LastFireAtOrBefore(morning, zone, calendar, deadline, span))
                .FirstOrDefault(fire => fire is not null);
            if (last is { } fire)
            {
                return BusinessDates.Of(definition, morning, fire, zone);
            }
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(deadline, TimeZoneInfo.FindSystemTimeZoneById(schedule.DefaultTimeZone)).DateTime);
        return today.AddDays(-2);
    }
}
