using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Reporting.IntegrationTests.CommandLine;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Jobs.Demo;
using Reporting.Testing;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Health;

/// <summary>
/// Issue 19: the health endpoints of a real <c>serve</c> process on a temporary SQLite store, asked
/// over HTTP on a free loopback port; the process stopped with SIGTERM as systemd stops it.
/// </summary>
[Category("Services")]
public sealed class HealthEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private TestStore? _store;
    private WorkerProcess? _worker;

    [TearDown]
    public async Task TearDown()
    {
        _worker?.Dispose();
        SqliteConnection.ClearAllPools();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_fresh_store_is_live_and_ready_and_SIGTERM_stops_serve_with_exit_0()
    {
        var port = await StartFreshAsync();

        var live = await GetAsync(port, "/healthz");
        var ready = await GetAsync(port, "/readyz");
        var exit = await _worker!.TerminateAsync(Patience);

        Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK), live.Body);
        Assert.That(Check(live.Body, "alive").Status, Is.EqualTo("Healthy"));
        Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), ready.Body);
        Assert.That(Checks(ready.Body).Select(c => c.Name), Is.EqualTo(new[] { "store", "scheduler", "morning", "extracts" }));
        Assert.That(Checks(ready.Body).Select(c => c.Status), Is.All.EqualTo("Healthy"), ready.Body);
        Assert.That(exit, Is.Zero, string.Join('\n', _worker.Lines));
    }

    [Test]
    public async Task A_stale_source_makes_readyz_503_naming_the_extracts_check_and_the_source()
    {
        var port = await StartFreshAsync(staleSource: "claims");

        var ready = await GetAsync(port, "/readyz");

        Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), ready.Body);
        var extracts = Check(ready.Body, "extracts");
        Assert.That(extracts.Status, Is.EqualTo("Unhealthy"));
        Assert.That(extracts.Reason, Does.Contain("claims"));
        Assert.That(Check(ready.Body, "store").Status, Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task A_store_that_is_gone_makes_readyz_503_naming_the_store_while_healthz_stays_200()
    {
        var port = await StartFreshAsync();

        File.Delete(Path.Combine(_store!.Folder, "reporting.db"));
        var ready = await GetAsync(port, "/readyz");
        var live = await GetAsync(port, "/healthz");

        Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), ready.Body);
        Assert.That(Check(ready.Body, "store").Status, Is.EqualTo("Unhealthy"));
        Assert.That(Check(ready.Body, "store").Reason, Does.Contain("reporting.db"));
        Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK), live.Body);
    }

    [Test]
    public async Task Nothing_but_the_two_probes_is_served_and_they_answer_only_GET_and_HEAD()
    {
        var port = await StartFreshAsync();

        var root = await Http.GetAsync(Url(port, "/"));
        var post = await Http.PostAsync(Url(port, "/readyz"), new StringContent(""));
        var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url(port, "/healthz")));

        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Health_Enabled_false_serves_nothing()
    {
        var port = await StartFreshAsync(extra: new() { ["Health__Enabled"] = "false" }, waitForEndpoint: false);
        await _worker!.WaitUntilAsync(() => _worker.Lines.Any(l => l.Contains("Health endpoints off", StringComparison.Ordinal)), Patience, "the health endpoints to be skipped");

        Assert.That(async () => await Http.GetAsync(Url(port, "/healthz")), Throws.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task After_a_scheduled_morning_run_succeeds_readyz_names_it_healthy()
    {
        var port = await StartFreshAsync(extra: new() { ["Scheduling__Jobs__1__Cron"] = "*/4 * * * * ?" });
        await _worker!.WaitUntilAsync(() => _worker.Lines.Any(l => l.Contains(": Succeeded (run", StringComparison.Ordinal)), Patience, "a succeeded morning run");

        var ready = await GetAsync(port, "/readyz");

        Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), ready.Body);
        Assert.That(Check(ready.Body, "morning").Status, Is.EqualTo("Healthy"));
        Assert.That(Check(ready.Body, "morning").Reason, Does.Contain("succeeded"));
    }

    [Test]
    public async Task A_failed_scheduled_morning_run_makes_readyz_503_naming_the_morning_check()
    {
        var notAFolder = Path.Combine(Path.GetTempPath(), "reporting-health-outbox-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(notAFolder, "");
        try
        {
            var port = await StartFreshAsync(extra: new()
            {
                ["Scheduling__Jobs__1__Cron"] = "*/4 * * * * ?",
                ["Delivery__OutboxFolder"] = notAFolder,
                ["Delivery__Retry__Attempts"] = "1",
            });
            await _worker!.WaitUntilAsync(() => _worker.Lines.Any(l => l.Contains(": Failed (run", StringComparison.Ordinal)), Patience, "a failed morning run");

            var ready = await GetAsync(port, "/readyz");

            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), ready.Body);
            Assert.That(Check(ready.Body, "morning").Status, Is.EqualTo("Unhealthy"));
            Assert.That(Check(ready.Body, "morning").Reason, Does.Contain("failed"));
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    [Test]
    public async Task A_health_port_already_taken_leaves_serve_running_without_endpoints_and_says_so()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await StartFreshAsync(extra: new() { ["Health__Urls"] = $"http://127.0.0.1:{port}" }, waitForEndpoint: false);
        await _worker!.WaitUntilAsync(() => _worker.Logged($"Health:Urls http://127.0.0.1:{port} cannot be listened on"), Patience, "the taken port to be reported");
        var exit = await _worker.TerminateAsync(Patience);

        Assert.That(exit, Is.Zero, "serve kept running until stopped");
    }

    [Test]
    public async Task A_health_address_that_is_not_http_host_port_stops_every_command_with_exit_78()
    {
        var jobs = await WorkerCommand.RunAsync(new Dictionary<string, string> { ["Health__Urls"] = "ftp://127.0.0.1:8079" }, "jobs");

        Assert.That(jobs.ExitCode, Is.EqualTo(78), jobs.ToString());
        Assert.That(jobs.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(jobs.StandardError, Does.Contain("Health:Urls 'ftp://127.0.0.1:8079' is not an http://host:port address"));
    }

    /// <summary>
    /// A demo book through yesterday in Shanghai, loaded (a source's last two days left out when
    /// asked), and <c>serve</c> on it with the health endpoints on a free loopback port. Ingest
    /// never fires; the other jobs keep their daily and monthly crons.
    /// </summary>
    private async Task<int> StartFreshAsync(string? staleSource = null, Dictionary<string, string>? extra = null, bool waitForEndpoint = true)
    {
        _store = await TestStore.CreateAsync("sqlite");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), zone).DateTime);
        DemoDataGenerator.Generate(_store.Folder, new DemoDataOptions { BusinessDate = today.AddDays(-1), PoliciesPerYear = 300 });
        if (staleSource is not null)
        {
            // Its last two extracts never arrive: stale whether the due date is yesterday (after the
            // morning's deadline) or the day before (earlier in the morning).
            var folder = Path.Combine(_store.Folder, TestStore.ConfiguredSources().Sources[staleSource].Folder);
            foreach (var day in new[] { today.AddDays(-1), today.AddDays(-2) })
            {
                foreach (var file in Directory.GetFiles(folder, "*" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "*"))
                {
                    File.Delete(file);
                }
            }
        }

        var loader = _store.Loader(TestStore.ConfiguredReference());
        foreach (var source in TestStore.ConfiguredSources().Sources.Values.Where(s => s.Enabled))
        {
            await loader.ScanAsync(source, Path.Combine(_store.Folder, source.Folder));
        }

        SqliteConnection.ClearAllPools();
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string>
        {
            ["Store__Provider"] = "sqlite",
            ["Store__ConnectionString"] = "",
            ["Data__Folder"] = _store.Folder,
            ["Health__Urls"] = $"http://127.0.0.1:{port}",

            // Ingest would scan the drop folders every 15 minutes of the Shanghai morning: not until 2099.
            ["Scheduling__Jobs__0__Cron"] = "0 0 6 1 1 ? 2099",
        };
        foreach (var (key, value) in extra ?? [])
        {
            environment[key] = value;
        }

        _worker = WorkerProcess.Serve("serve", environment);
        if (waitForEndpoint)
        {
            await _worker.WaitUntilAsync(() => _worker.Lines.Any(l => l.Contains("Health endpoints /healthz", StringComparison.Ordinal)), Patience, "the health endpoints");
        }

        return port;
    }

    private static Uri Url(int port, string path) => new($"http://127.0.0.1:{port}{path}");

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path)
    {
        using var response = await Http.GetAsync(Url(port, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static List<(string Name, string Status, string Reason)> Checks(string body)
    {
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("checks").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("status").GetString()!, c.GetProperty("reason").GetString()!))];
    }

    private static (string Name, string Status, string Reason) Check(string body, string name) => Checks(body).Single(c => c.Name == name);
}
