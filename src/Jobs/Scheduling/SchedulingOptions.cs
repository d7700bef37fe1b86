using System.Globalization;
using Microsoft.Extensions.Options;

namespace Reporting.Jobs.Scheduling;

/// <summary>
/// How runs behave (<c>Scheduling</c> section: <c>config/appsettings.json</c>). The same section
/// holds when they run (<c>Scheduling:Jobs</c>, <c>Scheduling:MisfireThreshold</c>,
/// <c>config/schedule.json</c>), which the worker's scheduler binds; <see cref="Instance"/> is the
/// one name of this worker in both the run history and the Quartz cluster.
/// </summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>This worker's name in the run history and the scheduler's cluster; empty means a name from the host name.</summary>
    public string Instance { get; set; } = "";

    /// <summary>A claimed scheduled run still "running" after this long is taken to be dead and may be taken over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromHours(2);

    public FreshnessOptions Freshness { get; set; } = new();

    public DeliveryRetryOptions Retry { get; set; } = new();
}

/// <summary>The freshness gate: how long a scheduled report waits for a missing extract.</summary>
public sealed class FreshnessOptions
{
    /// <summary>From the scheduled start to the deadline: 07:30 + 1:30 = sends at 09:00 with the banner.</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromMinutes(90);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>SMTP retries inside one run, with exponential backoff; what still fails is logged FAILED and resent by the next run.</summary>
public sealed class DeliveryRetryOptions
{
    public int Attempts { get; set; } = 4;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Start-up validation of <see cref="SchedulingOptions"/>; each failure names the key and the value.</summary>
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
        if (options.Retry.Attempts < 1)
        {
            failures.Add(Text($"{Root}:Retry:Attempts '{options.Retry.Attempts}' must be 1 or more (1 means no retry)"));
        }

        if (options.Retry.FirstDelay < TimeSpan.Zero)
        {
            failures.Add(Text($"{Root}:Retry:FirstDelay '{options.Retry.FirstDelay}' must be zero or more"));
        }

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
