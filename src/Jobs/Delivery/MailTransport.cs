using MimeKit;

namespace Reporting.Jobs.Delivery;

/// <summary>Where composed messages go: an SMTP server or the <c>.eml</c> outbox.</summary>
public interface IMailTransport
{
    /// <summary>A short description for logs and dry runs, e.g. <c>smtp://mail.example:587 (StartTls)</c>.</summary>
    string Describe();

    /// <summary>
    /// A batch for one run's messages: SMTP connects at the first message, reuses that connection
    /// for the next ones and disconnects when the batch is disposed.
    /// </summary>
    IMailBatch OpenBatch();
}

/// <summary>One run's messages through one transport; dispose it to close the connection.</summary>
public interface IMailBatch : IAsyncDisposable
{
    /// <summary>
    /// Sends or writes one message. <paramref name="key"/> names it (the outbox file name).
    /// A failure is a <see cref="MailDeliveryException"/> (or an <see cref="IOException"/> of the outbox).
    /// </summary>
    Task SendAsync(string key, MimeMessage message, CancellationToken cancellationToken = default);
}

/// <summary>A message could not be delivered: the text names the server and the cause.</summary>
public sealed class MailDeliveryException : Exception
{
    public MailDeliveryException()
    {
    }

    public MailDeliveryException(string message)
        : base(message)
    {
    }

    public MailDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailDeliveryException(string message, bool transient, Exception innerException)
        : base(message, innerException)
    {
        Transient = transient;
    }

    /// <summary>Worth retrying: the connection failed or the server answered 4xx. A 5xx reply, a rejected login or an untrusted certificate is not.</summary>
    public bool Transient { get; }
}

/// <summary>
/// The embedded default: each message becomes <c>&lt;outbox&gt;/&lt;key&gt;.eml</c>, the bytes SMTP
/// would send (CRLF line ends), which any mail client opens, so a new user sees the emails without
/// a mail server. A rerun replaces the file of the same key.
/// </summary>
public sealed class OutboxMailTransport(string outboxFolder) : IMailTransport
{
    public string Describe() => "outbox " + outboxFolder;

    public static string FileNameFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Concat(key.Select(c => c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c)) + ".eml";
    }

    public IMailBatch OpenBatch() => new Batch(outboxFolder);

    private sealed class Batch(string outboxFolder) : IMailBatch
    {
        public async Task SendAsync(string key, MimeMessage message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            Directory.CreateDirectory(outboxFolder);
            var target = Path.Combine(outboxFolder, FileNameFor(key));
            // Write beside the target, then rename over it: a reader never sees half a message.
            var partial = target + ".partial";
            try
            {
                await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    await message.WriteToAsync(MailComposer.Format, file, cancellationToken);
                }

                File.Move(partial, target, overwrite: true);
            }
            catch
            {
                File.Delete(partial);
                throw;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
