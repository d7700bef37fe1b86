using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Metrics;

namespace Reporting.Tests.Metrics;

/// <summary>The Metrics section: config/metrics.json carries SPEC §3's defaults; bad values stop start-up with a clear message.</summary>
public class MetricsOptionsTests
{
    private static string ConfigFile([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "config", "metrics.json"));

    private static ServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection().AddReportingMetrics(configuration).BuildServiceProvider();

    private static IConfiguration ShippedConfiguration(params (string Key, string? Value)[] overrides) =>
        new ConfigurationBuilder()
            .AddJsonFile(ConfigFile(), optional: false)
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build();

    private static List<string> Errors(MetricsOptions options) =>
        new MetricsOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Test]
    public void Shipped_configuration_holds_the_spec_defaults()
    {
        using var services = Services(ShippedConfiguration());

        var bound = services.GetRequiredService<IOptions<MetricsOptions>>().Value;

        Assert.That(JsonSerializer.Serialize(bound), Is.EqualTo(JsonSerializer.Serialize(MetricsOptions.CreateDefault())));
    }

    [Test]
    public void Spec_defaults_are_valid()
    {
        Assert.That(Errors(MetricsOptions.CreateDefault()), Is.Empty);
    }

    [Test]
    public void Shipped_configuration_passes_start_up_validation()
    {
        using var services = Services(ShippedConfiguration());

        Assert.That(() => services.GetRequiredService<IStartupValidator>().Validate(), Throws.Nothing);
    }

    [Test]
    public void Bad_value_fails_start_up_validation_naming_the_key_and_the_value()
    {
        using var services = Services(ShippedConfiguration(("Metrics:Renewal:GraceDays", "-3")));

        Assert.That(
            () => services.GetRequiredService<IStartupValidator>().Validate(),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Metrics:Renewal:GraceDays must be 0 or more; got -3."));
    }

    [Test]
    public void Per_branch_and_per_insurer_overrides_bind()
    {
        using var services = Services(ShippedConfiguration(
            ("Metrics:Renewal:BranchTargets:B01", "0.75"), ("Metrics:Referral:InsurerTargets:PICC", "0.60")));

        var bound = services.GetRequiredService<IOptions<MetricsOptions>>().Value;

        Assert.That(
            (bound.Renewal.TargetFor("B01"), bound.Renewal.TargetFor("B02"), bound.Referral.TargetFor("PICC"), bound.Referral.TargetFor("CPIC")),
            Is.EqualTo((0.75m, 0.70m, 0.60m, 0.5m)));
    }

    [Test]
    public void Overlapping_windows_are_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Renewal.Windows[1].UpperDays = 61;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Renewal:Windows:1:UpperDays").And.Contains("got 61"));
    }

    [Test]
    public void Window_with_lower_above_upper_is_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Renewal.Windows[4].LowerDays = 5;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Renewal:Windows:4:LowerDays").And.Contains("got 5 > 0"));
    }

    [Test]
    public void Window_named_early_is_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Renewal.Windows[0].Name = "EARLY";

        Assert.That(Errors(options), Has.One.Contains("Metrics:Renewal:Windows:0:Name 'EARLY'"));
    }

    [Test]
    public void Commission_rate_above_one_is_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.DefaultSchedule[0].CommercialRate = 18m;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Commission:DefaultSchedule:0:CommercialRate").And.Contains("got 18"));
    }

    [Test]
    public void Empty_schedule_is_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Commission.InsurerSchedules["PICC"] = [];

        Assert.That(Errors(options), Has.One.Contains("Metrics:Commission:InsurerSchedules:PICC must list at least one tier"));
    }

    [Test]
    public void First_band_must_start_at_zero()
    {
        var options = MetricsOptions.CreateDefault();
        options.Incentive.Bands[0].MinPremium = 100m;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Incentive:Bands:0:MinPremium").And.Contains("got 100"));
    }

    [Test]
    public void Bands_must_ascend()
    {
        var options = MetricsOptions.CreateDefault();
        options.Incentive.Bands[2].MinPremium = 2000m;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Incentive:Bands:2:MinPremium must be above"));
    }

    [Test]
    public void Negative_bonus_is_rejected()
    {
        var options = MetricsOptions.CreateDefault();
        options.Incentive.RankingBonuses[2] = -100m;

        Assert.That(Errors(options), Has.One.Contains("Metrics:Incentive:RankingBonuses:2 must be 0 or more; got -100."));
    }
}
