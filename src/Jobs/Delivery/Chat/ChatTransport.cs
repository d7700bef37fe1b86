using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Reporting.Jobs.Delivery.Chat;

/// <summary>One platform's robot webhook: the request body of a summary (fitted to the platform's limit), and the request.</summary>
public interface IChatTransport
{
    ChatPlatform Platform { get; }

    /// <summary>The JSON request body (UTF-8) of <paramref name="message"/>, within the platform's documented limit.</summary>
    byte[] Body(OutgoingChatMessage message);

    /// <summary>
    /// Posts <paramref name="body"/> to <paramref name="robot"/>. Returns when the platform answered
    /// <c>errcode</c> 0; otherwise throws a <see cref="ChatDeliveryException"/> saying whether
    /// it is worth retrying.
    /// </summary>
    Task SendAsync(ChatRobot robot, byte[] body, CancellationToken cancellationToken = default);
}

/// <summary>
/// 企业微信群机器人: <c>POST {"msgtype":"markdown","markdown":{"content":"…"}}</c> to the webhook,
/// answered <c>{"errcode":0,"errmsg":"ok"}</c>. The content is at most 4 096 bytes of UTF-8
/// (longer: errcode 40058); 20 messages a minute per robot (more: errcode 45009).
/// </summary>
public sealed class WeComChatTransport(HttpClient http, TimeSpan timeout) : IChatTransport
{
    /// <summary>The documented limit of <c>markdown.content</c>, in UTF-8 bytes.</summary>
    public const int ContentLimit = 4096;

    /// <summary>接口调用超过限制 (api freq out of limit).</summary>
    public const int Throttled = 45009;

    public ChatPlatform Platform => ChatPlatform.WeCom;

    public byte[] Body(OutgoingChatMessage message)
    {
        var content = ChatText.Fit(message, "\n", text => Encoding.UTF8.GetByteCount(text), ContentLimit);
        return WebhookJson.Serialize(new { msgtype = "markdown", markdown = new { content } });
    }

    public Task SendAsync(ChatRobot robot, byte[] body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(robot);
        return WebhookJson.PostAsync(http, timeout, robot, robot.Url, body, [Throttled], cancellationToken);
    }
}

/// <summary>
/// 钉钉自定义机器人: <c>POST {"msgtype":"markdown","markdown":{"title":"…","text":"…"}}</c> to the
/// webhook, signed (加签) with <c>timestamp</c> (ms) and <c>sign</c> = Base64(HmacSHA256(secret,
/// timestamp + "\n" + secret)), URL-encoded, in the query; answered <c>{"errcode":0,"errmsg":"ok"}</c>.
/// The request body is at most 20 000 bytes (longer: errcode 460101); 20 messages a minute per
/// robot (more: errcode 130101, and the robot is held for 10 minutes).
/// </summary>
public sealed class DingTalkChatTransport(HttpClient http, TimeSpan timeout, TimeProvider time) : IChatTransport
{
    /// <summary>The documented limit of a request body, in bytes.</summary>
    public const int BodyLimit = 20_000;

    /// <summary>send too fast, exceed 20 times per minute.</summary>
    public const int Throttled = 130101;

    public ChatPlatform Platform => ChatPlatform.DingTalk;

    public byte[] Body(OutgoingChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var title = message.Title;
        var text = ChatText.Fit(message, "\n\n", candidate => Serialize(title, candidate).Length, BodyLimit);
        return Serialize(title, text);
    }

    private static byte[] Serialize(string title, string text) =>
        WebhookJson.Serialize(new { msgtype = "markdown", markdown = new { title, text } });

    public Task SendAsync(ChatRobot robot, byte[] body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(robot);
        return WebhookJson.PostAsync(http, timeout, robot, Signed(robot, time.GetUtcNow().ToUnixTimeMilliseconds()), body, [Throttled], cancellationToken);
    }

    /// <summary>The webhook address with <c>timestamp</c> and <c>sign</c> added; unchanged for a robot without a secret.</summary>
    internal static Uri Signed(ChatRobot robot, long timestamp) =>
        robot.Secret.Length == 0
            ? robot.Url
            : new Uri(robot.Url.AbsoluteUri + (robot.Url.Query.Length > 0 ? "&" : "?")
                + string.Create(CultureInfo.InvariantCulture, $"timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(robot.Secret, timestamp))}"));

    /// <summary>Base64(HmacSHA256(key: secret, message: timestamp + "\n" + secret)), before URL encoding.</summary>
    public static string Sign(string secret, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var message = string.Create(CultureInfo.InvariantCulture, $"{timestamp}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
    }
}

/// <summary>The JSON both platforms speak, and the one POST they share.</summary>
internal static class WebhookJson
{
    /// <summary>UTF-8 as it is (no <c>\uXXXX</c> for Chinese, which would triple a summary's bytes); the text is not HTML.</summary>
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static async Task PostAsync(HttpClient http, TimeSpan timeout, ChatRobot robot, Uri address, byte[] body, int[] throttled, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await http.SendAsync(request, deadline.Token);
            text = await response.Content.ReadAsStringAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatDeliveryException(
                string.Create(CultureInfo.InvariantCulture, $"{robot.Describe()}: no answer within {timeout} (Delivery:Chat:Timeout)"), ChatFailure.Transient);
        }
        catch (HttpRequestException ex)
        {
            // The library's message names the host and port at most; scrubbed all the same.
            throw new ChatDeliveryException($"{robot.Describe()}: the request failed: {robot.Scrub(ex.Message)}", ChatFailure.Transient);
        }

        using (response)
        {
            Answer(robot, response.StatusCode, text, throttled);
        }
    }

    /// <summary>Nothing for <c>errcode</c> 0; otherwise the failure, classified.</summary>
    internal static void Answer(ChatRobot robot, HttpStatusCode status, string text, int[] throttled)
    {
        var code = (int)status;
        if (status == HttpStatusCode.TooManyRequests)
        {
            throw new ChatDeliveryException(string.Create(CultureInfo.InvariantCulture, $"{robot.Describe()}: throttled (HTTP 429)"), ChatFailure.Throttled);
        }

        if (code >= 500)
        {
            throw new ChatDeliveryException(string.Create(CultureInfo.InvariantCulture, $"{robot.Describe()}: HTTP {code} {status}"), ChatFailure.Transient);
        }

        if (code is < 200 or >= 300)
        {
            throw new ChatDeliveryException(string.Create(CultureInfo.InvariantCulture, $"{robot.Describe()}: HTTP {code} {status}: {robot.Scrub(text)}"), ChatFailure.Permanent);
        }

        int errorCode;
        string message;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            errorCode = root.TryGetProperty("errcode", out var errcode) && errcode.ValueKind == JsonValueKind.Number ? errcode.GetInt32() : -1;
            message = root.TryGetProperty("errmsg", out var errmsg) && errmsg.ValueKind == JsonValueKind.String ? errmsg.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            throw new ChatDeliveryException($"{robot.Describe()}: the answer is not the platform's JSON: {robot.Scrub(text)}", ChatFailure.Permanent);
        }

        if (errorCode == 0)
        {
            return;
        }

        var failure = throttled.Contains(errorCode) ? ChatFailure.Throttled : ChatFailure.Permanent;
        throw new ChatDeliveryException(
            string.Create(CultureInfo.InvariantCulture, $"{robot.Describe()}: {(failure == ChatFailure.Throttled ? "throttled, " : "")}errcode {errorCode} {robot.Scrub(message)}"),
            failure,
            errorCode);
    }
}
