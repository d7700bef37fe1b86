using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace Reporting.Jobs.Delivery;

/// <summary>Sends one rendered message somewhere: an SMTP server or the <c>.eml</c> outbox.</summary>
public interface IMailTransport
{
    /// <summary>A short description for logs and dry runs, e.g. <c>smtp://mail.example:587</c>.</summary>
    string Describe();

    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Builds the <see cref="MailMessage"/> both transports send: UTF-8 subject and HTML body, attachments.</summary>
public static class MailMessages
{
    public static MailMessage Create(OutgoingMessage message, string from)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = new MailMessage
        {
            From = new MailAddress(from),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = true,
            Body = message.HtmlBody,
        };
        foreach (var to in message.To)
        {
            mail.To.Add(new MailAddress(to));
        }

        foreach (var attachment in message.Attachments)
        {
            var part = new Attachment(new MemoryStream(attachment.Content, writable: false), attachment.FileName, attachment.ContentType);
            part.NameEncoding = Encoding.UTF8;
            part.ContentDisposition!.FileName = attachment.FileName;
            part.ContentDisposition.Inline = false;
            part.TransferEncoding = TransferEncoding.Base64;
            mail.Attachments.Add(part);
        }

        return mail;
    }
}

/// <summary>SMTP through <c>System.Net.Mail</c>: host, port, STARTTLS and credentials from <see cref="SmtpOptions"/>.</summary>
public sealed class SmtpMailTransport(DeliveryOptions options) : IMailTransport
{
    public string Describe() => $"smtp://{options.Smtp.Host}:{options.Smtp.Port}{(options.Smtp.StartTls ? " (STARTTLS)" : "")}";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            throw new InvalidOperationException("Delivery:Smtp:Host is not set (Delivery:Mode is Smtp)");
        }

        using var mail = MailMessages.Create(message, options.From);
        using var client = new SmtpClient(options.Smtp.Host, options.Smtp.Port)
        {
            EnableSsl = options.Smtp.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)options.Smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(options.Smtp.UserName))
        {
            client.Credentials = new NetworkCredential(options.Smtp.UserName, options.Smtp.Password);
        }

        await client.SendMailAsync(mail, cancellationToken);
    }
}

/// <summary>
/// The embedded default: each message becomes <c>&lt;outbox&gt;/&lt;key&gt;.eml</c>, a real RFC 5322
/// message any mail client opens, so a new user sees the emails without a mail server. A rerun
/// replaces the file of the same key.
/// </summary>
public sealed class OutboxMailTransport(string outboxFolder, DeliveryOptions options) : IMailTransport
{
    public string Describe() => "outbox " + outboxFolder;

    public static string FileNameFor(string key) =>
        string.Concat(key.Select(c => c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c)) + ".eml";

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(outboxFolder);
        // SmtpClient's pickup directory writes the exact bytes SMTP would send, under a random name;
        // write into a private folder, then move to the message's own name.
        var pickup = Directory.CreateTempSubdirectory("reporting-outbox-").FullName;
        try
        {
            using (var mail = MailMessages.Create(message, options.From))
            using (var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = pickup })
            {
                await client.SendMailAsync(mail, cancellationToken);
            }

            var written = Directory.GetFiles(pickup, "*.eml").Single();
            File.Move(written, Path.Combine(outboxFolder, FileNameFor(message.Key)), overwrite: true);
        }
        finally
        {
            Directory.Delete(pickup, recursive: true);
        }
    }
}
