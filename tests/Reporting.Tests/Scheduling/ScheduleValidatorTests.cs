using Microsoft.Extensions.Configuration;
using Reporting.Testing;
using Reporting.Worker.Scheduling;
using SchedulingOptions = Reporting.Jobs.Scheduling.SchedulingOptions;

namespace Reporting.Tests.Scheduling;

public sealed class ScheduleValidatorTests
{
    [Test]
    public void The_shipped_schedule_is_valid()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryLayout.Config, "appsettings.json"))
            .AddJsonFile(Path.Combine(RepositoryLayout.Config, "schedule.json"))
            .Build();
        var schedule = SchedulingOptions.Bind(configuration);

        Assert.That(ScheduleValidator.Problems(schedule), Is.Empty);
        Assert.That(schedule.Jobs.Select(j => j.Name), Is.EquivalentTo(SchedulingOptions.KnownJobs));
    }

    [Test]
    public void A_bad_cron_is_reported_with_its_key_and_value() =>
        Assert.That(Problems(("Scheduling:Jobs:0:Name", "morning"), ("Scheduling:Jobs:0:Cron", "0 61 7 * * ?")),
            Has.One.StartsWith("Scheduling:Jobs:0:Cron '0 61 7 * * ?' is not a valid Quartz cron expression"));

    [Test]
    public void An_empty_cron_is_reported() =>
        Assert.That(Problems(("Scheduling:Jobs:0:Name", "morning")),
            Has.One.EqualTo("Scheduling:Jobs:0:Cron '' is not a valid Quartz cron expression: it is empty"));

    [Test]
    public void An_unknown_job_is_reported_with_the_known_ones() =>
        Assert.That(Problems(("Scheduling:Jobs:0:Name", "morning"), ("Scheduling:Jobs:0:Cron", "0 30 7 * * ?"), ("Scheduling:Jobs:1:Name", "evening"), ("Scheduling:Jobs:1:Cron", "0 30 19 * * ?")),
            Is.EqualTo(new[] { "Scheduling:Jobs:1:Name 'evening' is not a job; expected one of ingest, morning, commission, renewal-review" }));

    [Test]
    public void An_unknown_time_zone_is_reported_with_its_key_and_value() =>
        Assert.That(Problems(("Scheduling:Jobs:0:Name", "morning"), ("Scheduling:Jobs:0:Cron", "0 30 7 * * ?"), ("Scheduling:Jobs:0:TimeZone", "Asia/Beijing")),
            Is.EqualTo(new[] { "Scheduling:Jobs:0:TimeZone 'Asia/Beijing' is not a known time zone (is tzdata installed?)" }));

    [Test]
    public void A_job_scheduled_twice_is_reported() =>
        Assert.That(Problems(("Scheduling:Jobs:0:Name", "morning"), ("Scheduling:Jobs:0:Cron", "0 30 7 * * ?"), ("Scheduling:Jobs:1:Name", "morning"), ("Scheduling:Jobs:1:Cron", "0 0 8 * * ?")),
            Is.EqualTo(new[] { "Scheduling:Jobs:1:Name 'morning' is scheduled twice; give it one cron expression" }));

    [Test]
    public void A_job_without_a_zone_runs_in_the_business_time_zone()
    {
        var schedule = Bind(("Business:TimeZone", "Asia/Shanghai"), ("Scheduling:Jobs:0:Name", "morning"), ("Scheduling:Jobs:0:Cron", "0 30 7 * * ?"));

        Assert.That(schedule.ZoneOf(schedule.Jobs[0]).Id, Is.EqualTo("Asia/Shanghai"));
    }

    [Test]
    public void A_negative_misfire_threshold_is_reported() =>
        Assert.That(Problems(("Scheduling:MisfireThreshold", "-00:01:00")),
            Is.EqualTo(new[] { "Scheduling:MisfireThreshold '-00:01:00' must be positive" }));

    private static SchedulingOptions Bind(params (string Key, string Value)[] settings) =>
        SchedulingOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build());

    private static List<string> Problems(params (string Key, string Value)[] settings) => [.. ScheduleValidator.Problems(Bind(settings))];
}
