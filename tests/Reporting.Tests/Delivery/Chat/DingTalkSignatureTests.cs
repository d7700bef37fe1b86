using Reporting.Jobs.Delivery.Chat;

namespace Reporting.Tests.Delivery.Chat;

/// <summary>DingTalk's 加签: Base64(HmacSHA256(secret, timestamp + "\n" + secret)), URL-encoded in the query.</summary>
public sealed class DingTalkSignatureTests
{
    [Test]
    public void The_signature_matches_an_independent_implementation()
    {
        // The vector of the Rust crate dingding 0.1.1 (src/signature.rs): timestamp 1700000000000, secret "secret".
        Assert.That(DingTalkChatTransport.Sign("secret", 1_700_000_000_000), Is.EqualTo("OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY="));
    }

    [Test]
    public void The_signed_address_adds_the_timestamp_and_the_URL_encoded_sign()
    {
        var robot = ChatRobot.From(ChatPlatform.DingTalk, "B01", new ChatRobotOptions { Url = "https://oapi.dingtalk.com/robot/send?access_token=abc123", Secret = "secret" }).Robot!;

        var signed = DingTalkChatTransport.Signed(robot, 1_700_000_000_000);

        Assert.That(signed.AbsoluteUri, Is.EqualTo("https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"));
    }

    [Test]
    public void A_robot_without_a_secret_is_posted_to_unsigned()
    {
        var robot = ChatRobot.From(ChatPlatform.DingTalk, "B01", new ChatRobotOptions { Url = "https://oapi.dingtalk.com/robot/send?access_token=abc123" }).Robot!;

        Assert.That(DingTalkChatTransport.Signed(robot, 1_700_000_000_000).AbsoluteUri, Is.EqualTo("https://oapi.dingtalk.com/robot/send?access_token=abc123"));
    }
}
