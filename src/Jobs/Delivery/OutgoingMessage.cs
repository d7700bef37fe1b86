namespace Reporting.Jobs.Delivery;

/// <summary>A file attached to a message, e.g. a workbook.</summary>
public sealed record MessageAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// One email as the reports render it, before any transport: the same message goes to an SMTP
/// server or to the <c>.eml</c> outbox. <see cref="Key"/> names it for the delivery log and the
/// outbox file (e.g. <c>morning/2026-11-21/B01</c>); the body never contains the send time, so a
/// rerun renders an identical message.
/// </summary>
public sealed record OutgoingMessage(
    string Key,
    IReadOnlyList<string> To,
    string Subject,
    string HtmlBody,
    IReadOnlyList<MessageAttachment> Attachments)
{
    public const string WorkbookContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}
