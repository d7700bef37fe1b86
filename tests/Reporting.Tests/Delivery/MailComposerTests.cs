using System.Text;
using MimeKit;
using Reporting.Jobs.Delivery;

namespace Reporting.Tests.Delivery;

/// <summary>The MIME message both transports write: deterministic, identified, encoded for Chinese mail clients.</summary>
public sealed class MailComposerTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);

    private static readonly OutgoingMessage Message = new(
        "morning/2026-11-21/B01",
        ["manager.b01@dealer.example"],
        "【续保日报】深圳福田丰田4S店 2026-11-21",
        "<html><body>应续 229</body></html>",
        [new MessageAttachment("续保复盘_2026-09.xlsx", OutgoingMessage.WorkbookContentType, [1, 2, 3])]);

    private static MailComposer Composer(string messageIdDomain = "") =>
        new(new DeliveryOptions { From = "reports@dealer.example", MessageIdDomain = messageIdDomain }, Shanghai);

    private static MailIdentity Identity(string recipient = "manager.b01@dealer.example", string job = "morning") =>
        new(job, BusinessDate, Message.Key, recipient);

    private static string Text(MimeMessage message) => Encoding.ASCII.GetString(MailComposer.ToBytesAsync(message).GetAwaiter().GetResult());

    [Test]
    public void The_same_job_date_recipient_and_message_give_the_same_bytes()
    {
        using var first = Composer().Compose(Message, Identity());
        using var second = Composer().Compose(Message, Identity());

        Assert.That(Text(second), Is.EqualTo(Text(first)));
    }

    [Test]
    public void A_message_written_again_for_a_retry_gives_the_same_bytes()
    {
        using var message = Composer().Compose(Message, Identity());

        var first = Text(message);

        Assert.That(Text(message), Is.EqualTo(first));
    }

    [Test]
    public void The_Date_is_midnight_ending_the_business_date_in_the_business_time_zone()
    {
        using var message = Composer().Compose(Message, Identity());

        Assert.That(Text(message), Does.Contain("\r\nDate: Sun, 22 Nov 2026 00:00:00 +0800\r\n"));
    }

    [Test]
    public void The_Message_ID_is_a_hash_at_the_From_domain_by_default()
    {
        using var message = Composer().Compose(Message, Identity());

        Assert.That(message.MessageId, Does.Match("^[0-9a-f]{32}@dealer\\.example$"));
    }

    [Test]
    public void A_configured_Message_ID_domain_replaces_the_From_domain()
    {
        using var message = Composer("mail.dealer-group.example").Compose(Message, Identity());

        Assert.That(message.MessageId, Does.EndWith("@mail.dealer-group.example"));
    }

    [TestCase("deputy.b01@dealer.example", "morning", TestName = "Another_recipient_gets_another_Message_ID_and_boundary")]
    [TestCase("manager.b01@dealer.example", "morning-rerun", TestName = "Another_job_gets_another_Message_ID_and_boundary")]
    public void What_identifies_the_message_changes_its_Message_ID_and_boundary(string recipient, string job)
    {
        using var first = Composer().Compose(Message, Identity());
        using var other = Composer().Compose(Message, Identity(recipient, job));

        Assert.That(other.MessageId, Is.Not.EqualTo(first.MessageId));
        Assert.That(((Multipart)other.Body!).Boundary, Is.Not.EqualTo(((Multipart)first.Body!).Boundary));
    }

    [Test]
    public void The_recipients_case_does_not_change_the_Message_ID()
    {
        using var lower = Composer().Compose(Message, Identity("manager.b01@dealer.example"));
        using var upper = Composer().Compose(Message, Identity("Manager.B01@Dealer.Example"));

        Assert.That(upper.MessageId, Is.EqualTo(lower.MessageId));
    }

    [Test]
    public void A_message_without_attachments_is_a_single_html_part()
    {
        using var message = Composer().Compose(Message with { Attachments = [] }, Identity());

        Assert.That(message.Body, Is.InstanceOf<TextPart>().With.Property(nameof(TextPart.IsHtml)).True);
    }

    [Test]
    public void An_invalid_recipient_address_is_a_delivery_failure_naming_it()
    {
        Assert.That(
            () => Composer().Compose(Message with { To = ["not an address"] }, Identity("not an address")),
            Throws.InstanceOf<MailDeliveryException>().With.Message.Contains("not an email address: 'not an address'"));
    }

    [Test]
    public void The_attachment_name_stays_RFC_2047_encoded_whatever_format_options_write_it()
    {
        using var message = Composer().Compose(Message, Identity());
        using var buffer = new MemoryStream();

        message.WriteTo(FormatOptions.Default, buffer);

        Assert.That(Encoding.ASCII.GetString(buffer.ToArray()), Does.Contain("filename=\"=?utf-8?").And.Not.Contain("filename*"));
    }
}
