using MimeKit;

namespace Reporting.Jobs.Domain;

/// <summary>
/// What this product takes for an email address: the reference data's managers, the delivery
/// section's recipients and sender all go through it, so a recipient of personal data is checked
/// the same way wherever it is configured.
/// </summary>
public static class EmailAddress
{
    /// <summary>A <c>local@domain</c> address MimeKit parses, with a display name only when allowed; never a group or a list.</summary>
    public static bool IsValid(string? address, bool allowDisplayName = false) =>
        address is { Length: > 0 }
        && MailboxAddress.TryParse(address, out var mailbox)
        && (allowDisplayName || string.IsNullOrEmpty(mailbox.Name))
        && mailbox.LocalPart.Length > 0
        && IsDomain(mailbox.Domain);

    /// <summary>A DNS name: dot-separated labels of ASCII letters, digits and inner hyphens, 253 characters at most.</summary>
    public static bool IsDomain(string domain) =>
        domain.Length is > 0 and <= 253
        && domain.Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && label[0] != '-' && label[^1] != '-');
}
