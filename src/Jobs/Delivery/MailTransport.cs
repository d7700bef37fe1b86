using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Reporting.Jobs.Domain;

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

        try
        {
            await client.SendMailAsync(mail, cancellationToken);
        }
        catch (Exception ex) when (ex is SmtpException or IOException or SocketException or AuthenticationException)
        {
            // SmtpClient says only "Failure sending mail.": name the server and the cause. Still an
            // SmtpException, so the delivery's retries handle it as before.
            throw new SmtpException($"SMTP {Endpoint}: {Cause(ex)}", ex);
        }
    }

    /// <summary><c>host:port</c> of the server, escaped for messages.</summary>
    private string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{TextSafety.Printable(options.Smtp.Host, 256)}:{options.Smtp.Port}");

    /// <summary>
    /// The cause a person can act on: the socket error (connection refused, timed out, host not
    /// found), a TLS failure, or the server's reply with its status code.
    /// </summary>
    public static string Cause(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = new List<Exception>();
        for (var e = exception; e is not null && chain.Count < 16; e = e.InnerException)
        {
            chain.Add(e);
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => "the server closed the connection",
                var other => "socket error " + other,
            };
        }

        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } tls)
        {
            return "TLS handshake failed (" + TextSafety.Printable(tls.Message, 200) + ")";
        }

        // The innermost message that is not SmtpClient's generic one.
        var detail = chain.Select(e => e.Message).LastOrDefault(m => m is { Length: > 0 } && m != GenericFailure) ?? exception.Message;
        var status = chain.OfType<SmtpException>().Select(e => e.StatusCode).FirstOrDefault(c => c != SmtpStatusCode.GeneralFailure);
        return status == default
            ? TextSafety.Printable(detail, 200)
            : string.Create(CultureInfo.InvariantCulture, $"server replied {(int)status} {status}: {TextSafety.Printable(detail, 200)}");
    }

    private const string GenericFailure = "Failure sending mail.";
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
