using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Delivery;

/// <summary>What one delivered message is: the job and business date it reports, the rendered message's key, and the one recipient.</summary>
public sealed record MailIdentity(string Job, DateOnly BusinessDate, string MessageKey, string Recipient);

/// <summary>
/// Turns a rendered <see cref="OutgoingMessage"/> into the one <see cref="MimeMessage"/> that both
/// transports write: SMTP sends it, the outbox saves it. Nothing in it depends on the clock or on
/// chance, so a rerun over the same store content gives the same bytes:
/// <list type="bullet">
/// <item><c>Date</c> is midnight at the end of the business date, in the business time zone (the
/// moment the reported day closed), not the time of sending;</item>
/// <item><c>Message-ID</c> is a hash of (job, business date, recipient, message key) at
/// <see cref="DeliveryOptions.EffectiveMessageIdDomain"/>;</item>
/// <item>MIME boundaries come from the same hash.</item>
/// </list>
/// Chinese subjects are RFC 2047 encoded words; attachment names are RFC 2047 encoded in both
/// <c>name</c> and <c>filename</c> parameters, which Outlook, QQ Mail and Foxmail read (RFC 2231
/// alone shows as garbage in several of them).
/// </summary>
public sealed class MailComposer(DeliveryOptions options, TimeZoneInfo businessZone)
{
    /// <summary>How every message is written, to a socket or to a file: CRLF line ends, RFC 2047 parameters, 7-bit headers.</summary>
    public static FormatOptions Format { get; } = CreateFormat();

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.ParameterEncodingMethod = ParameterEncodingMethod.Rfc2047;
        format.International = false;
        return format;
    }

    public MimeMessage Compose(OutgoingMessage message, MailIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(identity);
        var hash = Hash(identity);
        var mime = new MimeMessage
        {
            Date = DateFor(identity.BusinessDate),
            MessageId = hash[..32] + "@" + options.EffectiveMessageIdDomain,
            Subject = message.Subject,
        };
        mime.From.Add(Address(options.From, allowDisplayName: true));
        foreach (var to in message.To)
        {
            mime.To.Add(Address(to));
        }

        var html = new TextPart("html") { ContentTransferEncoding = ContentEncoding.Base64 };
        html.SetText(Encoding.UTF8, message.HtmlBody);
        if (message.Attachments.Count == 0)
        {
            mime.Body = html;
            return mime;
        }

        var mixed = new Multipart("mixed") { Boundary = "=-" + hash[32..56] + "-0" };
        mixed.Add(html);
        foreach (var attachment in message.Attachments)
        {
            var part = new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(new MemoryStream(attachment.Content, writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            };
            // Also when written with other format options than ours.
            foreach (var parameter in part.ContentType.Parameters.Concat(part.ContentDisposition.Parameters))
            {
                parameter.EncodingMethod = ParameterEncodingMethod.Rfc2047;
            }

            mixed.Add(part);
        }

        mime.Body = mixed;
        return mime;
    }

    private static MailboxAddress Address(string address, bool allowDisplayName = false) =>
        EmailAddress.IsValid(address, allowDisplayName) && MailboxAddress.TryParse(address, out var mailbox)
            ? mailbox
            : throw new MailDeliveryException($"not an email address: '{TextSafety.Printable(address, 100)}'");

    /// <summary>Midnight that ends <paramref name="businessDate"/> in the business time zone.</summary>
    public DateTimeOffset DateFor(DateOnly businessDate)
    {
        var local = businessDate.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, businessZone.GetUtcOffset(local));
    }

    /// <summary>SHA-256 of the identity, lower-case hex: 32 digits name the message, the next 24 its boundaries.</summary>
    private static string Hash(MailIdentity identity)
    {
        var text = string.Join(
            '\n',
            "reporting-mail-1",
            identity.Job,
            identity.BusinessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            identity.Recipient.Trim().ToUpperInvariant(),
            identity.MessageKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The exact bytes SMTP sends for <paramref name="message"/>.</summary>
    public static async Task<byte[]> ToBytesAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var buffer = new MemoryStream();
        await message.WriteToAsync(Format, buffer, cancellationToken);
        return buffer.ToArray();
    }
}
