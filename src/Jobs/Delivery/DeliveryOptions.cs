namespace Reporting.Jobs.Delivery;

public enum DeliveryMode
{
    /// <summary>The embedded default: each message is written as an <c>.eml</c> file to the outbox folder.</summary>
    Outbox,

    /// <summary>Messages go to an SMTP server.</summary>
    Smtp,
}

/// <summary>
/// Where reports go (<c>Delivery</c> section of <c>config/delivery.json</c>). Branch managers'
/// addresses are in the reference data; the SMTP password comes from the environment
/// (<c>Delivery__Smtp__Password</c>) or user secrets, never from a committed file.
/// </summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    public DeliveryMode Mode { get; set; } = DeliveryMode.Outbox;

    /// <summary>The <c>.eml</c> outbox, relative to the data folder.</summary>
    public string OutboxFolder { get; set; } = "outbox";

    /// <summary>The finance share: workbooks are written here, relative to the data folder.</summary>
    public string OutputFolder { get; set; } = "output";

    public string From { get; set; } = "reports@dealer.example";

    /// <summary>Group management: the group morning email.</summary>
    public List<string> GroupRecipients { get; set; } = [];

    /// <summary>Finance: the monthly commission workbook.</summary>
    public List<string> FinanceRecipients { get; set; } = [];

    /// <summary>Ops: alerts (data incomplete, reconciliation that does not tie, failed deliveries).</summary>
    public List<string> OpsRecipients { get; set; } = [];

    /// <summary>Attach workbooks to their emails as well as writing them to the output folder.</summary>
    public bool AttachWorkbooks { get; set; } = true;

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>Upgrade the connection with STARTTLS before authenticating.</summary>
    public bool StartTls { get; set; } = true;

    public string? UserName { get; set; }

    /// <summary>From the environment or user secrets only.</summary>
    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
