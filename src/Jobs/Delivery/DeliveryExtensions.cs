using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Hosting;

namespace Reporting.Jobs.Delivery;

public static class DeliveryExtensions
{
    /// <summary>Binds <c>Delivery</c> and registers the transport <c>Delivery:Mode</c> names.</summary>
    public static IServiceCollection AddReportingDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DeliveryOptions.SectionName).Get<DeliveryOptions>() ?? new DeliveryOptions();
        var problems = Validate(options).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }

        services.AddSingleton(options);
        services.AddSingleton<IMailTransport>(sp => options.Mode == DeliveryMode.Smtp
            ? new SmtpMailTransport(options)
            : new OutboxMailTransport(sp.GetRequiredService<ReportingPaths>().Resolve(options.OutboxFolder), options));
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

        foreach (var (key, list) in new[] { ("GroupRecipients", options.GroupRecipients), ("FinanceRecipients", options.FinanceRecipients), ("OpsRecipients", options.OpsRecipients) })
        {
            foreach (var address in list.Where(a => !System.Net.Mail.MailAddress.TryCreate(a, out _)))
            {
                yield return $"Delivery:{key} has an invalid address '{address}'.";
            }
        }

        if (!System.Net.Mail.MailAddress.TryCreate(options.From, out _))
        {
            yield return $"Delivery:From is not an address: '{options.From}'.";
        }
    }
}
