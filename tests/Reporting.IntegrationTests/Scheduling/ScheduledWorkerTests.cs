using Npgsql;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// SPEC §5 with real worker processes running <c>serve</c>: a PostgreSQL cluster runs each fire
/// once; a worker down over a fire time runs it once when it comes back. The ingest job fires every
/// few seconds instead of its morning schedule.
/// </summary>
[NonParallelizable]
[Category("Services")]
public sealed class ScheduledWorkerTests : WorkerFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Test]
    public async Task Two_workers_on_one_PostgreSQL_store_run_each_fire_once()
    {
        Store = await TestStore.CreateAsync("postgres");
        var environment = Environment("postgres", Store.ConnectionString, Store.Folder, cron: "*/3 * * * * ?");
        var first = Start("worker-a", environment);
        var second = Start("worker-b", environment);

        // Three fires each side of both workers being up: enough that both compete for the same trigger.
        await first.WaitUntilAsync(() => first.Fires.Concat(second.Fires).Distinct().Count() >= 5, Patience, "five scheduled fires");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.That(first.HasExited || second.HasExited, Is.False, "both workers were up throughout");
        Assert.That(await PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM qrtz_scheduler_state"), Is.EqualTo(2),
            "both workers checked in to the cluster as different instances");
        var fires = first.Fires.Concat(second.Fires).ToList();
        TestContext.Progress.WriteLine($"worker-a ran {first.Fires.Count} fires, worker-b {second.Fires.Count}");
        Assert.That(fires, Is.Unique, "no scheduled fire ran on both workers");
        Assert.That(await PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM job_runs WHERE job = 'ingest'"), Is.EqualTo(fires.Count),
            "one run history line per fire: the executor was called once per fire, by one worker");
    }

    [Test]
    public async Task Two_workers_on_one_PostgreSQL_store_send_each_morning_email_once()
    {
        Store = await TestStore.CreateAsync("postgres");
        // A demo book through yesterday in business time: the date every morning fire reports.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), zone).DateTime).AddDays(-1);
        Reporting.Jobs.Demo.DemoDataGenerator.Generate(Store.Folder, new Reporting.Jobs.Demo.DemoDataOptions { BusinessDate = yesterday, PoliciesPerYear = 600 });
        var loader = Store.Loader(TestStore.ConfiguredReference());
        foreach (var source in TestStore.ConfiguredSources().Sources.Values.Where(s => s.Enabled))
        {
            await loader.ScanAsync(source, Path.Combine(Store.Folder, source.Folder));
        }

        var environment = Environment("postgres", Store.ConnectionString, Store.Folder, cron: "*/3 * * * * ?", job: "morning");
        var first = Start("worker-a", environment);
        var second = Start("worker-b", environment);
        await first.WaitUntilAsync(() => first.Fires.Concat(second.Fires).Distinct().Count() >= 3, Patience, "three scheduled fires");
        await first.WaitUntilAsync(
            () => PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM job_runs WHERE job = 'morning' AND status = 'Running'").GetAwaiter().GetResult() == 0,
            Patience,
            "the runs to finish");

        var statuses = await PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM job_runs WHERE job = 'morning' AND status = 'Succeeded'");
        var skipped = await PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM job_runs WHERE job = 'morning' AND status = 'Skipped'");
        var deliveries = await PostgresScalarAsync(Store.ConnectionString, "SELECT count(*) FROM deliveries WHERE job = 'morning' AND status = 'SENT' AND attempts = 1");
        var emails = Directory.GetFiles(Path.Combine(Store.Folder, "outbox"), "morning_*.eml");

        Assert.That(statuses, Is.EqualTo(1), "one run of (morning, yesterday) did the work");
        Assert.That(skipped, Is.GreaterThanOrEqualTo(2), "the other fires found the claim and skipped");
        Assert.That(deliveries, Is.EqualTo(8), "each recipient's email sent once: six branches (B01 has two managers) and the group");
        Assert.That(emails, Has.Length.EqualTo(8));
    }

    [Test]
    public async Task A_worker_stopped_over_a_fire_time_runs_the_missed_fire_once_on_restart()
    {
        Store = await TestStore.CreateAsync("sqlite");
        var environment = Environment("sqlite", Store.ConnectionString, Store.Folder, cron: "*/4 * * * * ?");

        var before = Start("worker", environment);
        await before.WaitUntilAsync(() => before.Fires.Count >= 1, Patience, "a first scheduled fire");
        var lastBefore = before.Fires[^1];
        before.Dispose();

        // Down over at least one fire time, and longer than the misfire threshold past it.
        var missed = lastBefore.AddSeconds(4);
        var downUntil = missed.AddSeconds(3);
        var wait = downUntil - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var after = Start("worker-restarted", environment);
        await after.WaitUntilAsync(() => after.Fires.Any(f => f > missed), Patience, "a fire after the missed one");
        var cronTimesMissed = Enumerable.Range(1, 100).Select(n => lastBefore.AddSeconds(4 * n)).TakeWhile(t => t < after.Fires[0]).ToList();

        Assert.That(after.Fires[0], Is.EqualTo(missed), "the first fire after the restart is the missed one, run late");
        Assert.That(after.Fires.Count(f => f < downUntil), Is.EqualTo(1),
            $"the fires missed while down ({string.Join(", ", cronTimesMissed.Select(t => t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)))}) run once, not each");
        Assert.That(after.Fires, Is.Unique);
    }

    /// <summary>The worker's environment: <paramref name="job"/> (first in config/schedule.json's list: ingest, then morning) fires on <paramref name="cron"/>.</summary>
    private static Dictionary<string, string> Environment(string provider, string connectionString, string folder, string cron, string job = "ingest") => new()
    {
        ["Store__Provider"] = provider,
        ["Store__ConnectionString"] = connectionString,
        ["Data__Folder"] = folder,
        [$"Scheduling__Jobs__{(job == "morning" ? 1 : 0)}__Name"] = job,
        [$"Scheduling__Jobs__{(job == "morning" ? 1 : 0)}__Cron"] = cron,
        ["Scheduling__MisfireThreshold"] = "00:00:01",
        ["Scheduling__Freshness__Wait"] = "00:00:02",

        // The clock is the real one: in a December without next year's calendar file the morning
        // run would also carry the missing-calendar alert (MissingCalendarAlertTests) and the counts
        // below would be one higher. No job here reads the calendar.
        ["Scheduling__Jobs__2__Days"] = "All",
        ["Scheduling__Jobs__3__Days"] = "All",
    };

    private static async Task<long> PostgresScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
