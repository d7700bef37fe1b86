using Polly;
using Polly.Retry;

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

    /// <summary>The sender: an address, optionally with a display name (<c>车商渠道报表 &lt;reports@dealer.example&gt;</c>).</summary>
    public string From { get; set; } = "reports@dealer.example";

    /// <summary>Group management: the group morning email.</summary>
    public List<string> GroupRecipients { get; set; } = [];

    /// <summary>Finance: the monthly commission workbook.</summary>
    public List<string> FinanceRecipients { get; set; } = [];

    /// <summary>Ops: alerts (data incomplete, reconciliation that does not tie, failed deliveries).</summary>
    public List<string> OpsRecipients { get; set; } = [];

    /// <summary>Attach workbooks to their emails as well as writing them to the output folder.</summary>
    public bool AttachWorkbooks { get; set; } = true;

    /// <summary>
    /// The domain of every <c>Message-ID</c> (<c>&lt;hash@domain&gt;</c>); empty means the domain of
    /// <see cref="From"/>.
    /// </summary>
    public string MessageIdDomain { get; set; } = "";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Retries of a failed send inside one run (<c>Delivery:Retry</c>; <c>Scheduling:Retry</c> before issue 16).</summary>
    public DeliveryRetryOptions Retry { get; set; } = new();

    /// <summary>The WeCom and DingTalk robots the morning summary goes to, beside the email (<c>Delivery:Chat</c>); none by default.</summary>
    public Chat.ChatOptions Chat { get; set; } = new();

    /// <summary>The domain <c>Message-ID</c>s end in: <see cref="MessageIdDomain"/>, else the From address's domain.</summary>
    public string EffectiveMessageIdDomain =>
        MessageIdDomain is { Length: > 0 } domain ? domain
        : MimeKit.MailboxAddress.TryParse(From, out var from) && from.Domain.Length > 0 ? from.Domain
        : "localhost";
}

/// <summary>
/// SMTP retries inside one run, with exponential backoff from <see cref="FirstDelay"/>; what still
/// fails is logged FAILED and resent by the next run.
/// </summary>
public sealed class DeliveryRetryOptions
{
    /// <summary>Tries in all; 1 means no retry.</summary>
    public int Attempts { get; set; } = 4;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds the retry of a failed send to <paramref name="builder"/>: exponential backoff from
    /// <see cref="FirstDelay"/> over <see cref="Attempts"/> tries in all, on the failures
    /// <paramref name="handle"/> names. One attempt adds nothing (Polly refuses a retry of zero retries).
    /// The one retry rule of email and chat alike.
    /// </summary>
    public ResiliencePipelineBuilder AddTo(ResiliencePipelineBuilder builder, PredicateBuilder<object> handle)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Attempts - 1,
                Delay = FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = handle,
            });
        }

        return builder;
    }
}

/// <summary>How the SMTP connection is secured (<c>Delivery:Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>Connect in plain text, then upgrade with STARTTLS; a server without STARTTLS is an error (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte ("implicit TLS", SMTPS, port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS at all: only for a relay on the same host or a test server.</summary>
    None,

    /// <summary>
    /// TLS on connect for port 465, otherwise STARTTLS when the server offers it and plain text
    /// when it does not (open to a downgrade by anyone on the path: prefer an explicit choice).
    /// </summary>
    Auto,
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>
    /// <c>StartTls</c> (default), <c>SslOnConnect</c>, <c>None</c> or <c>Auto</c>. Unset, the legacy
    /// <see cref="StartTls"/> decides.
    /// </summary>
    public SmtpSecurity? Security { get; set; }

    /// <summary>
    /// Legacy switch, read only when <see cref="Security"/> is unset: <c>true</c> is
    /// <c>StartTls</c>, <c>false</c> is <c>None</c>. Both set and disagreeing is a configuration error.
    /// </summary>
    public bool? StartTls { get; set; }

    /// <summary>The security in force: <see cref="Security"/>, else the legacy <see cref="StartTls"/>, else STARTTLS.</summary>
    public SmtpSecurity EffectiveSecurity => Security ?? (StartTls == false ? SmtpSecurity.None : SmtpSecurity.StartTls);

    public string? UserName { get; set; }

    /// <summary>From the environment or user secrets only.</summary>
    public string? Password { get; set; }

    /// <summary>Connecting, and each read or write on the connection, fails after this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A private relay's certificate to trust although the system does not: its SHA-256 thumbprint
    /// (64 hex digits, colons allowed) or a PEM/DER certificate file (relative to the home folder).
    /// The server's certificate must then be exactly that one; the name it is issued to is not checked.
    /// Empty: the system's validation only.
    /// </summary>
    public string TrustedCertificate { get; set; } = "";
}
