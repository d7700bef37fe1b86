using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary><c>Reports:Morning:CallListRows</c>: a whole number of rows from 1 to 60, 50 when unset; anything else stops the start-up naming the key and the value.</summary>
public sealed class MorningEmailOptionsTests
{
    private static ServiceProvider Services(string? rows)
    {
        var configuration = new ConfigurationBuilder();
        foreach (var file in Directory.EnumerateFiles(RepositoryLayout.Config, "*.json").Order(StringComparer.Ordinal))
        {
            configuration.AddJsonFile(file);
        }

        configuration.AddInMemoryCollection(rows is null ? [] : [new KeyValuePair<string, string?>(MorningEmailOptions.CallListRowsKey, rows)]);
        return new ServiceCollection().AddReportingCore(configuration.Build(), Path.GetTempPath()).BuildServiceProvider();
    }

    private static int Rows(string? rows)
    {
        using var services = Services(rows);
        services.ValidateConfiguration();
        return services.GetRequiredService<MorningEmailOptions>().CallListRows;
    }

    [Test]
    public void Unset_the_email_shows_fifty_rows()
    {
        Assert.That(Rows(null), Is.EqualTo(50));
    }

    [TestCase("1", 1)]
    [TestCase("20", 20)]
    [TestCase(" 60 ", 60)]
    public void A_whole_number_from_one_to_sixty_is_taken(string value, int rows)
    {
        Assert.That(Rows(value), Is.EqualTo(rows));
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("61")]
    public void A_number_out_of_range_is_a_configuration_error_naming_the_key_and_the_value(string value)
    {
        Assert.That(
            () => Rows(value),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contain($"Reports:Morning:CallListRows '{value}' must be a whole number of rows from 1 to 60"));
    }

    [TestCase("2.5")]
    [TestCase("fifty")]
    [TestCase("99999999999")]
    public void Not_a_whole_number_is_a_configuration_error_naming_the_key_and_the_value(string value)
    {
        Assert.That(
            () => Rows(value),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contain($"Reports:Morning:CallListRows '{value}' is not a whole number"));
    }
}
