using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Reporting.Testing;
using Reporting.Worker.CommandLine;
using Reporting.Worker.Hosting;

namespace Reporting.Tests.CommandLine;

/// <summary>
/// The exit code mapping with the exceptions the providers really throw, for the cases a process
/// test cannot reach quickly (a store locked for the whole 60 s busy wait), and the places the
/// codes are written down besides <see cref="ExitCodes"/>.
/// </summary>
public sealed partial class FailureClassifierTests
{
    [Test]
    public async Task A_store_locked_by_another_writer_is_a_temporary_failure_naming_the_store()
    {
        var folder = Directory.CreateTempSubdirectory("reporting-lock-test-").FullName;
        try
        {
            var file = Path.Combine(folder, "reporting.db");
            await using var holder = new SqliteConnection($"Data Source={file};Pooling=False");
            await holder.OpenAsync();
            await using (var begin = holder.CreateCommand())
            {
                begin.CommandText = "CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);";
                await begin.ExecuteNonQueryAsync();
            }

            var locked = await CatchAsync(async () =>
            {
                await using var waiter = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=1");
                await waiter.OpenAsync();
                await using var write = waiter.CreateCommand();
                write.CommandText = "BEGIN IMMEDIATE;";
                await write.ExecuteNonQueryAsync();
            });

            var failure = FailureClassifier.Classify(locked, new StoreTarget("sqlite", file, null, null, null));

            Assert.That(((SqliteException)locked).SqliteErrorCode, Is.EqualTo(5), "SQLITE_BUSY");
            Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.TemporaryFailure));
            Assert.That(failure.Message, Does.Contain(file).And.Contain("database is locked").And.Contain("Try again later"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void An_unexpected_exception_is_an_internal_error_with_its_type_and_escaped_message()
    {
        var failure = FailureClassifier.Classify(new NotSupportedException("bad \u001b[2J value"), null);

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.Internal));
        Assert.That(failure.Message, Does.StartWith("Internal error: System.NotSupportedException: bad \\u001B[2J value."));
        // Ordinal: a culture-sensitive search ignores control characters and finds ESC everywhere.
        Assert.That(failure.Message.Contains('\u001b', StringComparison.Ordinal), Is.False);
    }

    [Test]
    public void The_README_exit_code_table_lists_every_code_of_ExitCodes()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var section = readme[readme.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var documented = TableCode().Matches(section).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.That(documented, Is.EquivalentTo(Codes()));
    }

    [Test]
    public void The_service_unit_does_not_restart_on_the_codes_a_restart_cannot_fix()
    {
        var unit = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, "ops", "reporting-worker.service"));
        var prevent = unit.Single(l => l.StartsWith("RestartPreventExitStatus=", StringComparison.Ordinal))["RestartPreventExitStatus=".Length..];

        Assert.That(prevent.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse), Is.EquivalentTo(ExitCodes.NotFixedByRestart));
    }

    private static IEnumerable<int> Codes() => typeof(ExitCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(int))
        .Select(f => (int)f.GetRawConstantValue()!);

    private static async Task<Exception> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            return ex;
        }

        Assert.Fail("no exception");
        return null!;
    }

    [GeneratedRegex(@"^\| `?(\d+)`? \|", RegexOptions.Multiline)]
    private static partial Regex TableCode();
}
