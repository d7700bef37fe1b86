using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Hosting;
using Reporting.Testing;

namespace Reporting.Tests.Delivery;

/// <summary><c>Delivery</c> configuration: the SMTP security choice, its legacy switch, trusted certificates, addresses.</summary>
public sealed class DeliveryOptionsTests
{
    private static DeliveryOptions Bind(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryLayout.Config, "delivery.json"))
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build()
            .GetSection(DeliveryOptions.SectionName).Get<DeliveryOptions>()!;

    [Test]
    public void The_shipped_configuration_uses_STARTTLS_and_is_valid()
    {
        var options = Bind();

        Assert.That(options.Smtp.EffectiveSecurity, Is.EqualTo(SmtpSecurity.StartTls));
        Assert.That(DeliveryExtensions.Validate(options), Is.Empty);
    }

    [TestCase("StartTls", SmtpSecurity.StartTls)]
    [TestCase("SslOnConnect", SmtpSecurity.SslOnConnect)]
    [TestCase("None", SmtpSecurity.None)]
    [TestCase("Auto", SmtpSecurity.Auto)]
    public void Security_is_read_from_configuration(string value, SmtpSecurity expected) =>
        Assert.That(Bind(("Delivery:Smtp:Security", value)).Smtp.EffectiveSecurity, Is.EqualTo(expected));

    [TestCase(true, SmtpSecurity.StartTls)]
    [TestCase(false, SmtpSecurity.None)]
    public void Without_Security_the_legacy_StartTls_switch_decides(bool startTls, SmtpSecurity expected) =>
        Assert.That(new SmtpOptions { StartTls = startTls }.EffectiveSecurity, Is.EqualTo(expected));

    [Test]
    public void Neither_Security_nor_StartTls_means_STARTTLS() =>
        Assert.That(new SmtpOptions().EffectiveSecurity, Is.EqualTo(SmtpSecurity.StartTls));

    [Test]
    public void A_legacy_StartTls_that_contradicts_Security_is_a_configuration_error_naming_both_keys()
    {
        var options = Bind(("Delivery:Smtp:StartTls", "false"));

        Assert.That(DeliveryExtensions.Validate(options), Has.One.Contains("Delivery:Smtp:StartTls=false contradicts Delivery:Smtp:Security=StartTls"));
    }

    [Test]
    public void A_legacy_StartTls_that_agrees_with_Security_is_accepted() =>
        Assert.That(DeliveryExtensions.Validate(Bind(("Delivery:Smtp:StartTls", "true"))), Is.Empty);

    [TestCase("not-an-address")]
    [TestCase("reports@")]
    [TestCase("a@dealer.example, b@dealer.example")]
    public void A_From_that_is_not_a_plain_address_is_rejected(string from) =>
        Assert.That(DeliveryExtensions.Validate(new DeliveryOptions { From = from }), Has.One.StartWith("Delivery:From is not an address"));

    [Test]
    public void A_From_with_a_display_name_is_accepted_and_gives_the_Message_ID_its_domain()
    {
        var options = new DeliveryOptions { From = "车商渠道报表 <reports@mail.dealer.example>" };

        Assert.That(DeliveryExtensions.Validate(options), Is.Empty);
        Assert.That(options.EffectiveMessageIdDomain, Is.EqualTo("mail.dealer.example"));
    }

    [Test]
    public void A_recipient_list_entry_with_a_display_name_is_rejected() =>
        Assert.That(DeliveryExtensions.Validate(new DeliveryOptions { OpsRecipients = ["Ops <ops@dealer.example>"] }), Has.One.StartWith("Delivery:OpsRecipients has an invalid address"));

    [Test]
    public void A_Message_ID_domain_that_is_not_a_domain_is_rejected() =>
        Assert.That(DeliveryExtensions.Validate(new DeliveryOptions { MessageIdDomain = "bad domain" }), Has.One.StartWith("Delivery:MessageIdDomain is not a domain name"));

    [Test]
    public void A_trusted_certificate_thumbprint_may_be_written_with_colons()
    {
        var hex = string.Concat(Enumerable.Range(0, 32).Select(i => i.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var colons = string.Join(':', hex.Chunk(2).Select(c => new string(c)));

        Assert.That(SmtpMailTransport.TrustedThumbprint(colons, "/"), Is.EqualTo(Convert.FromHexString(hex)));
    }

    [Test]
    public void A_missing_trusted_certificate_file_is_a_configuration_error_at_start_up()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Delivery:Mode"] = "Smtp",
            ["Delivery:Smtp:Host"] = "relay.internal",
            ["Delivery:Smtp:TrustedCertificate"] = "certs/no-such-relay.crt",
        }).Build();

        using var services = new ServiceCollection().AddReportingDelivery(configuration, Path.GetTempPath()).BuildServiceProvider();

        Assert.That(
            () => services.ValidateConfiguration(),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Delivery:Smtp:TrustedCertificate").And.Message.Contains("no-such-relay.crt"));
    }

    [Test]
    public void A_trusted_certificate_that_is_neither_thumbprint_nor_readable_file_names_the_key()
    {
        Assert.That(
            () => SmtpMailTransport.TrustedThumbprint("no-such-relay.crt", Path.GetTempPath()),
            Throws.InvalidOperationException.With.Message.StartsWith("Delivery:Smtp:TrustedCertificate is neither"));
    }
}
