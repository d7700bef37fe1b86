using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Reporting.IntegrationTests.Scheduling;
using Reporting.Jobs.Extract;
using Reporting.Testing;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// SPEC §2.6 "a file is loaded in one transaction: a crash mid-file leaves no partial load", with a
/// real crash: the worker's <c>ingest</c> command in its own process, killed while it is writing.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[NonParallelizable]
[Category("Services")]
public sealed class KilledLoadTests(string provider)
{
    private static readonly TimeSpan InProgressTimeout = TimeSpan.FromSeconds(25);

    private TestStore _store = null!;
    private string? _bigFile;

    /// <summary>
    /// Enough rows that the kill lands well inside the load: SQLite writes to its log only once its
    /// 64 MB page cache spills (about 3 s into a 400k-row load), PostgreSQL's COPY starts at once.
    /// </summary>
    private int BigRows => provider == "sqlite" ? 600_000 : 300_000;

    [SetUp]
    public async Task SetUp() => _store = await TestStore.CreateAsync(provider);

    [TearDown]
    public async Task TearDown()
    {
        if (_bigFile is not null)
        {
            File.Delete(_bigFile);
            File.Delete(_bigFile + ".done");
        }

        await _store.DisposeAsync();
    }

    [Test]
    public async Task A_load_killed_mid_file_leaves_the_store_exactly_as_before()
    {
        var source = TestStore.ConfiguredSources().Get("policies");
        var small = await _store.Loader().LoadFileAsync(source, _store.WriteFile("policies_20261014.csv", CanonicalCsv.Policies(CanonicalCsv.Policy("P0"), CanonicalCsv.Policy("P1"))));
        Assert.That(small.Outcome, Is.EqualTo(LoadOutcome.Loaded), small.Error);
        _bigFile = WriteBigFile(Path.Combine(_store.Folder, "policies_20261015.csv"), BigRows);
        var before = await _store.SnapshotAsync();
        var application = "killed-load-" + Guid.NewGuid().ToString("N")[..8];

        using (var worker = StartIngest(_bigFile, application))
        {
            try
            {
                var progress = await WaitUntilWritingAsync(worker, application);
                TestContext.Progress.WriteLine($"{provider}: killing the worker while {progress}");
            }
            finally
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
            }
        }

        Assert.That(await _store.SnapshotAsync(), Is.EqualTo(before), "nothing of the killed load is visible");

        var again = await _store.Loader().LoadFileAsync(source, _bigFile);
        Assert.That(again.Outcome, Is.EqualTo(LoadOutcome.Loaded), again.Error + " (something half-written blocks the reload)");
        Assert.That(again.Counts!.RowsLoaded, Is.EqualTo(BigRows));
        Assert.That(await _store.Store.GetLedgerAsync(), Has.Count.EqualTo(2), "the killed attempt left no ledger line");
    }

    /// <summary>Unique policy numbers, streamed to disk (about 150 bytes a row): several seconds of loading.</summary>
    private static string WriteBigFile(string path, int rows)
    {
        using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(CanonicalCsv.PolicyHeader);
            writer.Write('\n');
            for (var n = 0; n < rows; n++)
            {
                writer.Write(CanonicalCsv.Policy("K" + n.ToString("D7", CultureInfo.InvariantCulture), plate: "B12345", name: "ZHANG"));
                writer.Write('\n');
            }
        }

        File.WriteAllText(path + ".done", "");
        return path;
    }

    private Process StartIngest(string file, string application)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { WorkerProcess.WorkerDll(), "ingest", "--source", "policies", file })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REPORTING_HOME"] = RepositoryLayout.Root;
        start.Environment["Store__Provider"] = provider;
        start.Environment["Store__ConnectionString"] = provider == "postgres"
            ? new NpgsqlConnectionStringBuilder(_store.ConnectionString) { ApplicationName = application }.ToString()
            : _store.ConnectionString;
        start.Environment["Data__Folder"] = _store.Folder;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        static void Output(string? line)
        {
            if (line is not null)
            {
                TestContext.Progress.WriteLine("  worker: " + line);
            }
        }
    }

    /// <summary>
    /// Waits until the load is demonstrably writing: SQLite's write-ahead log holds megabytes of the
    /// uncommitted transaction; PostgreSQL's COPY into the staging table has taken many rows.
    /// </summary>
    private async Task<string> WaitUntilWritingAsync(Process worker, string application)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < InProgressTimeout)
        {
            Assert.That(worker.HasExited, Is.False, $"the worker ended (exit code {(worker.HasExited ? worker.ExitCode : 0)}) before it could be killed mid-load");
            var progress = provider == "sqlite" ? SqliteProgress() : await PostgresProgressAsync(application);
            if (progress is not null)
            {
                return progress;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the load was not seen in progress within {InProgressTimeout.TotalSeconds} s");
        return "";
    }

    private string? SqliteProgress()
    {
        var wal = new FileInfo(Path.Combine(_store.Folder, "reporting.db-wal"));
        return wal.Exists && wal.Length > 4 << 20 ? $"the WAL holds {wal.Length >> 20} MB" : null;
    }

    private static async Task<string?> PostgresProgressAsync(string application)
    {
        await using var connection = new NpgsqlConnection(TestStore.RequirePostgres());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(p.tuples_processed, 0) FROM pg_stat_activity a LEFT JOIN pg_stat_progress_copy p ON p.pid = a.pid " +
            "WHERE a.application_name = @application AND a.query LIKE 'COPY stage%'",
            connection);
        command.Parameters.AddWithValue("application", application);
        var rows = await command.ExecuteScalarAsync();
        return rows is long copied && copied > 50_000 ? $"COPY stage has taken {copied} rows" : null;
    }
}
