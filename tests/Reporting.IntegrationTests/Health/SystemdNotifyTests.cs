using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Testing;

namespace Reporting.IntegrationTests.Health;

/// <summary>
/// Issue 19: <c>serve</c> under <c>Type=notify</c>. The test plays systemd's side of the protocol
/// (sd_notify): a Unix datagram socket whose path is the worker's <c>NOTIFY_SOCKET</c>; it receives
/// <c>READY=1</c> once the worker has started and <c>STOPPING=1</c> when SIGTERM stops it.
/// </summary>
[Category("Services")]
public sealed class SystemdNotifyTests
{
    private string _folder = null!;

    [SetUp]
    public void SetUp() => _folder = Directory.CreateTempSubdirectory("reporting-notify-").FullName;

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Serve_tells_systemd_it_is_ready_after_start_and_stopping_on_SIGTERM_then_exits_0()
    {
        var path = Path.Combine(_folder, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        var port = LoopbackPort.Free();
        using var worker = WorkerProcess.Serve("serve", new Dictionary<string, string>
        {
            ["Data__Folder"] = _folder,
            ["NOTIFY_SOCKET"] = path,
            ["Health__Urls"] = $"http://127.0.0.1:{port}",
            ["Scheduling__Jobs__0__Cron"] = "0 0 6 1 1 ? 2099",
        });

        var ready = await ReceiveAsync(socket, TimeSpan.FromSeconds(60));
        var healthUp = worker.Lines.Any(l => l.Contains("Health endpoints /healthz", StringComparison.Ordinal));
        var exit = await worker.TerminateAsync(TimeSpan.FromSeconds(60));
        var stopping = await ReceiveAsync(socket, TimeSpan.FromSeconds(5));

        Assert.That(ready, Does.Contain("READY=1"));
        Assert.That(healthUp, Is.True, "READY=1 came after the health endpoints listened");
        Assert.That(stopping, Does.Contain("STOPPING=1"));
        Assert.That(exit, Is.Zero, string.Join('\n', worker.Lines));
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        var count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
