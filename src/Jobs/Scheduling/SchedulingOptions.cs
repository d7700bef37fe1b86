namespace Reporting.Jobs.Scheduling;

/// <summary>How runs behave (<c>Scheduling</c> section of <c>config/appsettings.json</c>).</summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>This worker's name in the run history; empty means host name and process id.</summary>
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
