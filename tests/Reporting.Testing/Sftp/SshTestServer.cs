using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NUnit.Framework;

namespace Reporting.Testing.Sftp;

/// <summary>
/// A real SFTP server for a test: Debian's OpenSSH <c>sshd</c>, started privately on a free
/// loopback port with its own configuration (<c>-f</c>, <c>-D -e</c>), a throw-away host key and
/// client key made by <c>ssh-keygen</c> in a temp folder, and OpenSSH's own <c>internal-sftp</c>.
/// No system service is touched; the only thing written outside the temp folder is the dedicated
/// account <see cref="UserName"/> (created once with <c>useradd</c>, its password set with
/// <c>chpasswd</c>: sshd logs in real accounts only) and the privilege separation folder
/// <c>/run/sshd</c>. sshd needs root; <c>ops/test</c> installs <c>openssh-server</c>.
/// </summary>
public sealed class SshTestServer : IAsyncDisposable
{
    public const string UserName = "reporting-sftp-test";

    /// <summary>The test account's password: a throw-away account that only this private server logs in.</summary>
    public const string Password = "Reporting-sftp-test-1";

    public const string KeyPassphrase = "test-key-passphrase";

    private const string Sshd = "/usr/sbin/sshd";
    private const string SshKeygen = "/usr/bin/ssh-keygen";

    private readonly string _folder;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private SshTestServer(string folder, int port)
    {
        _folder = folder;
        Port = port;
        RemoteFolder = Path.Combine(folder, "sftp", "outgoing");
        ArchiveFolder = Path.Combine(folder, "sftp", "archive");
    }

    public const string Host = "127.0.0.1";

    public int Port { get; }

    /// <summary>The server's host key fingerprint as <c>ssh-keygen -l -E sha256</c> prints it: <c>SHA256:…</c>.</summary>
    public string HostKeySha256 { get; private set; } = "";

    /// <summary>A private key (OpenSSH format, no passphrase) the server accepts for <see cref="UserName"/>.</summary>
    public string PrivateKeyFile => Path.Combine(_folder, "client_ed25519");

    /// <summary>A private key protected by <see cref="KeyPassphrase"/> the server accepts too.</summary>
    public string ProtectedKeyFile => Path.Combine(_folder, "client_protected");

    /// <summary>The folder the insurer writes to (an absolute path, the same on the server and here).</summary>
    public string RemoteFolder { get; }

    public string ArchiveFolder { get; }

    /// <summary>What sshd wrote to its standard error (its log), for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a server, or fails (CI, <c>REPORTING_TEST_REQUIRE_SERVICES</c>) or ignores the test saying why when it cannot.</summary>
    public static async Task<SshTestServer> StartNewAsync()
    {
        if (!File.Exists(Sshd) || !File.Exists(SshKeygen))
        {
            Unavailable($"{Sshd} is not installed: ops/test installs Debian's openssh-server (apt-get install openssh-server)");
        }

        if (Environment.UserName != "root")
        {
            Unavailable($"sshd needs root to start (it logs in {UserName}), the tests run as {Environment.UserName}");
        }

        var folder = Directory.CreateTempSubdirectory("reporting-sshd-").FullName;
        var server = new SshTestServer(folder, LoopbackPort.Free());
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>A file the insurer wrote, and by default its <c>.done</c> marker; returns its path on the server.</summary>
    public string Put(string name, string content, bool marker = true, DateTime? modified = null)
    {
        var path = Path.Combine(RemoteFolder, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (modified is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        if (marker)
        {
            File.WriteAllText(path + ".done", "");
        }

        return path;
    }

    public string Remote(string name) => Path.Combine(RemoteFolder, name);

    public string Archived(string name) => Path.Combine(ArchiveFolder, name);

    private static void Unavailable(string why)
    {
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Environment.GetEnvironmentVariable("REPORTING_TEST_REQUIRE_SERVICES") is { Length: > 0 })
        {
            Assert.Fail("cannot start the test SFTP server: " + why);
        }

        Assert.Ignore("cannot start the test SFTP server: " + why);
    }

    private async Task StartAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the test SFTP server runs on Linux only");
        }

        // The account's session reads the keys and the files: the folders are open to it.
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var dir in new[] { Path.Combine(_folder, "sftp"), RemoteFolder, ArchiveFolder })
        {
            Directory.CreateDirectory(dir);
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        }

        Directory.CreateDirectory("/run/sshd");
        await EnsureAccountAsync();
        var hostKey = Path.Combine(_folder, "host_ed25519");
        await RunAsync(SshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "reporting-test-host", "-f", hostKey);
        await RunAsync(SshKeygen, "-q", "-t", "ed25519", "-N", "", "-C", "reporting-test-client", "-f", PrivateKeyFile);
        await RunAsync(SshKeygen, "-q", "-t", "ed25519", "-N", KeyPassphrase, "-C", "reporting-test-protected", "-f", ProtectedKeyFile);
        var fingerprint = await RunAsync(SshKeygen, "-l", "-E", "sha256", "-f", hostKey + ".pub");
        HostKeySha256 = fingerprint.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var authorizedKeys = Path.Combine(_folder, "authorized_keys");
        await File.WriteAllTextAsync(authorizedKeys, await File.ReadAllTextAsync(PrivateKeyFile + ".pub") + await File.ReadAllTextAsync(ProtectedKeyFile + ".pub"));
        var config = Path.Combine(_folder, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {Path.Combine(_folder, "sshd.pid")}
            UsePAM no
            StrictModes no
            AuthorizedKeysFile {authorizedKeys}
            PubkeyAuthentication yes
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PermitRootLogin no
            AllowUsers {UserName}
            Subsystem sftp internal-sftp
            ForceCommand internal-sftp
            MaxStartups 100
            LogLevel VERBOSE

            """);

        var start = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Sshd);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"sshd exited ({_process.ExitCode}): {Log}");
            }

            if (await AnswersAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"sshd did not answer on 127.0.0.1:{Port} within 15 s: {Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    /// <summary>Whether the server sends its SSH banner.</summary>
    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var banner = await reader.ReadLineAsync(timeout.Token);
            return banner?.StartsWith("SSH-2.0", StringComparison.Ordinal) == true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The dedicated account, created when missing; its password set every time (idempotent).</summary>
    private static async Task EnsureAccountAsync()
    {
        var exists = await TryRunAsync("/usr/bin/id", null, "-u", UserName);
        if (!exists)
        {
            await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", UserName);
        }

        if (!await TryRunAsync("/usr/sbin/chpasswd", $"{UserName}:{Password}\n"))
        {
            throw new InvalidOperationException("chpasswd could not set the test account's password");
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}");
        }

        return await output;
    }

    private static async Task<bool> TryRunAsync(string file, string? input, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        _ = await process.StandardOutput.ReadToEndAsync();
        _ = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; nothing depends on its removal.
        }
    }
}
