using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Delivery;

public static class DeliveryExtensions
{
    /// <summary>Binds <c>Delivery</c> and registers the transport <c>Delivery:Mode</c> names.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="home">The home folder: a relative <c>Delivery:Smtp:TrustedCertificate</c> file is read from there, at start-up.</param>
    public static IServiceCollection AddReportingDelivery(this IServiceCollection services, IConfiguration configuration, string? home = null)
    {
        home ??= Directory.GetCurrentDirectory();
        services.AddValidatedOptions(configuration, DeliveryOptions.SectionName, new DeliveryOptionsValidator(home, () => BranchCodes(configuration)))
            .Configure(options => ReadAddressForms(options.Chat, configuration.GetSection(DeliveryOptions.SectionName + ":Chat")));
        services.AddSingleton(sp => new MailComposer(sp.GetRequiredService<DeliveryOptions>(), sp.GetRequiredService<BusinessCalendar>().Zone));
        services.AddSingleton<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<DeliveryOptions>();
            return options.Mode == DeliveryMode.Smtp
                ? new SmtpMailTransport(options, home, sp.GetService<ILogger<SmtpMailTransport>>())
                : new OutboxMailTransport(sp.GetRequiredService<ReportingPaths>().Resolve(options.OutboxFolder));
        });
        services.AddSingleton<ChatDeliverer>();
        return services;
    }

    /// <summary>The branch codes of <c>Reference:Branches</c>, as configured (the chat robots' scopes).</summary>
    private static string[] BranchCodes(IConfiguration configuration) =>
        [.. configuration.GetSection("Reference:Branches").GetChildren().Select(b => b["Code"]).OfType<string>()];

    /// <summary>
    /// A robot given as its address alone (<c>Delivery__Chat__DingTalk__B01=https://…</c>) with its
    /// secret beside it (<c>Delivery__Chat__DingTalk__B01__Secret=SEC…</c>): the binder takes the
    /// address (<see cref="ChatRobotOptionsConverter"/>) and stops there, so the secret is read here.
    /// </summary>
    internal static void ReadAddressForms(ChatOptions chat, IConfigurationSection section)
    {
        foreach (var platform in new[] { ChatPlatform.WeCom, ChatPlatform.DingTalk })
        {
            var robots = platform == ChatPlatform.WeCom ? chat.WeCom : chat.DingTalk;
            foreach (var entry in section.GetSection(platform.ToString()).GetChildren().Where(e => !string.IsNullOrEmpty(e.Value)))
            {
                if (robots.TryGetValue(entry.Key, out var robot) && robot.Secret.Length == 0 && entry["Secret"] is { Length: > 0 } secret)
                {
                    robot.Secret = secret;
                }
            }
        }
    }

    /// <summary>
    /// The chat robots' problems: each entry a robot (<see cref="ChatRobot.From"/>: an https address,
    /// or http on loopback, with its key; no secret for WeCom), each scope a branch of
    /// <paramref name="branches"/> or <c>group</c> (when given), and the pacing's numbers. Messages
    /// name the key and the host, never the address's query or a secret.
    /// </summary>
    public static IEnumerable<string> ValidateChat(ChatOptions chat, IReadOnlyCollection<string>? branches)
    {
        ArgumentNullException.ThrowIfNull(chat);
        foreach (var platform in new[] { ChatPlatform.WeCom, ChatPlatform.DingTalk })
        {
            foreach (var (scope, entry) in chat.Of(platform).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                if (branches is not null && scope != ChatOptions.GroupScope && !branches.Contains(scope, StringComparer.Ordinal))
                {
                    yield return $"Delivery:Chat:{platform}:{TextSafety.Printable(scope)} names no branch: '{TextSafety.Printable(scope)}' is not a code of Reference:Branches (use a branch code or '{ChatOptions.GroupScope}')";
                    continue;
                }

                if (ChatRobot.From(platform, scope, entry ?? new ChatRobotOptions()).Problem is { } problem)
                {
                    yield return problem;
                }
            }
        }

        if (chat.MessagesPerWindow < 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:MessagesPerWindow '{chat.MessagesPerWindow}' must be 1 or more (the platforms allow 20 a minute)");
        }

        if (chat.Window <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:Window '{chat.Window}' must be positive");
        }

        if (chat.ThrottleWait < TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:ThrottleWait '{chat.ThrottleWait}' must be zero or more");
        }

        if (chat.ThrottleRetries < 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:ThrottleRetries '{chat.ThrottleRetries}' must be zero or more");
        }

        if (chat.Timeout <= TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Chat:Timeout '{chat.Timeout}' must be positive");
        }
    }

    public static IEnumerable<string> Validate(DeliveryOptions options) => Validate(options, null);

    /// <summary>Every problem of <paramref name="options"/>; with <paramref name="branches"/>, a chat robot's scope must be one of them or <c>group</c>.</summary>
    public static IEnumerable<string> Validate(DeliveryOptions options, IReadOnlyCollection<string>? branches)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var problem in ValidateChat(options.Chat, branches))
        {
            yield return problem;
        }

        if (options.Mode == DeliveryMode.Smtp && string.IsNullOrWhiteSpace(options.Smtp.Host))
        {
            yield return "Delivery:Smtp:Host is required when Delivery:Mode is Smtp.";
        }

        if (options.Smtp.Port is <= 0 or > 65535)
        {
            yield return $"Delivery:Smtp:Port must be 1..65535, got {options.Smtp.Port}.";
        }

        if (options.Smtp.Timeout <= TimeSpan.Zero)
        {
            yield return $"Delivery:Smtp:Timeout must be positive, got {options.Smtp.Timeout}.";
        }

        if (options.Smtp.Security is { } security && options.Smtp.StartTls is { } startTls
            && security != (startTls ? SmtpSecurity.StartTls : SmtpSecurity.None))
        {
            yield return $"Delivery:Smtp:StartTls={(startTls ? "true" : "false")} contradicts Delivery:Smtp:Security={security}: StartTls is the old name, set only Delivery:Smtp:Security (StartTls, SslOnConnect, None or Auto).";
        }

        if (options.Retry.Attempts < 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Retry:Attempts '{options.Retry.Attempts}' must be 1 or more (1 means no retry)");
        }

        if (options.Retry.FirstDelay < TimeSpan.Zero)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"Delivery:Retry:FirstDelay '{options.Retry.FirstDelay}' must be zero or more");
        }

        if (options.MessageIdDomain.Length > 0 && !EmailAddress.IsDomain(options.MessageIdDomain))
        {
            yield return $"Delivery:MessageIdDomain is not a domain name: '{Domain.TextSafety.Printable(options.MessageIdDomain)}'.";
        }

        foreach (var (key, list) in new[] { ("GroupRecipients", options.GroupRecipients), ("FinanceRecipients", options.FinanceRecipients), ("OpsRecipients", options.OpsRecipients) })
        {
            foreach (var address in list.Where(a => !EmailAddress.IsValid(a)))
            {
                yield return $"Delivery:{key} has an invalid address '{address}'.";
            }
        }

        if (!EmailAddress.IsValid(options.From, allowDisplayName: true))
        {
            yield return $"Delivery:From is not an address: '{options.From}'.";
        }
    }
}

/// <summary>
/// Start-up validation of <see cref="DeliveryOptions"/>: <see cref="DeliveryExtensions.Validate(DeliveryOptions, IReadOnlyCollection{string})"/>
/// (the chat robots' scopes against the configured branch codes), and
/// for SMTP a trusted certificate that is a thumbprint or a readable file (relative to <c>home</c>).
/// </summary>
public sealed class DeliveryOptionsValidator(string home, Func<IReadOnlyCollection<string>>? branches = null) : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = DeliveryExtensions.Validate(options, branches?.Invoke()).ToList();
        if (options.Mode == DeliveryMode.Smtp)
        {
            try
            {
                SmtpMailTransport.TrustedThumbprint(options.Smtp.TrustedCertificate, home);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
