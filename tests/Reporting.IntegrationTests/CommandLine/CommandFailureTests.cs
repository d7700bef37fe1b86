using System.Diagnostics;
using Npgsql;
using Reporting.Testing;
using Reporting.Testing.Stores;
using Reporting.Worker.CommandLine;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// Issue 14, defect 7: every failing command ends in one sentence naming what failed and what to
/// do, with the documented exit code (<see cref="ExitCodes"/>), never a stack trace. Each case runs
/// the built worker in its own process.
/// </summary>
[Category("Services")]
public sealed class CommandFailureTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-cli-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static Dictionary<string, string> DataIn(string folder) => new() { ["Data__Folder"] = folder };

    private string Store => Path.Combine(_folder, "reporting.db");

    [Test]
    public async Task Explain_with_a_mistyped_metric_is_a_usage_error_listing_the_metrics()
    {
        var result = await WorkerCommand.RunAsync(DataIn(_folder), "explain", "--metric", "renewl");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("'renewl'").And.Contain("renewal, conversion, referral, commission, advisor, lostreasons"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task Ingest_with_a_mistyped_source_is_a_usage_error_naming_the_sources()
    {
        var result = await WorkerCommand.RunAsync(DataIn(_folder), "ingest", "--source", "policis");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("'policis'").And.Contain("claims, cpic_claims, crm_followups_db, followups, picc_policies_sftp, pingan_policies, policies"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task An_unknown_option_is_a_usage_error_on_one_line()
    {
        var result = await WorkerCommand.RunAsync(DataIn(_folder), "history", "--limt", "5");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.ToString());
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("--limt").And.Contain("history --help"));
    }

    [Test]
    public async Task A_store_file_that_is_not_a_database_is_a_data_error_naming_the_file()
    {
        await File.WriteAllBytesAsync(Store, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251))]);

        var result = await WorkerCommand.RunAsync(DataIn(_folder), "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DataError), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(Store).And.Contain("file is not a database").And.Contain("backup"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_truncated_store_is_a_data_error_naming_the_file()
    {
        var created = await WorkerCommand.RunAsync(DataIn(_folder), "history");
        Assert.That(created.ExitCode, Is.EqualTo(ExitCodes.Success), created.ToString());
        File.Delete(Store + "-wal");
        File.Delete(Store + "-shm");
        await using (var file = new FileStream(Store, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length / 2);
        }

        var result = await WorkerCommand.RunAsync(DataIn(_folder), "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DataError), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(Store));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task Serve_on_a_corrupt_store_exits_with_the_data_error_code_and_one_line()
    {
        await File.WriteAllBytesAsync(Store, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251))]);

        var result = await WorkerCommand.RunAsync(DataIn(_folder), "serve");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DataError), result.ToString());
        Assert.That(ExitCodes.NotFixedByRestart, Does.Contain(result.ExitCode), "systemd would restart it every 30 s");
        Assert.That(result.LastErrorLine, Does.Contain(Store).And.Contain("file is not a database"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_data_folder_that_cannot_be_created_is_a_cannot_create_error_naming_it()
    {
        var file = Path.Combine(_folder, "plain-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var data = Path.Combine(file, "data");

        var result = await WorkerCommand.RunAsync(DataIn(data), "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.CannotCreate), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(data).And.Contain("Data:Folder"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_read_only_store_folder_is_a_cannot_create_error_naming_the_store()
    {
        var mount = Path.Combine(_folder, "read-only");
        using var _ = Mount(mount, "ro");

        var result = await WorkerCommand.RunAsync(DataIn(mount), "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.CannotCreate), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(Path.Combine(mount, "reporting.db")).And.Contain("SQLite error 14"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_full_disk_is_an_io_error_naming_the_store()
    {
        var mount = Path.Combine(_folder, "tiny");
        using var _ = Mount(mount, "size=96k");

        var result = await WorkerCommand.RunAsync(DataIn(mount), "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.IoError), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(Path.Combine(mount, "reporting.db")).And.Contain("full"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task An_unreachable_PostgreSQL_store_is_unavailable_naming_host_and_port_but_not_the_password()
    {
        var port = LoopbackPort.Free();
        var environment = DataIn(_folder);
        environment["Store__Provider"] = "postgres";
        environment["Store__ConnectionString"] = $"Host=127.0.0.1;Port={port};Username=reporting;Password=s3cret-pw;Database=reporting;Timeout=5";

        var result = await WorkerCommand.RunAsync(environment, "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Unavailable), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain($"127.0.0.1:{port}").And.Contain("connection refused"));
        Assert.That(result.Output, Does.Not.Contain("s3cret-pw"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_PostgreSQL_login_refused_is_a_configuration_error_without_the_password()
    {
        var server = new NpgsqlConnectionStringBuilder(TestStore.RequirePostgres());
        var environment = DataIn(_folder);
        environment["Store__Provider"] = "postgres";
        environment["Store__ConnectionString"] = $"Host={server.Host};Port={server.Port};Username=no_such_role_14;Password=s3cret-pw;Database={server.Database}";

        var result = await WorkerCommand.RunAsync(environment, "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain($"{server.Host}:{server.Port}").And.Contain("refused the login"));
        Assert.That(result.Output, Does.Not.Contain("s3cret-pw"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task A_configuration_file_that_does_not_parse_is_a_configuration_error_naming_the_file()
    {
        var home = Path.Combine(_folder, "home");
        Directory.CreateDirectory(Path.Combine(home, "config"));
        foreach (var file in Directory.GetFiles(RepositoryLayout.Config, "*.json"))
        {
            File.Copy(file, Path.Combine(home, "config", Path.GetFileName(file)));
        }

        var broken = Path.Combine(home, "config", "delivery.json");
        await File.WriteAllTextAsync(broken, "{ \"Delivery\": { \"Mode\": ");
        var environment = DataIn(Path.Combine(_folder, "data"));
        environment["REPORTING_HOME"] = home;

        var result = await WorkerCommand.RunAsync(environment, "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain(broken).And.Contain("not valid JSON"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task An_invalid_configuration_value_is_a_configuration_error_naming_the_key()
    {
        var environment = DataIn(_folder);
        environment["Metrics__Renewal__GraceDays"] = "thirty";

        var result = await WorkerCommand.RunAsync(environment, "metrics");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("Metrics:Renewal:GraceDays").And.Contain("thirty"));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
    }

    [Test]
    public async Task At_Debug_level_the_log_carries_the_stack_trace_before_the_sentence()
    {
        await File.WriteAllBytesAsync(Store, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251))]);
        var environment = DataIn(_folder);
        environment["Logging__LogLevel__Reporting"] = "Debug";

        var result = await WorkerCommand.RunAsync(environment, "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DataError), result.ToString());
        Assert.That(result.HasStackTrace, Is.True, result.ToString());
        Assert.That(result.StandardError, Does.Contain("Microsoft.Data.Sqlite.SqliteException"));
        Assert.That(result.LastErrorLine, Does.Contain(Store).And.Contain("file is not a database"));
    }

    [Test]
    public async Task A_refused_SMTP_server_is_recorded_with_its_host_port_and_cause()
    {
        var port = LoopbackPort.Free();
        var environment = DataIn(_folder);
        environment["Delivery__Mode"] = "Smtp";
        environment["Delivery__Smtp__Host"] = "127.0.0.1";
        environment["Delivery__Smtp__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Delivery__Smtp__Security"] = "None";
        environment["Delivery__Retry__Attempts"] = "1";

        var run = await WorkerCommand.RunAsync(environment, "run", "morning", "--date", "2026-03-02", "--branch", "B01");
        var history = await WorkerCommand.RunAsync(environment, "history", "--job", "morning", "--date", "2026-03-02");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.WorkFailed), run.ToString());
        Assert.That(run.StandardError, Does.Contain($"SMTP 127.0.0.1:{port}: connection refused"));
        Assert.That(run.Output, Does.Not.Contain("Failure sending mail"));
        var deliveries = history.StandardOutput.Split('\n').Select(l => l.Split('│').Select(c => c.Trim()).ToArray()).Where(cells => cells.Length == 6);
        Assert.That(deliveries.Single(cells => cells[2] == "manager.b01@dealer.example"), Is.EqualTo(new[] { "FAILED", "morning/2026-03-02/B01", "manager.b01@dealer.example", "1", "#1", $"SMTP 127.0.0.1:{port}: connection refused" }));
        Assert.That(run.HasStackTrace, Is.False, run.ToString());
    }

    /// <summary>
    /// A tmpfs at <paramref name="path"/> with <paramref name="options"/> (read-only, or a tiny size
    /// for a full disk): the only way to refuse writes to root, whom permissions do not stop.
    /// Ignored where mounts are not allowed; unmounted on dispose.
    /// </summary>
    private static Unmount Mount(string path, string options)
    {
        Directory.CreateDirectory(path);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code != 0)
        {
            Assert.Ignore($"cannot mount a tmpfs here ({error.Trim()}): run the tests as root on Linux to include this case");
        }

        return new Unmount(path);
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    private sealed class Unmount(string path) : IDisposable
    {
        public void Dispose() => Run("umount", path);
    }
}
