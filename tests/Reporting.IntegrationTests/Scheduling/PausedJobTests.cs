using System.Globalization;
using System.Text.Json;
using Reporting.IntegrationTests.CommandLine;
using Reporting.Testing.Stores;
using Reporting.Worker.CommandLine;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// Issue 19: <c>jobs pause NAME</c> and <c>jobs resume NAME</c>, run as their own worker processes
/// as ops run them, pause a job's trigger in Quartz's store: every worker of a PostgreSQL cluster
/// stops firing it, a restarted (and rescheduled) <c>serve</c> keeps it paused, and <c>jobs</c>
/// shows it.
/// </summary>
[NonParallelizable]
[Category("Services")]
public sealed class PausedJobTests : WorkerFixture
{
    private const string Cron = "*/3 * * * * ?";
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Test]
    public async Task Pausing_a_job_on_one_worker_of_a_PostgreSQL_cluster_stops_its_fires_on_both_and_resuming_restores_them()
    {
        Store = await TestStore.CreateAsync("postgres");
        var environment = Environment("postgres", Store.ConnectionString, Store.Folder, Cron);
        var first = Start("worker-a", environment);
        var second = Start("worker-b", environment);
        IReadOnlyList<DateTimeOffset> Fires() => [.. first.Fires.Concat(second.Fires).Distinct().Order()];
        await first.WaitUntilAsync(() => Fires().Count >= 2, Patience, "two scheduled fires before the pause");

        // The pause as ops run it on one machine: a separate worker process on the same store.
        var pause = await WorkerCommand.RunAsync(environment, "jobs", "pause", "ingest");
        var paused = TimeProvider.System.GetUtcNow();
        Assert.That(pause.ExitCode, Is.Zero, pause.ToString());
        Assert.That(pause.StandardOutput, Does.Contain("ingest: paused"));
        var json = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");
        Assert.That(Paused(json), Does.Contain(("ingest", true)).And.Contain(("morning", false)));

        // Four cron periods with the job paused: neither worker runs it. A fire that had started
        // before the pause has logged within a second.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var ranBeforePause = Fires().Count;
        await Task.Delay(Period * 4);
        Assert.That(first.HasExited || second.HasExited, Is.False, "both workers stayed up");
        Assert.That(Fires(), Has.Count.EqualTo(ranBeforePause), "no worker ran the paused job");

        var resumed = TimeProvider.System.GetUtcNow();
        var resume = await WorkerCommand.RunAsync(environment, "jobs", "resume", "ingest");
        Assert.That(resume.ExitCode, Is.Zero, resume.ToString());
        Assert.That(resume.StandardOutput, Does.Contain("ingest: resumed"));
        await first.WaitUntilAsync(() => Fires().Count(f => f > resumed) >= 2, Patience, "two scheduled fires after the resume");

        var missed = Fires().Skip(ranBeforePause).Where(f => f < resumed).ToList();
        TestContext.Progress.WriteLine($"paused {paused:HH:mm:ss.fff}, resumed {resumed:HH:mm:ss.fff}, fires run after the pause: {string.Join(", ", Fires().Skip(ranBeforePause).Select(f => f.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}");
        Assert.That(first.Fires.Concat(second.Fires).ToList(), Is.Unique, "each fire ran on one worker");
        Assert.That(missed, Has.Count.EqualTo(1),
            "the fires missed while paused (more than the misfire threshold late) run once at the resume, as the first missed fire; then the cron's own times");
        Assert.That(missed[0], Is.GreaterThan(paused.AddSeconds(-1)).And.LessThan(paused + Period + TimeSpan.FromSeconds(1)), "the one late run is the first fire missed");
        json = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");
        Assert.That(Paused(json), Does.Contain(("ingest", false)));
    }

    [Test]
    public async Task Pause_and_resume_show_in_jobs_as_json_and_in_the_table_and_pausing_twice_is_fine()
    {
        Store = await TestStore.CreateAsync("sqlite");
        var environment = Environment("sqlite", Store.ConnectionString, Store.Folder, Cron);

        var before = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");
        Assert.That(Paused(before).Select(j => j.Paused), Is.All.False);
        Assert.That(File.Exists(Path.Combine(Store.Folder, "quartz.db")), Is.False, "jobs creates no Quartz store");

        var pause = await WorkerCommand.RunAsync(environment, "jobs", "pause", "ingest");
        var again = await WorkerCommand.RunAsync(environment, "jobs", "pause", "ingest");
        var json = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");
        var table = await WorkerCommand.RunAsync(environment, "jobs");

        Assert.That((pause.ExitCode, again.ExitCode), Is.EqualTo((0, 0)), pause + "\n" + again);
        Assert.That(pause.StandardOutput, Does.StartWith("ingest: paused"));
        Assert.That(again.StandardOutput, Does.StartWith("ingest: already paused"));
        Assert.That(Paused(json), Is.EqualTo(new[] { ("ingest", true), ("morning", false), ("commission", false), ("renewal-review", false) }));
        Assert.That(Row(table, "ingest"), Does.Contain("PAUSED"));
        Assert.That(Row(table, "morning"), Does.Contain("active"));

        var resume = await WorkerCommand.RunAsync(environment, "jobs", "resume", "ingest");
        var resumeAgain = await WorkerCommand.RunAsync(environment, "jobs", "resume", "ingest");
        json = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");

        Assert.That(resume.StandardOutput, Does.StartWith("ingest: resumed"), resume.ToString());
        Assert.That(resumeAgain.StandardOutput, Does.StartWith("ingest: not paused"), resumeAgain.ToString());
        Assert.That(Paused(json).Select(j => j.Paused), Is.All.False);
    }

    [TestCase("pause")]
    [TestCase("resume")]
    public async Task An_unknown_job_is_a_usage_error_naming_the_jobs(string verb)
    {
        Store = await TestStore.CreateAsync("sqlite");
        var environment = Environment("sqlite", Store.ConnectionString, Store.Folder, Cron);

        var result = await WorkerCommand.RunAsync(environment, "jobs", verb, "weekly");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("'weekly'").And.Contain("ingest, morning, commission, renewal-review"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_paused_job_stays_paused_when_serve_restarts_and_when_its_cron_changes()
    {
        Store = await TestStore.CreateAsync("sqlite");
        var environment = Environment("sqlite", Store.ConnectionString, Store.Folder, Cron);

        // Paused before any serve ran (the trigger is written by the pause), with the shipped cron;
        // then serve starts with another cron, which replaces the trigger, and once more unchanged.
        var shipped = new Dictionary<string, string>(environment);
        shipped.Remove("Scheduling__Jobs__0__Cron");
        var pause = await WorkerCommand.RunAsync(shipped, "jobs", "pause", "ingest");
        Assert.That(pause.ExitCode, Is.Zero, pause.ToString());

        foreach (var start in new[] { "worker-rescheduled", "worker-restarted" })
        {
            var worker = Start(start, environment);
            await worker.WaitUntilAsync(() => worker.Logged("ingest is paused"), Patience, "the start-up's reconciliation");
            var reconciled = TimeProvider.System.GetUtcNow();
            await Task.Delay(Period * 3);
            Assert.That(worker.Fires, Is.Empty, $"{start} fired the paused job");
            Assert.That(worker.Logged("Rescheduled ingest"), Is.EqualTo(start == "worker-rescheduled"));
            Assert.That(worker.Logged("Paused ingest again"), Is.EqualTo(start == "worker-rescheduled"),
                "Quartz stores a replaced trigger as waiting, and the reconciliation pauses it again; an unchanged one stays paused");
            worker.Dispose();
            TestContext.Progress.WriteLine($"{start}: reconciled at {reconciled:HH:mm:ss}, no fire in {Period.TotalSeconds * 3} s");
        }

        var json = await WorkerCommand.RunAsync(environment, "jobs", "--format", "json");
        Assert.That(Paused(json), Does.Contain(("ingest", true)));

        await WorkerCommand.RunAsync(environment, "jobs", "resume", "ingest");
        var resumed = Start("worker-resumed", environment);
        await resumed.WaitUntilAsync(() => resumed.Fires.Count >= 2, Patience, "two fires once resumed");
    }

    /// <summary>The ingest job (first in config/schedule.json) fires on <paramref name="cron"/>; the others keep their schedule.</summary>
    private static Dictionary<string, string> Environment(string provider, string connectionString, string folder, string cron) => new()
    {
        ["Store__Provider"] = provider,
        ["Store__ConnectionString"] = connectionString,
        ["Data__Folder"] = folder,
        ["Scheduling__Jobs__0__Cron"] = cron,
        ["Scheduling__MisfireThreshold"] = "00:00:01",
        ["Scheduling__Jobs__2__Days"] = "All",
        ["Scheduling__Jobs__3__Days"] = "All",
    };

    private static List<(string Name, bool Paused)> Paused(WorkerResult jobs)
    {
        Assert.That(jobs.ExitCode, Is.Zero, jobs.ToString());
        using var json = JsonDocument.Parse(jobs.StandardOutput);
        return [.. json.RootElement.GetProperty("jobs").EnumerateArray().Select(j => (j.GetProperty("name").GetString()!, j.GetProperty("paused").GetBoolean()))];
    }

    private static string Row(WorkerResult table, string job)
    {
        Assert.That(table.ExitCode, Is.Zero, table.ToString());
        return table.StandardOutput.Split('\n').Single(l => l.TrimStart().StartsWith(job + " ", StringComparison.Ordinal));
    }
}
