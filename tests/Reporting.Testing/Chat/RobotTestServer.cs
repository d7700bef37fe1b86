using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reporting.Jobs.Delivery.Chat;

namespace Reporting.Testing.Chat;

/// <summary>How a <see cref="RobotTestServer"/> behaves: its rate limit, transient failures.</summary>
public sealed record RobotTestServerOptions
{
    /// <summary>Messages one key may send within <see cref="ThrottleWindow"/>; the next is answered with the platform's throttling code.</summary>
    public int ThrottleLimit { get; init; } = 20;

    /// <summary>The platforms' window is a minute; tests shorten it.</summary>
    public TimeSpan ThrottleWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Answer the first N requests with HTTP 502 and no body (a transient failure).</summary>
    public int FailFirst { get; init; }

    /// <summary>How far a DingTalk <c>timestamp</c> may be from the server's clock (the documentation: one hour).</summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>One request as the server took it, and what it answered.</summary>
/// <param name="Platform">Whose endpoint was called.</param>
/// <param name="Key">The WeCom <c>key</c> or DingTalk <c>access_token</c>.</param>
/// <param name="Body">The request body, as UTF-8 text.</param>
/// <param name="BodyBytes">The request body's size in bytes.</param>
/// <param name="Title">DingTalk's <c>markdown.title</c>; null for WeCom.</param>
/// <param name="Text">WeCom's <c>markdown.content</c> or DingTalk's <c>markdown.text</c>.</param>
/// <param name="HttpStatus">The HTTP status answered.</param>
/// <param name="ErrorCode">The <c>errcode</c> answered (0: accepted), or null for an HTTP failure.</param>
public sealed record ReceivedChat(ChatPlatform Platform, string Key, string Body, int BodyBytes, string? Title, string? Text, int HttpStatus, int? ErrorCode);

/// <summary>
/// A local stand-in for the WeCom group robot and DingTalk custom robot webhooks. No real WeCom or
/// DingTalk endpoint is reachable from here (and a test must not post to a real group), so this
/// server listens on loopback and follows the platforms' documented protocol:
/// <list type="bullet">
/// <item>WeCom: <c>POST /cgi-bin/webhook/send?key=K</c> with <c>{"msgtype":"markdown","markdown":{"content":"…"}}</c>;
/// answers <c>{"errcode":0,"errmsg":"ok"}</c>; an unknown key 93000 (invalid webhook url); content over
/// 4 096 UTF-8 bytes 40058; the 21st message of a key within a minute 45009 (api freq out of limit).</item>
/// <item>DingTalk: <c>POST /robot/send?access_token=T&amp;timestamp=MS&amp;sign=S</c> with
/// <c>{"msgtype":"markdown","markdown":{"title":"…","text":"…"}}</c>; checks the signature itself
/// (timestamp within an hour, <c>sign</c> = Base64(HmacSHA256(secret, timestamp + "\n" + secret)));
/// answers <c>{"errcode":0,"errmsg":"ok"}</c>; an unknown token 300001; a bad or missing signature or
/// timestamp 310000; a body over 20 000 bytes 460101; the 21st message within a minute 130101.</item>
/// </list>
/// Every request is recorded (<see cref="Requests"/>) with its answer.
/// </summary>
public sealed class RobotTestServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly RobotTestServerOptions _options;
    private readonly ConcurrentDictionary<string, byte> _weComKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _dingTalkSecrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _accepted = new(StringComparer.Ordinal);
    private readonly List<ReceivedChat> _requests = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _failed;

