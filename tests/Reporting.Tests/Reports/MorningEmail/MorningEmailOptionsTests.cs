using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports.MorningEmail;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary><c>Reports:Morning:CallListRows</c>: a whole number of rows from 1 to 60, 50 when unset; anything else stops the start-up naming the key.</summary>
public sealed class MorningEmailOptionsTests
{
    private static IConfiguration Configuration(string? rows) => new ConfigurationBuilder()
        .AddInMemoryCollection(rows is null ? [] : [new KeyValuePair<string, string?>(MorningEmailOptions.CallListRowsKey, rows)])
        .Build();

    [Test]
    public void Unset_the_email_shows_fifty_rows()
    {
        Assert.That(MorningEmailOptions.Bind(Configuration(null)).CallListRows, Is.EqualTo(50));
    }

    [TestCase("1", 1)]
    [TestCase("20", 20)]
    [TestCase(" 60 ", 60)]
    public void A_whole_number_from_one_to_sixty_is_taken(string value, int rows)
    {
        Assert.That(MorningEmailOptions.Bind(Configuration(value)).CallListRows, Is.EqualTo(rows));
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("61")]
    [TestCase("2.5")]
    [TestCase("fifty")]
    [TestCase("+20")]
    [TestCase("99999999999")]
    public void Anything_else_is_a_configuration_error_naming_the_key_and_the_value(string value)
    {
        Assert.That(
            () => MorningEmailOptions.Bind(Configuration(value)),
            Throws.InvalidOperationException.With.Message.Contain("Reports:Morning:CallListRows must be a whole number of rows from 1 to 60").And.Message.Contain($"got '{value}'"));
    }

    [Test]
    public void The_worker_s_start_up_refuses_a_bad_value()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>("Reports:Morning:CallListRows", "0")]).Build();

        Assert.That(
            () => new ServiceCollection().AddReportingCore(configuration, Path.GetTempPath()),
            Throws.InvalidOperationException.With.Message.Contain("Reports:Morning:CallListRows"));
    }

    [Test]
    public void The_worker_s_start_up_registers_the_configured_value()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>("Reports:Morning:CallListRows", "12")]).Build();

        using var provider = new ServiceCollection().AddReportingCore(configuration, Path.GetTempPath()).BuildServiceProvider();
        Assert.That(provider.GetRequiredService<MorningEmailOptions>().CallListRows, Is.EqualTo(12));
    }
}
