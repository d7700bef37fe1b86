using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Reporting.Testing;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// The built worker running <c>serve</c> in its own process, its log kept to read which scheduled
/// fires it ran. Always killed on dispose.
/// </summary>
internal sealed partial class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerDll());
        start.ArgumentList.Add("serve");
        start.Environment["REPORTING_HOME"] = RepositoryLayout.Root;

        // Each worker its own health port, as two workers on one machine need (a test may name one).
        start.Environment["Health__Urls"] = $"http://127.0.0.1:{LoopbackPort.Free()}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>Scheduled fire times (UTC) of any job this process ran, in log order.</summary>
    public IReadOnlyList<DateTimeOffset> Fires => [.. _lines
        .Select(line => FireLine().Match(line))
        .Where(m => m.Success)
        .Select(m => DateTimeOffset.Parse(m.Groups["fire"].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))];

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the process wrote so far, standard output and error together.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Sends SIGTERM, as systemd stops the unit, and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>True when a line of the worker's log contains <paramref name="text"/>.</summary>
    public bool Logged(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public static WorkerProcess Serve(string name, IReadOnlyDictionary<string, string> environment) => new(name, environment);

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(_process.HasExited, Is.False, $"{Name} ended (exit code {(_process.HasExited ? _process.ExitCode : 0)}) while waiting for {what}");
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{Name}: no {what} within {timeout.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    /// <summary>The worker built beside these tests (same configuration), else the newest build.</summary>
    public static string WorkerDll()
    {
        var bin = Path.Combine(RepositoryLayout.Root, "src", "Worker", "bin");
        var candidates = Directory.Exists(bin)
            ? Directory.EnumerateDirectories(bin).Select(c => new FileInfo(Path.Combine(c, "net10.0", "Reporting.Worker.dll"))).Where(f => f.Exists).ToList()
            : [];
        var own = candidates.FirstOrDefault(f => AppContext.BaseDirectory.Contains(
            $"{Path.DirectorySeparatorChar}{f.Directory!.Parent!.Name}{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var dll = own ?? candidates.OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault();
        Assert.That(dll, Is.Not.Null, "the worker is not built under " + bin);
        return dll!.FullName;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        TestContext.Progress.WriteLine($"  {Name}: {line}");
    }

    [GeneratedRegex(@"Scheduled fire of \S+ at (?<fire>\S+) on")]
    private static partial Regex FireLine();
}
