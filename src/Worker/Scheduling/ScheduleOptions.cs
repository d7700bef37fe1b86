using System.Globalization;
using Quartz;
using Reporting.Jobs.Reports;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// When each job runs (<c>Schedule</c> section, <c>config/schedule.json</c>; SPEC §5). Validated at
/// start-up: a bad cron, an unknown job or an unknown time zone stops the worker with a message that
/// names the key and the value.
/// </summary>
public sealed class ScheduleOptions
{
    public const string SectionName = "Schedule";

    /// <summary>The ingest job: loads every enabled source's drop folder.</summary>
    public const string IngestJob = "ingest";

    public static readonly IReadOnlyList<string> KnownJobs = [IngestJob, .. ReportJobs.All];

    /// <summary>This worker's name in a cluster; empty means host name and a unique suffix.</summary>
    public string Instance { get; set; } = "";

    public List<ScheduledJobOptions> Jobs { get; set; } = [];

    /// <summary>
    /// How late a fire may be and still count as on time. Later than this it is a misfire, which
    /// fires once when the worker gets to it (the worker was down at 07:30: the email goes at 08:10).
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time zone of jobs that name none (<c>Business:TimeZone</c>).</summary>
    public string DefaultTimeZone { get; set; } = "Asia/Shanghai";

    public static ScheduleOptions Bind(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new ScheduleOptions();
        if (configuration["Business:TimeZone"] is { Length: > 0 } zone)
        {
            options.DefaultTimeZone = zone;
        }

        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(SectionName), options);
        return options;
    }

    public IEnumerable<string> Validate()
    {
        if (MisfireThreshold <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{SectionName}:MisfireThreshold '{MisfireThreshold}' must be positive");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Jobs.Count; i++)
        {
            var job = Jobs[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"{SectionName}:Jobs:{i}");
            if (!KnownJobs.Contains(job.Name, StringComparer.Ordinal))
            {
                yield return $"{key}:Name '{job.Name}' is not a job; expected one of {string.Join(", ", KnownJobs)}";
            }
            else if (!seen.Add(job.Name))
            {
                yield return $"{key}:Name '{job.Name}' is scheduled twice; give it one cron expression";
            }

            if (CronProblem(job.Cron) is { } problem)
            {
                yield return $"{key}:Cron '{job.Cron}' is not a valid Quartz cron expression: {problem}";
            }

            var zone = job.TimeZone is { Length: > 0 } z ? z : DefaultTimeZone;
            if (!TryFindZone(zone, out _))
            {
                yield return $"{key}:TimeZone '{zone}' is not a known time zone (is tzdata installed?)";
            }
        }
    }

    /// <summary>The job's time zone: its own, else the business time zone.</summary>
    public TimeZoneInfo ZoneOf(ScheduledJobOptions job) =>
        TryFindZone(job.TimeZone is { Length: > 0 } z ? z : DefaultTimeZone, out var zone)
            ? zone
            : throw new InvalidOperationException($"{SectionName}: time zone of job '{job.Name}' is unknown");

    public ScheduledJobOptions? Find(string job) => Jobs.FirstOrDefault(j => string.Equals(j.Name, job, StringComparison.Ordinal));

    private static string? CronProblem(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "it is empty";
        }

        try
        {
            CronExpression.Parse(cron);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}

/// <summary>One scheduled job: which, when (a Quartz cron: seconds first), in which time zone.</summary>
public sealed class ScheduledJobOptions
{
    public string Name { get; set; } = "";

    /// <summary>Quartz cron, seconds first: <c>0 30 7 * * ?</c> is 07:30 every day.</summary>
    public string Cron { get; set; } = "";

    /// <summary>An IANA zone such as <c>Asia/Shanghai</c>; empty means the business time zone.</summary>
    public string? TimeZone { get; set; }
}
