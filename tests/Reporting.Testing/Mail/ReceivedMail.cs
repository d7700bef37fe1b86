using System.Diagnostics;
using System.Text.Json;

namespace Reporting.Testing.Mail;

/// <summary>An attachment as a mail client sees it: name, size and SHA-256 of the decoded bytes.</summary>
public sealed record ReceivedAttachment(string Name, string ContentType, long Size, string Sha256);

/// <summary>A message as a mail client sees it after MIME decoding.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string Html, IReadOnlyList<ReceivedAttachment> Attachments, string FileName)
{
    /// <summary>The <c>Message-ID</c> header with its angle brackets, or empty.</summary>
    public string MessageId { get; init; } = "";

    /// <summary>The <c>Date</c> header as written, or empty.</summary>
    public string Date { get; init; } = "";
}

/// <summary>
/// Decodes RFC 5322 files (a Maildir, or <c>.eml</c> files) with Python's <c>email</c> package:
/// an independent MIME parser, so a test does not read our messages with our own code.
/// </summary>
public static class MailFiles
{
    private const string Script = """
import email, email.policy, hashlib, json, sys
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    html = ''
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_disposition() == 'attachment':
            data = part.get_payload(decode=True)
            attachments.append({'name': part.get_filename(), 'contentType': part.get_content_type(), 'size': len(data), 'sha256': hashlib.sha256(data).hexdigest()})
        elif part.get_content_type() == 'text/html':
            html = part.get_content()
    out.append({'from': str(msg['From']), 'to': [a.addr_spec for a in msg['To'].addresses], 'subject': str(msg['Subject']), 'html': html, 'attachments': attachments, 'fileName': path, 'messageId': str(msg['Message-ID'] or ''), 'date': str(msg['Date'] or '')})
print(json.dumps(out, ensure_ascii=False))
""";

    public static IReadOnlyList<ReceivedMail> Read(IEnumerable<string> files)
    {
        var paths = files.Order(StringComparer.Ordinal).ToList();
        if (paths.Count == 0)
        {
            return [];
        }

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = System.Text.Encoding.UTF8 };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using var process = Process.Start(start)!;
        var json = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("python3 could not parse the messages: " + error);
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(m => new ReceivedMail(
            m.GetProperty("from").GetString()!,
            m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList(),
            m.GetProperty("subject").GetString()!,
            m.GetProperty("html").GetString()!,
            m.GetProperty("attachments").EnumerateArray().Select(a => new ReceivedAttachment(
                a.GetProperty("name").GetString()!, a.GetProperty("contentType").GetString()!, a.GetProperty("size").GetInt64(), a.GetProperty("sha256").GetString()!)).ToList(),
            m.GetProperty("fileName").GetString()!)
        {
            MessageId = m.GetProperty("messageId").GetString()!,
            Date = m.GetProperty("date").GetString()!,
        }).ToList();
    }
}
