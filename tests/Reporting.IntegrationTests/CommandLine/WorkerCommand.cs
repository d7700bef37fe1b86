using System.Diagnostics;
using System.Text.RegularExpressions;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Testing;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>What one run of the built worker printed and how it exited.</summary>
internal sealed partial record WorkerResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    /// <summary>The last line on standard error: the sentence a failed command ends in.</summary>
    public string LastErrorLine => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    /// <summary>True when the output holds a .NET stack trace or System.CommandLine's "Unhandled exception".</summary>
    public bool HasStackTrace => Output.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || StackFrame().IsMatch(Output);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";

    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}

/// <summary>Runs one command of the built worker (<c>dotnet Reporting.Worker.dll ARGS</c>) in its own process, as ops would.</summary>
internal static class WorkerCommand
{
    public static async Task<WorkerResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerProcess.WorkerDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["REPORTING_HOME"] = RepositoryLayout.Root;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"worker {string.Join(' ', args)} did not exit within 3 minutes");
        }

        var result = new WorkerResult(process.ExitCode, await output, await error);
        TestContext.Progress.WriteLine($"  worker {string.Join(' ', args)}: {result}");
        return result;
    }
}
