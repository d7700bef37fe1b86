using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;

namespace Reporting.Tests.Scheduling;

/// <summary>The real service host, built but not started: Quartz is registered and its job resolves.</summary>
public sealed class SchedulerHostTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-scheduler-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_service_host_resolves_the_Quartz_job()
    {
        using var host = Build();

        Assert.That(host.Services.GetRequiredService<ReportingQuartzJob>(), Is.Not.Null);
        Assert.That(host.Services.GetService<ISchedulerFactory>(), Is.Not.Null);
        Assert.That(host.Services.GetServices<IHostedService>().OfType<ScheduleReconciler>(), Has.One.Items);
    }

    [Test]
    public void The_service_host_schedules_every_configured_job_with_fire_once_misfires()
    {
        using var host = Build();
        var schedule = host.Services.GetRequiredService<Reporting.Jobs.Scheduling.SchedulingOptions>();
        var reconciler = host.Services.GetServices<IHostedService>().OfType<ScheduleReconciler>().Single();

        var triggers = schedule.Jobs.Select(reconciler.Trigger).Cast<ICronTrigger>().ToList();

        Assert.That(triggers.Select(t => t.Key.Name), Is.EquivalentTo(Reporting.Jobs.Scheduling.SchedulingOptions.KnownJobs));
        Assert.That(triggers.Select(t => t.MisfireInstruction), Is.All.EqualTo(CronTriggerMisfireInstruction.FireAndProceed));
        Assert.That(triggers.Select(t => t.TimeZone.Id), Is.All.EqualTo("Asia/Shanghai"));
    }

    [Test]
    public void A_bad_schedule_stops_the_service_host_from_building() =>
        Assert.That(() => Build(new() { ["Scheduling:Jobs:1:Cron"] = "every morning" }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("Scheduling:Jobs:1:Cron 'every morning' is not a valid Quartz cron expression"));

    private IHost Build(Dictionary<string, string?>? overrides = null)
    {
        overrides ??= [];
        overrides["Data:Folder"] = _folder;
        return ReportingHost.Build(overrides, Reporting.Testing.RepositoryLayout.Root, interactive: false, configure: builder => builder.AddReportingScheduler());
    }
}