    private RobotTestServer(int port, RobotTestServerOptions options)
    {
        Port = port;
        _options = options;
        _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public static RobotTestServer Start(RobotTestServerOptions? options = null) => new(FreePort(), options ?? new RobotTestServerOptions());

    /// <summary>A WeCom robot this server knows; its webhook address.</summary>
    public string AddWeComRobot(string key)
    {
        _weComKeys[key] = 0;
        return WeComUrl(key);
    }

    public string WeComUrl(string key) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/cgi-bin/webhook/send?key={Uri.EscapeDataString(key)}");

    /// <summary>A DingTalk robot this server knows, signed with <paramref name="secret"/>; its webhook address.</summary>
    public string AddDingTalkRobot(string token, string secret)
    {
        _dingTalkSecrets[token] = secret;
        return DingTalkUrl(token);
    }

    public string DingTalkUrl(string token) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/robot/send?access_token={Uri.EscapeDataString(token)}");

    /// <summary>Every request so far, in order.</summary>
    public IReadOnlyList<ReceivedChat> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests the server accepted (errcode 0).</summary>
    public IReadOnlyList<ReceivedChat> Accepted => [.. Requests.Where(r => r.ErrorCode == 0)];

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away: nothing to answer.
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var body = Encoding.UTF8.GetString(bytes);
        var query = System.Web.HttpUtility.ParseQueryString(context.Request.Url!.Query);
        var path = context.Request.Url.AbsolutePath;
        var platform = path == "/robot/send" ? ChatPlatform.DingTalk : ChatPlatform.WeCom;
        var key = (platform == ChatPlatform.WeCom ? query["key"] : query["access_token"]) ?? "";

        if (Interlocked.Increment(ref _failed) <= _options.FailFirst)
        {
            Record(new ReceivedChat(platform, key, body, bytes.Length, null, null, 502, null));
            context.Response.StatusCode = 502;
            context.Response.Close();
            return;
        }

        if (context.Request.HttpMethod != "POST" || path is not ("/cgi-bin/webhook/send" or "/robot/send"))
        {
            Record(new ReceivedChat(platform, key, body, bytes.Length, null, null, 404, null));
            context.Response.StatusCode = 404;
            context.Response.Close();
            return;
        }

        var (title, text, errcode, errmsg) = platform == ChatPlatform.WeCom ? WeCom(key, body) : DingTalk(key, query, body, bytes.Length);
        Record(new ReceivedChat(platform, key, body, bytes.Length, title, text, 200, errcode));
        var answer = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { errcode, errmsg }));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.OutputStream.WriteAsync(answer);
        context.Response.Close();
    }

    private (string? Title, string? Text, int Code, string Message) WeCom(string key, string body)
    {
        if (!_weComKeys.ContainsKey(key))
        {
            return (null, null, 93000, "invalid webhook url, hint: [test], more info at https://open.work.weixin.qq.com/devtool/query?e=93000");
        }

        var markdown = Markdown(body);
        if (markdown?["content"]?.GetValueKind() != JsonValueKind.String)
        {
            return (null, null, 40008, "invalid message type");
        }

        var content = markdown["content"]!.GetValue<string>();
        if (Encoding.UTF8.GetByteCount(content) > WeComChatTransport.ContentLimit)
        {
            return (null, content, 40058, "markdown.content exceed max length 4096. invalid Request Parameter");
        }

        return Throttled("wecom:" + key) ? (null, content, 45009, "api freq out of limit") : (null, content, 0, "ok");
    }

    private (string? Title, string? Text, int Code, string Message) DingTalk(string token, System.Collections.Specialized.NameValueCollection query, string body, int bytes)
    {
        if (!_dingTalkSecrets.TryGetValue(token, out var secret))
        {
            return (null, null, 300001, "token is not exist");
        }

        if (!long.TryParse(query["timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || (TimeProvider.System.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(timestamp)).Duration() > _options.TimestampTolerance)
        {
            return (null, null, 310000, "invalid timestamp");
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timestamp}\n{secret}"))));
        if (!string.Equals(query["sign"], expected, StringComparison.Ordinal))
        {
            return (null, null, 310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]");
        }

        if (bytes > DingTalkChatTransport.BodyLimit)
        {
            return (null, null, 460101, "message too long, exceed 20000 bytes");
        }

        var markdown = Markdown(body);
        if (markdown?["title"]?.GetValueKind() != JsonValueKind.String || markdown["text"]?.GetValueKind() != JsonValueKind.String)
        {
            return (null, null, 40035, "缺少参数 json");
        }

        var (title, text) = (markdown["title"]!.GetValue<string>(), markdown["text"]!.GetValue<string>());
        return Throttled("dingtalk:" + token) ? (title, text, 130101, "send too fast, exceed 20 times per minute") : (title, text, 0, "ok");
    }

    /// <summary>The <c>markdown</c> object of a body whose <c>msgtype</c> is markdown, or null.</summary>
    private static JsonNode? Markdown(string body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            return root?["msgtype"]?.GetValueKind() == JsonValueKind.String && root["msgtype"]!.GetValue<string>() == "markdown" ? root["markdown"] : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the key already had <see cref="RobotTestServerOptions.ThrottleLimit"/> messages accepted within the window; otherwise counts this one.</summary>
    private bool Throttled(string key)
    {
        var now = TimeProvider.System.GetUtcNow();
        lock (_accepted)
        {
            if (!_accepted.TryGetValue(key, out var times))
            {
                _accepted[key] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && times.Peek() <= now - _options.ThrottleWindow)
            {
                times.Dequeue();
            }

            if (times.Count >= _options.ThrottleLimit)
            {
                return true;
            }

            times.Enqueue(now);
            return false;
        }
    }

    private void Record(ReceivedChat request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}
