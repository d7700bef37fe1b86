using System.Diagnostics;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Testing;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// Issue 19: tab completion. System.CommandLine 2.0 answers the <c>[suggest:N] "LINE"</c> directive
/// (what <c>dotnet-suggest</c> sends, and what <c>ops/completion/reporting-worker.bash</c> sends)
/// with the completions at position N of LINE, one per line, before any configuration is read.
/// </summary>
[Category("Services")]
public sealed class ShellCompletionTests
{
    [TestCase("jobs pa", "pause")]
    [TestCase("jobs re", "resume")]
    [TestCase("jobs pause mor", "morning")]
    [TestCase("hist", "history")]
    public async Task The_suggest_directive_completes_commands_and_job_names(string line, string expected)
    {
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string>(), $"[suggest:{line.Length}]", line);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Lines(result.StandardOutput), Is.EqualTo(new[] { expected }), result.ToString());
    }

    [Test]
    public async Task The_suggest_directive_lists_every_scheduled_job_after_pause()
    {
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string>(), "[suggest:11]", "jobs pause ");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Lines(result.StandardOutput), Is.SupersetOf(new[] { "ingest", "morning", "commission", "renewal-review" }));
    }

    [Test]
    public async Task The_shipped_bash_completion_completes_through_the_wrapper()
    {
        var bin = Directory.CreateTempSubdirectory("reporting-completion-test-").FullName;
        try
        {
            // The wrapper as installed, pointed at this build instead of /opt/reporting-worker.
            var wrapper = Path.Combine(bin, "reporting-worker");
            await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{WorkerProcess.WorkerDll()}' \"$@\"\n");
            if (OperatingSystem.IsWindows())
            {
                Assert.Ignore("bash completion is for the Linux servers");
            }
            else
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var script = Path.Combine(RepositoryLayout.Root, "ops", "completion", "reporting-worker.bash");
            var output = await BashAsync(bin, $$"""
                source '{{script}}'
                complete_line() {
                    COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}
                    read -ra COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
                    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                    _reporting_worker_complete
                    echo "${COMPREPLY[*]}"
                }
                complete_line "reporting-worker jobs pa"
                complete_line "reporting-worker jobs resume in"
                """);

            Assert.That(Lines(output), Is.EqualTo(new[] { "pause", "ingest" }), output);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<string> BashAsync(string bin, string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["REPORTING_HOME"] = RepositoryLayout.Root;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script.Replace("\r", "", StringComparison.Ordinal));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        TestContext.Progress.WriteLine(await error);
        return await output;
    }
}
