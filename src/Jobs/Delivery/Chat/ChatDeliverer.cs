using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Delivery.Chat;

/// <summary>
/// Sends chat summaries to the robots configured for their scope (<c>Delivery:Chat</c>), through
/// the same per-recipient delivery log as email: the recipient of a summary is the robot
/// (<c>wecom:B01:1a2b3c4d</c>: platform, scope, key hash), so a rerun of a (job, date) sends a robot
/// nothing it already has, <c>--resend</c> sends again, and a failure is logged FAILED and sent by
/// the next run. Each robot is paced (<see cref="ChatOptions.MessagesPerWindow"/> in
/// <see cref="ChatOptions.Window"/>, robots sharing a key share the pace); a throttling answer is
/// waited out (<see cref="ChatOptions.ThrottleWait"/>, up to <see cref="ChatOptions.ThrottleRetries"/>
/// times); a transient failure is retried as email is (<c>Delivery:Retry</c>); a permanent one
/// (a bad key, a bad signature) fails that robot at once. One robot's failure never stops another's.
/// </summary>
/// <remarks>
/// Logs and errors name a robot by platform, host and key hash only (<see cref="ChatRobot.Describe"/>).
/// No <c>IHttpClientFactory</c>: its handlers log request addresses, and an address holds the key.
/// </remarks>
public sealed class ChatDeliverer : IDisposable
{
    private readonly IRunStore _runs;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatDeliverer> _logger;
    private readonly ChatOptions _options;
    private readonly HttpClient _http;
    private readonly Dictionary<ChatPlatform, IChatTransport> _transports;
    private readonly IReadOnlyList<ChatRobot> _robots;
    private readonly Dictionary<string, RobotPace> _paces = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _retry;

    public ChatDeliverer(DeliveryOptions options, IRunStore runs, TimeProvider time, ILogger<ChatDeliverer> logger, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _runs = runs;
        _time = time;
        _logger = logger;
        _options = options.Chat;
        // The timeout is each transport's own (a linked token), so that it reads as the platform's failure.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _transports = new IChatTransport[]
        {
            new WeComChatTransport(_http, _options.Timeout),
            new DingTalkChatTransport(_http, _options.Timeout, time),
        }.ToDictionary(t => t.Platform);
        _robots = Robots(_options);
        _retry = Retry(options, time);
    }

    /// <summary>The configured robots, WeCom first, each platform's in scope order; throws on an entry that start-up validation refuses.</summary>
    private static List<ChatRobot> Robots(ChatOptions options)
    {
        var robots = new List<ChatRobot>();
        foreach (var platform in new[] { ChatPlatform.WeCom, ChatPlatform.DingTalk })
        {
            foreach (var (scope, entry) in options.Of(platform).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var (robot, problem) = ChatRobot.From(platform, scope, entry);
                robots.Add(robot ?? throw new InvalidOperationException(problem));
            }
        }

        return robots;
    }

