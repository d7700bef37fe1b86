using Microsoft.Extensions.Logging;
using Polly;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Delivery;

/// <summary>What one delivery pass did.</summary>
public sealed record DeliverySummary(int Sent, int AlreadySent, int Failed, IReadOnlyList<string> Errors);

/// <summary>
/// Sends each message to each of its recipients separately, through the per-recipient delivery
/// log: a recipient who already has (message, recipient) is skipped unless resending; a failure is
/// retried with exponential backoff, then logged FAILED so that the next run sends it — once.
/// Each recipient's message is composed by <see cref="MailComposer"/>; a pass is one transport
/// batch, so SMTP sends all of a run's messages over one connection.
/// </summary>
public sealed class Deliverer(IMailTransport transport, MailComposer composer, IRunStore runs, DeliveryOptions options, TimeProvider time, ILogger<Deliverer> logger)
{
    private readonly ResiliencePipeline _retry = Retry(options, time);

    /// <summary>
    /// Exponential backoff over <c>Delivery:Retry:Attempts</c> tries in all; one attempt means no
    /// retry (Polly refuses a retry strategy of zero retries).
    /// </summary>
    private static ResiliencePipeline Retry(DeliveryOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        options.Retry.AddTo(builder, new PredicateBuilder().Handle<MailDeliveryException>(e => e.Transient).Handle<IOException>());
        return builder.Build();
    }

    public async Task<DeliverySummary> DeliverAsync(
        string job, DateOnly businessDate, long? runId, IEnumerable<OutgoingMessage> messages, bool resend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        int sent = 0, already = 0, failed = 0;
        var errors = new List<string>();
        await using var batch = transport.OpenBatch();
        foreach (var message in messages)
        {
            foreach (var recipient in message.To.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var previous = await runs.GetDeliveryAsync(message.Key, recipient, cancellationToken);
                if (previous?.Status == DeliveryStatus.SENT && !resend)
                {
                    already++;
                    continue;
                }

                var attempts = previous?.Attempts ?? 0;
                var key = message.Key + "/" + recipient;
                try
                {
                    using var mime = composer.Compose(message with { To = [recipient] }, new MailIdentity(job, businessDate, message.Key, recipient));
                    await _retry.ExecuteAsync(
                        async token =>
                        {
                            attempts++;
                            await batch.SendAsync(key, mime, token);
                        },
                        cancellationToken);
                    await runs.RecordDeliveryAsync(
                        new DeliveryRecord(message.Key, recipient, job, businessDate, message.Subject, DeliveryStatus.SENT, attempts, time.GetUtcNow(), time.GetUtcNow(), runId, null),
                        cancellationToken);
                    sent++;
                }
                catch (Exception ex) when (ex is MailDeliveryException or IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    failed++;
                    errors.Add($"{message.Key} to {recipient}: {ex.Message}");
                    logger.LogWarning("{Key}: delivery to one recipient failed after {Attempts} attempts: {Error}", message.Key, attempts, ex.Message);
                    await runs.RecordDeliveryAsync(
                        new DeliveryRecord(message.Key, recipient, job, businessDate, message.Subject, DeliveryStatus.FAILED, attempts, time.GetUtcNow(), null, runId, ex.Message),
                        cancellationToken);
                }
            }
        }

        ReportingTelemetry.Delivered(ReportingTelemetry.EmailChannel, sent, failed);
        return new DeliverySummary(sent, already, failed, errors);
    }
}
