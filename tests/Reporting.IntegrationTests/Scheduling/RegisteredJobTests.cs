using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Testing;
using Reporting.Worker.Hosting;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>A job registered beside the shipped ones runs through the executor like them: history, claims, its own result.</summary>
[Category("Services")]
public sealed class RegisteredJobTests
{
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-registered-job-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_registered_job_runs_through_the_executor_and_is_recorded_in_the_history()
    {
        using var host = Build();

        var run = await Execute(host, CountingJob.JobName, RunTrigger.Manual);
        var history = await host.Services.GetRequiredService<IRunStore>().GetRunsAsync(CountingJob.JobName);

        Assert.That((run.Status, run.Rows, run.Outputs), Is.EqualTo((RunStatus.Succeeded, 3L, "[\"counted\"]")));
        Assert.That(history.Select(r => (r.RunId, r.Status, r.Rows)), Is.EqualTo(new[] { (run.RunId, RunStatus.Succeeded, 3L) }));
    }

    [Test]
    public async Task A_registered_job_that_claims_runs_once_per_scheduled_date()
    {
        using var host = Build();

        var first = await Execute(host, CountingJob.JobName, RunTrigger.Scheduled);
        var second = await Execute(host, CountingJob.JobName, RunTrigger.Scheduled);

        Assert.That(first.Status, Is.EqualTo(RunStatus.Succeeded));
        Assert.That((second.Status, second.Error), Is.EqualTo((RunStatus.Skipped, $"already run by run #{first.RunId}")));
    }

    [Test]
    public void The_executor_names_the_registered_jobs_when_the_name_is_wrong()
    {
        using var host = Build();

        Assert.That(() => Execute(host, "nightly", RunTrigger.Manual),
            Throws.ArgumentException.With.Message.StartsWith("unknown job 'nightly' (known: ingest, morning, commission, renewal-review, counting)"));
    }

    private IHost Build() => ReportingHost.Build(
        new Dictionary<string, string?> { ["Data:Folder"] = _folder, ["Store:Provider"] = "sqlite", ["Store:ConnectionString"] = "" },
        RepositoryLayout.Root, interactive: false, configure: builder => builder.Services.AddReportingJob<CountingJob>());

    private static Task<JobRun> Execute(IHost host, string job, RunTrigger trigger) =>
        host.Services.GetRequiredService<IJobExecutor>().ExecuteAsync(new JobRequest(job, BusinessDate, trigger, new RunOptions()));

    /// <summary>A job that claims its scheduled runs and counts three rows.</summary>
    public sealed class CountingJob : IReportingJob
    {
        public const string JobName = "counting";

        public static JobDefinition Definition { get; } = new(JobName, ClaimsScheduledRun: true, WaitsForExtracts: false);

        public Task<JobResult> RunAsync(JobRequest request, long runId, CancellationToken cancellationToken) =>
            Task.FromResult(new JobResult(RunStatus.Succeeded, 3, "[\"counted\"]", null));
    }
}
