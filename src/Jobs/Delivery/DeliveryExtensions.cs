using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        services.AddValidatedOptions(configuration, DeliveryOptions.SectionName, new DeliveryOptionsValidator(home));
        services.AddSingleton(sp => new MailComposer(sp.GetRequiredService<DeliveryOptions>(), sp.GetRequiredService<BusinessCalendar>().Zone));
        services.AddSingleton<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<DeliveryOptions>();
            return options.Mode == DeliveryMode.Smtp
                ? new SmtpMailTransport(options, home, sp.GetService<ILogger<SmtpMailTransport>>())
                : new OutboxMailTransport(sp.GetRequiredService<ReportingPaths>().Resolve(options.OutboxFolder));
        });
        return services;
    }

    public static IEnumerable<string> Validate(DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
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
/// Start-up validation of <see cref="DeliveryOptions"/>: <see cref="DeliveryExtensions.Validate"/>, and
/// for SMTP a trusted certificate that is a thumbprint or a readable file (relative to <c>home</c>).
/// </summary>
public sealed class DeliveryOptionsValidator(string home) : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = DeliveryExtensions.Validate(options).ToList();
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
