using System.ComponentModel;
using System.Globalization;

namespace Reporting.Jobs.Delivery.Chat;

/// <summary>The group chat platforms a summary can go to.</summary>
public enum ChatPlatform
{
    /// <summary>企业微信群机器人: <c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…</c>.</summary>
    WeCom,

    /// <summary>钉钉自定义机器人: <c>https://oapi.dingtalk.com/robot/send?access_token=…</c>, signed (加签) with its secret.</summary>
    DingTalk,
}

/// <summary>
/// The chat robots (<c>Delivery:Chat</c>): per platform, per branch code or <c>group</c>, the robot's
/// webhook address, and for DingTalk its signing secret. Webhook addresses carry the robot's key
/// and are secrets, as the DingTalk secret is: set them in the environment
/// (<c>Delivery__Chat__WeCom__B01=https://…</c>) or user secrets, never in a committed file. No robot
/// configured (the default) means no chat message.
/// </summary>
/// <remarks>
/// Each entry is either the address alone (<c>"B01": "https://…"</c>, or
/// <c>Delivery__Chat__DingTalk__B01=https://…</c> with <c>Delivery__Chat__DingTalk__B01__Secret=SEC…</c>
/// beside it) or an object (<c>"B01": { "Url": "https://…", "Secret": "SEC…" }</c>). The platforms
/// accept about 20 messages a minute per robot: <see cref="MessagesPerWindow"/> in
/// <see cref="Window"/> per robot, and a throttled answer is waited out (<see cref="ThrottleWait"/>).
/// </remarks>
public sealed class ChatOptions
{
    /// <summary>The scope of the group summary (the branch codes are the other scopes).</summary>
    public const string GroupScope = "group";

    /// <summary>WeCom group robots by branch code or <c>group</c>.</summary>
    public Dictionary<string, ChatRobotOptions> WeCom { get; set; } = new(StringComparer.Ordinal);

    /// <summary>DingTalk custom robots by branch code or <c>group</c>.</summary>
    public Dictionary<string, ChatRobotOptions> DingTalk { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Messages one robot is sent within <see cref="Window"/> at most (the platforms allow 20 a minute).</summary>
    public int MessagesPerWindow { get; set; } = 20;

    /// <summary>The pacing window of <see cref="MessagesPerWindow"/>.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait after a throttling answer (WeCom 45009, DingTalk 130101) before trying again.</summary>
    public TimeSpan ThrottleWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Throttling answers waited out per message before it is logged FAILED (DingTalk holds a
    /// robot that went over its rate for 10 minutes: 11 waits of a minute outlast it).
    /// </summary>
    public int ThrottleRetries { get; set; } = 11;

    /// <summary>One request to a robot fails after this long (and is retried as a transient failure).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The robots of one platform.</summary>
    public IReadOnlyDictionary<string, ChatRobotOptions> Of(ChatPlatform platform) => platform == ChatPlatform.WeCom ? WeCom : DingTalk;
}

/// <summary>One robot: its webhook address and, for DingTalk, its signing secret (<c>SEC…</c>).</summary>
[TypeConverter(typeof(ChatRobotOptionsConverter))]
public sealed class ChatRobotOptions
{
    /// <summary>The webhook address, key included. A secret.</summary>
    public string Url { get; set; } = "";

    /// <summary>The address, by its other name in the platforms' documentation.</summary>
    public string Webhook
    {
        get => Url;
        set => Url = value;
    }

    /// <summary>DingTalk's signing secret (加签, <c>SEC…</c>); empty for a robot secured by keyword or IP only. A secret.</summary>
    public string Secret { get; set; } = "";
}

/// <summary>The plain-string form of a robot: the webhook address alone.</summary>
public sealed class ChatRobotOptionsConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string url ? new ChatRobotOptions { Url = url.Trim() } : base.ConvertFrom(context, culture, value);
}
