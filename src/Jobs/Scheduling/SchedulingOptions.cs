using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// When jobs run and how runs behave: the <c>Scheduling</c> section, of <c>config/schedule.json</c>
/// (<see cref="Jobs"/>, <see cref="MisfireThreshold"/>; SPEC §5) and <c>config/appsettings.json</c>
/// (the rest). <see cref="Instance"/> is the one name of this worker, in the run history and in the
/// Quartz cluster. The section was two, <c>Schedule</c> and <c>Scheduling</c>, until issue 16.
/// </summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>The ingest job: loads every enabled source's drop folder (<see cref="Scheduling.IngestJob"/>).</summary>
    public const string IngestJob = Scheduling.IngestJob.JobName;

    /// <summary>Every shipped job a schedule may name: the names of <see cref="JobRegistry.Default"/>.</summary>
    public static IReadOnlyList<string> KnownJobs => JobRegistry.Default.Names;

    /// <summary>This worker's name in the run history and the scheduler's cluster; empty means a name from the host name.</summary>
    public string Instance { get; set; } = "";

    /// <summary>When each job runs: one entry per job.</summary>
    public List<ScheduledJobOptions> Jobs { get; set; } = [];

    /// <summary>
    /// How late a fire may be and still count as on time. Later than this it is a misfire, which
    /// fires once when the worker gets to it (the worker was down at 07:30: the email goes at 08:10).
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time zone of jobs that name none: <c>Business:TimeZone</c>, not a key of this section.</summary>
    public string DefaultTimeZone { get; private set; } = ConfigurationDefaults.TimeZone;

    /// <summary>A claimed scheduled run still "running" after this long is taken to be dead and may be taken over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromHours(2);

    public FreshnessOptions Freshness { get; set; } = new();

    /// <summary>
    /// The folder of the working calendar's year files (<c>cn-2026.json</c>…), relative to the home
    /// folder unless absolute (<see cref="Calendar.WorkingCalendar"/>).
    /// </summary>
    public string CalendarFolder { get; set; } = "config/calendar";

    /// <summary>Binds the section, with the business time zone as <see cref="DefaultTimeZone"/>.</summary>
    public static SchedulingOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SchedulingOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.UseBusinessTimeZone(configuration.GetSection(BusinessOptions.SectionName).Get<BusinessOptions>() ?? new BusinessOptions());
        return options;
    }

    /// <summary>Sets <see cref="DefaultTimeZone"/> from the <c>Business</c> section.</summary>
    public void UseBusinessTimeZone(BusinessOptions business)
    {
        ArgumentNullException.ThrowIfNull(business);
        DefaultTimeZone = business.EffectiveTimeZone;
    }

    /// <summary>The job's time zone: its own, else the business time zone.</summary>
    public TimeZoneInfo ZoneOf(ScheduledJobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TimeZoneIds.Find(ZoneIdOf(job))
            ?? throw new InvalidOperationException($"{SectionName}: time zone of job '{job.Name}' is unknown");
    }

    /// <summary>The id of the job's time zone: its own, else the business time zone.</summary>
    public string ZoneIdOf(ScheduledJobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.TimeZone is { Length: > 0 } zone ? zone : DefaultTimeZone;
    }

    public ScheduledJobOptions? Find(string job) => Jobs.FirstOrDefault(j => string.Equals(j.Name, job, StringComparison.Ordinal));
}

/// <summary>One scheduled job: which, when (a Quartz cron: seconds first), in which time zone.</summary>
public sealed class ScheduledJobOptions
{
    public string Name { get; set; } = "";

    /// <summary>Quartz cron, seconds first: <c>0 30 7 * * ?</c> is 07:30 every day.</summary>
    public string Cron { get; set; } = "";

    /// <summary>An IANA zone such as <c>Asia/Shanghai</c>; empty means the business time zone.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// Which days the cron's fires keep (<see cref="Calendar.JobDays"/>): <c>All</c> (the default),
    /// <c>Workdays</c> (China's working calendar: no weekends or holidays, the adjusted working
    /// weekend days included) or, for a job of the 1st, <c>FirstWorkday</c> (the first workday of
    /// each month, at the cron's time).
    /// </summary>
    public Calendar.JobDays Days { get; set; } = Calendar.JobDays.All;
}

/// <summary>The freshness gate: how long a scheduled report waits for a missing extract.</summary>
public sealed class FreshnessOptions
{
    /// <summary>From the scheduled start to the deadline: 07:30 + 1:30 = sends at 09:00 with the banner.</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromMinutes(90);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Start-up validation of how runs behave; each failure names the key and the value. The jobs
/// (names, cron expressions, zones) are validated by the worker, which knows Quartz's cron syntax.
/// </summary>
public sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    private const string Root = SchedulingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Positive(failures, "ClaimLease", options.ClaimLease);
        if (options.Freshness.Wait < TimeSpan.Zero)
        {
            failures.Add(Text($"{Root}:Freshness:Wait '{options.Freshness.Wait}' must be zero or more"));
        }

        Positive(failures, "Freshness:PollInterval", options.Freshness.PollInterval);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Text($"{Root}:{key} '{value}' must be positive"));
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
