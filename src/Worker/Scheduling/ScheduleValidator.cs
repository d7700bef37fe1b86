using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Quartz;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Scheduling.Calendar;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Worker.Scheduling;

/// <summary>
/// Start-up validation of the schedule in <see cref="SchedulingOptions"/>
/// (<c>Scheduling:Jobs</c>, <c>Scheduling:MisfireThreshold</c>; SPEC §5): a bad cron, an unknown or
/// twice-scheduled job or an unknown time zone stops the worker with a message that names the key
/// and the value. Also refuses a key left in the old <c>Schedule</c> section (a
/// <c>config/schedule.json</c> or <c>Schedule__…</c> variable from before the merge), which would
/// otherwise be ignored in silence. The jobs a schedule may name are the registered ones
/// (<see cref="JobRegistry"/>).
/// </summary>
public sealed class ScheduleValidator(IConfiguration configuration, JobRegistry jobs, string? home = null) : IValidateOptions<SchedulingOptions>
{
    /// <summary>The section's name before it was merged into <c>Scheduling</c>.</summary>
    public const string OldSectionName = "Schedule";

    /// <summary>The key of the send retries under <c>Scheduling</c> before they moved to <c>Delivery:Retry</c>.</summary>
    public const string OldRetryKey = "Retry";

    private const string Root = SchedulingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (configuration.GetSection(OldSectionName).AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault() is { Key: { } key } old)
        {
            failures.Add($"{key} '{TextSafety.Printable(old.Value)}' is in the old {OldSectionName} section, now merged into {Root}: " +
                $"rename {OldSectionName}:* to {Root}:* ({OldSectionName}__* to {Root}__* in the environment)");
        }

        if (configuration.GetSection(Root + ":" + OldRetryKey).AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).FirstOrDefault() is { Key: { } retry } oldRetry)
        {
            failures.Add($"{retry} '{TextSafety.Printable(oldRetry.Value)}' has moved to Delivery:Retry (the retries of a send are delivery's): " +
                $"rename {Root}:Retry:* to Delivery:Retry:* ({Root}__Retry__* to Delivery__Retry__* in the environment)");
        }

        failures.AddRange(Problems(options, jobs));
        if (home is not null)
        {
            // A calendar file that does not read stops the start-up like any other configuration.
            // Each problem names the key and the folder as well as the file and the entry.
            var folder = Path.Combine(home, options.CalendarFolder);
            failures.AddRange(WorkingCalendar.Load(folder).Problems.Select(problem =>
                $"{Root}:CalendarFolder '{TextSafety.Printable(options.CalendarFolder, 255)}' ({TextSafety.Printable(Path.GetFullPath(folder), 255)}): {problem}"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every problem of the schedule of the shipped jobs (<see cref="JobRegistry.Default"/>), each naming the key and the value.</summary>
    public static IEnumerable<string> Problems(SchedulingOptions options) => Problems(options, JobRegistry.Default);

    /// <summary>Every problem of the schedule, with the jobs of <paramref name="jobs"/>, each naming the key and the value.</summary>
    public static IEnumerable<string> Problems(SchedulingOptions options, JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jobs);
        if (options.MisfireThreshold <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Root}:MisfireThreshold '{options.MisfireThreshold}' must be positive");
        }

        var known = jobs.Names;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Jobs.Count; i++)
        {
            var job = options.Jobs[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"{Root}:Jobs:{i}");
            if (!known.Contains(job.Name, StringComparer.Ordinal))
            {
                yield return $"{key}:Name '{job.Name}' is not a job; expected one of {string.Join(", ", known)}";
            }
            else if (!seen.Add(job.Name))
            {
                yield return $"{key}:Name '{job.Name}' is scheduled twice; give it one cron expression";
            }

            if (CronProblem(job.Cron) is { } problem)
            {
                yield return $"{key}:Cron '{job.Cron}' is not a valid Quartz cron expression: {problem}";
            }
            else if (CalendarTriggers.Problem(job) is { } daysProblem)
            {
                yield return $"{key}:Cron '{job.Cron}' does not fit {key}:Days '{job.Days}': {daysProblem}";
            }

            var zone = options.ZoneIdOf(job);
            if (TimeZoneIds.Find(zone) is null)
            {
                yield return $"{key}:TimeZone '{zone}' is not a known time zone (is tzdata installed?)";
            }
        }
    }

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
