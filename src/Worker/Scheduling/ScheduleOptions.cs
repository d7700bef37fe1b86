using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Quartz;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// When each job runs: the jobs and the misfire threshold of the <c>Scheduling</c> section
/// (<c>config/schedule.json</c>; SPEC §5), the part of it Quartz needs. How runs behave is the same
/// section's <see cref="Reporting.Jobs.Scheduling.SchedulingOptions"/>, and <see cref="Instance"/> is the same key. Validated at
/// start-up: a bad cron, an unknown job or an unknown time zone stops the worker with a message that
/// names the key and the value.
/// </summary>
public sealed class ScheduleOptions
{
    public const string SectionName = Reporting.Jobs.Scheduling.SchedulingOptions.SectionName;

    /// <summary>
    /// The section's name before it was merged into <c>Scheduling</c>: still set, it stops the start-up
    /// with a sentence saying to rename it, rather than being silently ignored.
    /// </summary>
    public const string OldSectionName = "Schedule";

    /// <summary>The ingest job: loads every enabled source's drop folder.</summary>
    public const string IngestJob = "ingest";

    public static readonly IReadOnlyList<string> KnownJobs = [IngestJob, .. ReportJobs.All];

    /// <summary>This worker's name in a cluster (<c>Scheduling:Instance</c>); empty means host name and a unique suffix.</summary>
    public string Instance { get; set; } = "";

    public List<ScheduledJobOptions> Jobs { get; set; } = [];

    /// <summary>
    /// How late a fire may be and still count as on time. Later than this it is a misfire, which
    /// fires once when the worker gets to it (the worker was down at 07:30: the email goes at 08:10).
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time zone of jobs that name none: <c>Business:TimeZone</c>, not a key of this section.</summary>
    public string DefaultTimeZone { get; private set; } = ConfigurationDefaults.TimeZone;

    /// <summary>Binds the section, with the business time zone as <see cref="DefaultTimeZone"/>.</summary>
    public static ScheduleOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ScheduleOptions();
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
            if (TimeZoneIds.Find(zone) is null)
            {
                yield return $"{key}:TimeZone '{zone}' is not a known time zone (is tzdata installed?)";
            }
        }
    }

    /// <summary>The job's time zone: its own, else the business time zone.</summary>
    public TimeZoneInfo ZoneOf(ScheduledJobOptions job) =>
        TimeZoneIds.Find(job.TimeZone is { Length: > 0 } z ? z : DefaultTimeZone)
            ?? throw new InvalidOperationException($"{SectionName}: time zone of job '{job.Name}' is unknown");

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

/// <summary>
/// Start-up validation of <see cref="ScheduleOptions"/>: <see cref="ScheduleOptions.Validate"/>, and
/// no key left in the old <c>Schedule</c> section (<c>config/schedule.json</c> and
/// <c>Schedule__…</c> variables from before the merge), which would otherwise be ignored in silence.
/// </summary>
public sealed class ScheduleOptionsValidator(IConfiguration configuration) : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (configuration.GetSection(ScheduleOptions.OldSectionName).AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault() is { Key: { } key } old)
        {
            failures.Add($"{key} '{TextSafety.Printable(old.Value)}' is in the old {ScheduleOptions.OldSectionName} section, now merged into {ScheduleOptions.SectionName}: " +
                $"rename {ScheduleOptions.OldSectionName}:* to {ScheduleOptions.SectionName}:* ({ScheduleOptions.OldSectionName}__* to {ScheduleOptions.SectionName}__* in the environment)");
        }

        failures.AddRange(options.Validate());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