    /// <summary>Throttling waited out (outer), transient failures retried with backoff (inner), as <c>Delivery:Retry</c> for email.</summary>
    private static ResiliencePipeline Retry(DeliveryOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.Chat.ThrottleRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Chat.ThrottleRetries,
                Delay = options.Chat.ThrottleWait,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder().Handle<ChatDeliveryException>(e => e.Failure == ChatFailure.Throttled),
            });
        }

        options.Retry.AddTo(builder, new PredicateBuilder().Handle<ChatDeliveryException>(e => e.Failure == ChatFailure.Transient));

        return builder.Build();
    }

    /// <summary>Where each summary goes: one line per (summary, robot) of its scope, in order; the dry run lists these.</summary>
    public IReadOnlyList<ChatRoute> Plan(IEnumerable<OutgoingChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return [.. messages.SelectMany(m => _robots.Where(r => r.Scope == m.Scope).Select(r => new ChatRoute(m, r)))];
    }

    public async Task<DeliverySummary> DeliverAsync(
        string job, DateOnly businessDate, long? runId, IEnumerable<OutgoingChatMessage> messages, bool resend, CancellationToken cancellationToken = default)
    {
        int sent = 0, already = 0, failed = 0;
        var errors = new List<string>();
        foreach (var (message, robot) in Plan(messages))
        {
            var previous = await _runs.GetDeliveryAsync(message.Key, robot.Recipient, cancellationToken);
            if (previous?.Status == DeliveryStatus.SENT && !resend)
            {
                already++;
                continue;
            }

            var attempts = previous?.Attempts ?? 0;
            var transport = _transports[robot.Platform];
            var pace = Pace(robot);
            try
            {
                var body = transport.Body(message);
                await _retry.ExecuteAsync(
                    async token =>
                    {
                        await pace.WaitTurnAsync(token);
                        attempts++;
                        await transport.SendAsync(robot, body, token);
                    },
                    cancellationToken);
                await _runs.RecordDeliveryAsync(
                    new DeliveryRecord(message.Key, robot.Recipient, job, businessDate, message.Title, DeliveryStatus.SENT, attempts, _time.GetUtcNow(), _time.GetUtcNow(), runId, null),
                    cancellationToken);
                _logger.LogInformation("{Key}: chat summary sent to {Robot}", message.Key, robot.Describe());
                ReportingTelemetry.Delivered(ChatRobot.PlatformName(robot.Platform), 1, 0);
                sent++;
            }
            catch (ChatDeliveryException ex)
            {
                failed++;
                ReportingTelemetry.Delivered(ChatRobot.PlatformName(robot.Platform), 0, 1);
                errors.Add($"{message.Key} to {robot.Recipient}: {ex.Message}");
                _logger.LogWarning("{Key}: chat summary not delivered after {Attempts} attempts: {Error}", message.Key, attempts, ex.Message);
                await _runs.RecordDeliveryAsync(
                    new DeliveryRecord(message.Key, robot.Recipient, job, businessDate, message.Title, DeliveryStatus.FAILED, attempts, _time.GetUtcNow(), null, runId, ex.Message),
                    cancellationToken);
            }
        }

        return new DeliverySummary(sent, already, failed, errors);
    }

    /// <summary>The pace of a robot's key: robots configured with the same webhook share it.</summary>
    private RobotPace Pace(ChatRobot robot)
    {
        var name = ChatRobot.PlatformName(robot.Platform) + ":" + robot.KeyHash;
        if (!_paces.TryGetValue(name, out var pace))
        {
            pace = new RobotPace(_options.MessagesPerWindow, _options.Window, _time);
            _paces[name] = pace;
        }

        return pace;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// At most <c>messages</c> requests in any <c>window</c> to one robot: a request waits until the
    /// oldest of the last <c>messages</c> is a window old. Requests (retries included) count when they
    /// start. A pass sends one request at a time.
    /// </summary>
    private sealed class RobotPace(int messages, TimeSpan window, TimeProvider time)
    {
        private readonly Queue<DateTimeOffset> _sent = new();

        public async Task WaitTurnAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var now = time.GetUtcNow();
                while (_sent.Count > 0 && _sent.Peek() <= now - window)
                {
                    _sent.Dequeue();
                }

                if (_sent.Count < messages)
                {
                    _sent.Enqueue(now);
                    return;
                }

                await Task.Delay(_sent.Peek() + window - now, time, cancellationToken);
            }
        }
    }
}

/// <summary>One summary to one robot: what the dry run lists and the delivery log keys.</summary>
public sealed record ChatRoute(OutgoingChatMessage Message, ChatRobot Robot)
{
    /// <summary><c>morning/2026-11-21/B01 → wecom:B01:1a2b3c4d (qyapi.weixin.qq.com)</c>.</summary>
    public override string ToString() => $"{Message.Key} → {Robot.Recipient} ({Robot.Host})";
}
