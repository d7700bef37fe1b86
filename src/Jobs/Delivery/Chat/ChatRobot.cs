using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Reporting.Jobs.Delivery.Chat;

/// <summary>
/// A configured robot as delivery uses it: the platform, the scope it serves, the address and
/// secret (never shown), and what may be shown of it: the host and a short hash of its key.
/// </summary>
/// <remarks>
/// The key is the webhook's <c>key</c> (WeCom) or <c>access_token</c> (DingTalk) query value;
/// <see cref="KeyHash"/> is the first 8 hex digits of its SHA-256, enough to tell two robots apart
/// in a log and useless to anyone who would post to the robot.
/// </remarks>
public sealed class ChatRobot
{
    private ChatRobot(ChatPlatform platform, string scope, Uri url, string key, string secret)
    {
        Platform = platform;
        Scope = scope;
        Url = url;
        Key = key;
        Secret = secret;
        KeyHash = HashOf(key);
    }

    public ChatPlatform Platform { get; }

    /// <summary>The branch code or <c>group</c> whose summary this robot receives.</summary>
    public string Scope { get; }

    /// <summary>The webhook address. Never logged, never in a message.</summary>
    internal Uri Url { get; }

    /// <summary>The robot's key (<c>key</c> / <c>access_token</c>). Never logged, never in a message.</summary>
    internal string Key { get; }

    /// <summary>DingTalk's signing secret, or empty. Never logged, never in a message.</summary>
    internal string Secret { get; }

    /// <summary>8 hex digits of the key's SHA-256.</summary>
    public string KeyHash { get; }

    /// <summary>The host (and port when not the default): shown in logs and errors.</summary>
    public string Host => Url.IsDefaultPort ? Url.Host : string.Create(CultureInfo.InvariantCulture, $"{Url.Host}:{Url.Port}");

    /// <summary>The delivery log's recipient: <c>wecom:B01:1a2b3c4d</c>. Never the key itself.</summary>
    public string Recipient => string.Create(CultureInfo.InvariantCulture, $"{PlatformName(Platform)}:{Scope}:{KeyHash}");

    /// <summary>How logs and errors name the robot: <c>WeCom robot qyapi.weixin.qq.com key#1a2b3c4d (B01)</c>.</summary>
    public string Describe() => $"{Platform} robot {Host} key#{KeyHash} ({Scope})";

    /// <summary>The lower-case platform name of recipients: <c>wecom</c>, <c>dingtalk</c>.</summary>
    public static string PlatformName(ChatPlatform platform) => platform == ChatPlatform.WeCom ? "wecom" : "dingtalk";

    /// <summary>The query parameter that holds a platform's key.</summary>
    public static string KeyParameter(ChatPlatform platform) => platform == ChatPlatform.WeCom ? "key" : "access_token";

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];

    /// <summary>
    /// <paramref name="text"/> (an answer's <c>errmsg</c>, an exception's message) with the address,
    /// the key and the secret taken out, in case a server or a library repeats them.
    /// </summary>
    public string Scrub(string? text)
    {
        var scrubbed = text ?? "";
        foreach (var secret in new[] { Url.OriginalString, Url.AbsoluteUri, Url.Query, Key, WebUtility.UrlEncode(Key), Secret }.Where(s => s.Length >= 4))
        {
            scrubbed = scrubbed.Replace(secret, "***", StringComparison.Ordinal);
        }

        return Domain.TextSafety.Printable(scrubbed, 200);
    }

    /// <summary>
    /// The robot of a configured entry, or why it cannot be one; the reason names the key
    /// (<c>Delivery:Chat:WeCom:B01</c>) and the host, never the address's query or the secret.
    /// </summary>
    public static (ChatRobot? Robot, string? Problem) From(ChatPlatform platform, string scope, ChatRobotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:{platform}:{scope}");
        var address = options.Url.Trim();
        if (address.Length == 0)
        {
            return (null, $"{name} has no webhook address (set it, or remove the entry)");
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return (null, $"{name} is not an http(s) address (the value is a secret and is not shown)");
        }

        if (url.Scheme != Uri.UriSchemeHttps && !url.IsLoopback)
        {
            return (null, $"{name} must be an https address: http://{url.Host} would send the robot's key in clear (plain http is allowed on loopback only)");
        }

        var parameter = KeyParameter(platform);
        var key = QueryValue(url, parameter);
        if (string.IsNullOrEmpty(key))
        {
            return (null, $"{name} (host {url.Host}) has no {parameter}= in its query: copy the robot's whole webhook address");
        }

        var secret = options.Secret.Trim();
        if (platform == ChatPlatform.WeCom && secret.Length > 0)
        {
            return (null, $"{name}:Secret is set, but WeCom group robots are not signed: remove it (the key in the address is the robot's only secret)");
        }

        return (new ChatRobot(platform, scope, url, key, secret), null);
    }

    private static string? QueryValue(Uri url, string parameter)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            if (string.Equals(Uri.UnescapeDataString(name), parameter, StringComparison.Ordinal))
            {
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }
}
