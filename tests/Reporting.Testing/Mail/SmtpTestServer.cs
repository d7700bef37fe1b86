using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Reporting.Testing.Mail;

/// <summary>
/// A real SMTP server for a test: Debian's <c>python3-aiosmtpd</c> on a free loopback port, storing
/// every message it accepts in a Maildir. <see cref="StopAsync"/> and <see cref="StartAsync"/>
/// take it down and bring it back on the same port (the "server down for a while" tests).
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private Process? _process;

    private SmtpTestServer(int port, string maildir)
    {
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    public static async Task<SmtpTestServer> StartNewAsync()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-smtp-").FullName;
        var server = new SmtpTestServer(FreePort(), Path.Combine(folder, "maildir"));
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3 -m aiosmtpd");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("aiosmtpd exited: " + await _process.StandardError.ReadToEndAsync());
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"aiosmtpd did not listen on {Port} within 15 s");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every message received so far, decoded.</summary>
    public IReadOnlyList<ReceivedMail> Messages() =>
        Directory.Exists(Path.Combine(Maildir, "new")) ? MailFiles.Read(Directory.GetFiles(Path.Combine(Maildir, "new"))) : [];

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(Maildir)!, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; nothing depends on its removal.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
