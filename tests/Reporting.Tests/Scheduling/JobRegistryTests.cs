using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.CommandLine;
using Reporting.Worker.Hosting;
using Reporting.Worker.Scheduling;

namespace Reporting.Tests.Scheduling;

/// <summary>Jobs are types registered in DI; the command line and the schedule's validation take their names from there.</summary>
public sealed class JobRegistryTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-jobs-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_registered_jobs_are_exactly_the_four_in_order()
    {
        using var host = Build();

        Assert.That(host.Services.GetRequiredService<JobRegistry>().Names, Is.EqualTo(new[] { "ingest", "morning", "commission", "renewal-review" }));
    }

    [Test]
    public void Every_registered_job_resolves_from_the_real_host()
    {
        using var host = Build();
        var registry = host.Services.GetRequiredService<JobRegistry>();

        Assert.That(registry.Names.Select(name => registry.Resolve(host.Services, name)), Is.All.Not.Null);
        Assert.That(registry.Resolve(host.Services, "morning"), Is.TypeOf<MorningJob>());
    }

    [Test]
    public void Ingest_neither_claims_nor_waits_and_every_report_does_both()
    {
        var jobs = JobRegistry.Default;

        Assert.That(jobs.Find("ingest"), Is.EqualTo(new JobDefinition("ingest", ClaimsScheduledRun: false, WaitsForExtracts: false)));
        Assert.That(jobs.Definitions.Skip(1).Select(d => (d.ClaimsScheduledRun, d.WaitsForExtracts)), Is.All.EqualTo((true, true)));
    }

    [Test]
    public void A_fire_reports_the_day_before_in_the_jobs_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        Assert.That(JobRegistry.Default.Find("morning")!.BusinessDateOf(new DateTimeOffset(2026, 10, 15, 23, 30, 0, TimeSpan.Zero), shanghai), Is.EqualTo(new DateOnly(2026, 10, 15)));
    }

    [Test]
    public void Run_and_backfill_accept_a_registered_extra_job()
    {
        var commandLine = ReportingCommandLine.Create(services => services.AddReportingJob<FakeJob>());

        Assert.That(commandLine.Parse(["run", "fake", "--date", "2026-10-15"]).Errors, Is.Empty);
        Assert.That(commandLine.Parse(["backfill", "fake", "--from", "2026-10-01", "--to", "2026-10-02"]).Errors, Is.Empty);
    }

    [Test]
    public void Run_lists_the_registered_jobs_when_the_name_is_wrong()
    {
        var errors = ReportingCommandLine.Create(services => services.AddReportingJob<FakeJob>()).Parse(["run", "nightly"]).Errors;

        Assert.That(errors.Select(e => e.Message), Is.EqualTo(new[] { "JOB 'nightly' is not one of ingest, morning, commission, renewal-review, fake" }));
    }

    [Test]
    public void The_shipped_command_line_refuses_a_job_that_is_not_registered() =>
        Assert.That(ReportingCommandLine.Create().Parse(["run", "fake"]).Errors.Select(e => e.Message),
            Is.EqualTo(new[] { "JOB 'fake' is not one of ingest, morning, commission, renewal-review" }));

    [Test]
    public void Run_help_names_the_registered_jobs()
    {
        var run = ReportingCommandLine.Create(services => services.AddReportingJob<FakeJob>()).Subcommands.Single(c => c.Name == "run");

        Assert.That(run.Description, Is.EqualTo("Run one job for one business date: ingest, morning, commission, renewal-review or fake"));
        Assert.That(ReportingCommandLine.Create().Subcommands.Single(c => c.Name == "run").Description,
            Is.EqualTo("Run one job for one business date: ingest, morning, commission or renewal-review"));
    }

    [Test]
    public void The_schedule_may_name_a_registered_extra_job()
    {
        var schedule = new Dictionary<string, string?> { ["Scheduling:Jobs:4:Name"] = "fake", ["Scheduling:Jobs:4:Cron"] = "0 0 5 * * ?" };

        using var host = Build(schedule, builder => builder.Services.AddReportingJob<FakeJob>());

        Assert.That(host.Services.GetRequiredService<Reporting.Jobs.Scheduling.SchedulingOptions>().Find("fake"), Is.Not.Null);
    }

    [Test]
    public void The_schedule_may_not_name_a_job_that_is_not_registered() =>
        Assert.That(() => Build(new() { ["Scheduling:Jobs:4:Name"] = "fake", ["Scheduling:Jobs:4:Cron"] = "0 0 5 * * ?" }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>()
                .With.Message.Contains("Scheduling:Jobs:4:Name 'fake' is not a job; expected one of ingest, morning, commission, renewal-review"));

    private IHost Build(Dictionary<string, string?>? overrides = null, Action<HostApplicationBuilder>? configure = null)
    {
        overrides ??= [];
        overrides["Data:Folder"] = _folder;
        return ReportingHost.Build(overrides, Reporting.Testing.RepositoryLayout.Root, interactive: false, configure: builder =>
        {
            builder.AddReportingScheduler();
            configure?.Invoke(builder);
        });
    }

    /// <summary>A job beside the shipped ones: what a new report's class registers.</summary>
    public sealed class FakeJob : IReportingJob
    {
        public static JobDefinition Definition { get; } = new("fake", ClaimsScheduledRun: false, WaitsForExtracts: false);

        public Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken) =>
            Task.FromResult(new JobResult(RunStatus.Succeeded, 0, null, null));
    }
}
