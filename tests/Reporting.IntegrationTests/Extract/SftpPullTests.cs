using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Extract.Pull;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Sftp;
using Reporting.Testing.Stores;
using Reporting.Testing;

namespace Reporting.IntegrationTests.Extract;

/// <summary>
/// The SFTP pull (docs/loading.md, "Pull") against a real OpenSSH server (<see cref="SshTestServer"/>)
/// and a real store, SQLite and PostgreSQL: the login, the pinned host key, completeness, the
/// temporary download, what the ledger remembers, refused names, and the archive move.
/// </summary>
[TestFixtureSource(typeof(TestStore), nameof(TestStore.Providers))]
[Category("Services")]
[NonParallelizable]
public sealed class SftpPullTests(string provider)
{
    private const string File1 = "policies_20261015.csv";
    private static readonly DateTime Monday = new(2026, 10, 15, 6, 0, 0, DateTimeKind.Utc);

    private SshTestServer _server = null!;
    private TestStore _store = null!;
    private string _drop = null!;
    private SftpPuller _puller = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await SshTestServer.StartNewAsync();

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SetUp]
    public async Task SetUp()
    {
        _store = null!;
        _store = await TestStore.CreateAsync(provider);
        _drop = Path.Combine(_store.Folder, "inbox", "policies");
        _puller = new SftpPuller(_store.Store, new ReportingPaths(_store.Folder, _store.Folder), TimeProvider.System, NullLogger<SftpPuller>.Instance);
        foreach (var folder in new[] { _server.RemoteFolder, _server.ArchiveFolder })
        {
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo dir && dir.LinkTarget is null)
                {
                    dir.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed && _server is not null)
        {
            TestContext.Out.WriteLine("sshd log:\n" + _server.Log);
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Test]
    public async Task Key_authentication_pulls_a_complete_file_and_the_scan_loads_it()
    {
        var content = Policies("P1", "100.00");
        _server.Put(File1, content, modified: Monday);

        var result = await IngestAsync(Source());

        Assert.That(result.Pull!.Error, Is.Null);
        Assert.That(result.Pull.Fetched.Select(f => f.LocalFileName), Is.EqualTo(new[] { File1 }));
        Assert.That(File.ReadAllText(Path.Combine(_drop, File1)), Is.EqualTo(content));
        Assert.That(File.Exists(Path.Combine(_drop, File1 + ".done")), "the local marker");
        Assert.That(result.Loads.Single().Outcome, Is.EqualTo(LoadOutcome.Loaded), result.Loads.Single().Error);
        var pull = (await _store.Store.GetPullsAsync("policies")).Single();
        Assert.That(pull.RemotePath, Is.EqualTo(_server.Remote(File1)));
        Assert.That(pull.Size, Is.EqualTo(Encoding.UTF8.GetByteCount(content)));
        Assert.That(pull.ModifiedAt, Is.EqualTo(new DateTimeOffset(Monday)));
        Assert.That(pull.Sha256, Is.EqualTo(Sha256(content)));
        Assert.That(pull.Host, Is.EqualTo($"127.0.0.1:{_server.Port}"));
        Assert.That((await _store.Store.GetLedgerAsync("policies")).Single().Sha256, Is.EqualTo(pull.Sha256), "the loader loaded the bytes pulled");
    }

    [Test]
    public async Task A_passphrase_protected_key_pulls_a_file()
    {
        _server.Put(File1, Policies("P1", "100.00"));

        var result = await _puller.PullAsync(Source(s => (s.PrivateKeyFile, s.PrivateKeyPassphrase) = (_server.ProtectedKeyFile, SshTestServer.KeyPassphrase)), _drop);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Fetched, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Password_authentication_pulls_a_file()
    {
        _server.Put(File1, Policies("P1", "100.00"));

        var result = await _puller.PullAsync(Source(s => (s.PrivateKeyFile, s.Password) = (null, SshTestServer.Password)), _drop);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Fetched.Single().LocalFileName, Is.EqualTo(File1));
        Assert.That(File.Exists(Path.Combine(_drop, File1)));
    }

    [Test]
    public async Task A_refused_password_fails_the_pull_naming_source_and_host_never_the_password()
    {
        _server.Put(File1, Policies("P1", "100.00"));
        const string Wrong = "not-the-Password-42";

        var result = await _puller.PullAsync(Source(s => (s.PrivateKeyFile, s.Password) = (null, Wrong)), _drop);

        Assert.That(result.Error, Does.Contain("policies").And.Contain($"127.0.0.1:{_server.Port}").And.Contain("login"));
        Assert.That(result.Error, Does.Not.Contain(Wrong));
        Assert.That(Directory.EnumerateFileSystemEntries(_drop), Is.Empty);
    }

    [Test]
    public async Task A_host_key_that_does_not_match_is_refused_and_nothing_is_read()
    {
        _server.Put(File1, Policies("P1", "100.00"));
        var wrong = "SHA256:" + Convert.ToBase64String(SHA256.HashData("another server"u8)).TrimEnd('=');

        var result = await IngestAsync(Source(s => (s.HostKeySha256, s.PrivateKeyFile, s.Password) = (wrong, null, SshTestServer.Password)));

        Assert.That(result.Pull!.Error, Does.Contain("host key").And.Contain(_server.HostKeySha256).And.Contain(wrong).And.Contain("nothing was read"));
        Assert.That(result.Pull.Error, Does.Not.Contain(SshTestServer.Password));
        Assert.That(result.Pull.Succeeded, Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(_drop), Is.Empty);
        Assert.That(await _store.Store.GetPullsAsync(), Is.Empty);
        Assert.That(await _store.Store.GetLedgerAsync(), Is.Empty);
        Assert.That(_server.Log, Does.Not.Contain($"Accepted password for {SshTestServer.UserName}"), "the client never logged in");
    }

    [Test]
    public async Task The_fingerprint_matches_with_or_without_its_prefix_and_padding()
    {
        _server.Put(File1, Policies("P1", "100.00"));
        var bare = _server.HostKeySha256["SHA256:".Length..] + "=";

        var result = await _puller.PullAsync(Source(s => s.HostKeySha256 = bare), _drop);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Fetched, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_file_without_its_marker_is_not_pulled_until_the_marker_comes()
    {
        _server.Put(File1, Policies("P1", "100.00"), marker: false);

        var first = await _puller.PullAsync(Source(), _drop);
        File.WriteAllText(_server.Remote(File1 + ".done"), "");
        var second = await _puller.PullAsync(Source(), _drop);

        Assert.That(first.Fetched, Is.Empty);
        Assert.That(first.Waiting.Single().Name, Is.EqualTo(File1));
        Assert.That(first.Waiting.Single().Reason, Does.Contain("marker"));
        Assert.That(second.Fetched.Single().LocalFileName, Is.EqualTo(File1));
    }

    [Test]
    public async Task Stable_mode_pulls_a_file_only_when_it_did_not_change_between_two_listings()
    {
        var path = _server.Put(File1, Policies("P1", "100.00"), marker: false);
        var source = Source(s => (s.Completeness, s.StableWait) = (PullCompleteness.Stable, TimeSpan.FromSeconds(2)));

        var pulling = _puller.PullAsync(source, _drop);
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        File.AppendAllText(path, CanonicalCsv.Policy("P2") + "\n"); // the insurer still writing
        var whileWritten = await pulling;
        var dropWhileWritten = Directory.GetFileSystemEntries(_drop);
        var afterwards = await _puller.PullAsync(source, _drop);

        Assert.That(whileWritten.Fetched, Is.Empty);
        Assert.That(whileWritten.Waiting.Single().Reason, Does.Contain("still changing"));
        Assert.That(dropWhileWritten, Is.Empty);
        Assert.That(afterwards.Fetched.Single().Size, Is.EqualTo(new FileInfo(path).Length));
        Assert.That(File.ReadAllText(Path.Combine(_drop, File1)), Does.Contain("P2"));
    }

    [Test]
    public async Task A_transfer_cut_off_mid_file_leaves_nothing_to_load_and_the_next_pull_completes_it()
    {
        var content = Policies([.. Enumerable.Range(1, 3000).Select(i => ($"P{i}", "100.00"))]);
        _server.Put(File1, content);
        _puller.WrapDownloadForTests = (_, stream) => new FaultAfter(stream, 64 * 1024, () => throw new IOException("connection lost (injected)"));

        var cut = await IngestAsync(Source());

        Assert.That(cut.Pull!.Failed.Single().Name, Is.EqualTo(File1));
        Assert.That(cut.Pull.Failed.Single().Reason, Does.Contain("connection lost"));
        Assert.That(cut.Pull.Succeeded, Is.False);
        Assert.That(Directory.EnumerateFileSystemEntries(_drop), Is.Empty, "no partial file, no temporary file, no marker");
        Assert.That(cut.Loads, Is.Empty);
        Assert.That(await _store.Store.GetPullsAsync(), Is.Empty);
        Assert.That(await _store.Store.GetLedgerAsync(), Is.Empty);

        _puller.WrapDownloadForTests = null;
        var next = await IngestAsync(Source());

        Assert.That(next.Pull!.Fetched.Single().Sha256, Is.EqualTo(Sha256(content)));
        Assert.That(next.Loads.Single().Outcome, Is.EqualTo(LoadOutcome.Loaded));
        Assert.That(next.Loads.Single().Counts!.RowsLoaded, Is.EqualTo(3000));
    }

    [Test]
    public async Task A_pull_cancelled_mid_file_leaves_nothing_to_load()
    {
        _server.Put(File1, Policies([.. Enumerable.Range(1, 3000).Select(i => ($"P{i}", "100.00"))]));
        using var cancel = new CancellationTokenSource();
        _puller.WrapDownloadForTests = (_, stream) => new FaultAfter(stream, 64 * 1024, cancel.Cancel);

        Assert.CatchAsync<OperationCanceledException>(() => _puller.PullAsync(Source(), _drop, cancel.Token));

        Assert.That(Directory.EnumerateFileSystemEntries(_drop), Is.Empty);
        Assert.That(await _store.Store.GetPullsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_second_pull_of_the_same_files_is_a_no_op()
    {
        _server.Put(File1, Policies("P1", "100.00"), modified: Monday);
        await IngestAsync(Source());
        var localTime = File.GetLastWriteTimeUtc(Path.Combine(_drop, File1));

        var again = await IngestAsync(Source());

        Assert.That(again.Pull!.Fetched, Is.Empty);
        Assert.That(again.Pull.AlreadyPulled, Is.EqualTo(1));
        Assert.That(again.Loads.Single().Outcome, Is.EqualTo(LoadOutcome.AlreadyLoaded));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(_drop, File1)), Is.EqualTo(localTime), "not downloaded again");
        Assert.That(await _store.Store.GetPullsAsync(), Has.Count.EqualTo(1));
        Assert.That(await _store.Store.GetLedgerAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_changed_remote_file_is_pulled_again_and_loads_as_a_new_version()
    {
        var asOf = new DateOnly(2026, 10, 15);
        _server.Put(File1, Policies("P1", "100.00"), modified: Monday);
        await IngestAsync(Source());
        _server.Put(File1, Policies("P1", "200.00"), modified: Monday.AddHours(2)); // a correction, same size

        var corrected = await IngestAsync(Source());

        Assert.That(corrected.Pull!.Fetched.Single().Replaced, Is.True);
        Assert.That(corrected.Loads.Single().Outcome, Is.EqualTo(LoadOutcome.Loaded));
        var ledger = await _store.Store.GetLedgerAsync("policies");
        Assert.That(ledger.Select(l => (l.FileName, l.ExtractDate, l.Status)), Is.EqualTo(new[] { (File1, asOf, IngestStatus.LOADED), (File1, asOf, IngestStatus.LOADED) }));
        Assert.That(ledger[0].Sha256, Is.Not.EqualTo(ledger[1].Sha256));
        Assert.That((await _store.Store.GetPoliciesAsync(asOf)).Single().Premium, Is.EqualTo(200.00m), "the correction wins as of its date");
        var pulls = await _store.Store.GetPullsAsync("policies");
        Assert.That(pulls.Select(p => p.ModifiedAt), Is.EqualTo(new[] { new DateTimeOffset(Monday.AddHours(2)), new DateTimeOffset(Monday) }), "newest first");
        Assert.That(File.Exists(Path.Combine(_drop, File1 + ".done")));
    }

    [Test]
    public async Task Unsafe_names_symbolic_links_and_directories_on_the_server_are_refused()
    {
        _server.Put("..\\policies_20261016.csv", Policies("P1", "100.00"));
        _server.Put("policies_20261017\u001b[2J.csv", Policies("P1", "100.00"));
        File.CreateSymbolicLink(_server.Remote("policies_20261018.csv"), "/etc/passwd");
        File.WriteAllText(_server.Remote("policies_20261018.csv.done"), "");
        Directory.CreateDirectory(_server.Remote("policies_20261019.csv"));
        File.WriteAllText(_server.Remote("policies_20261019.csv.done"), "");
        _server.Put(File1, Policies("P1", "100.00"));

        var source = Source();
        source.FilePattern = "policies_YYYYMMDD*.csv"; // so that a name with more after its date is one of the source's
        var result = await _puller.PullAsync(source, _drop);

        var refused = result.Refused.ToDictionary(r => r.Name, r => r.Reason);
        Assert.That(refused.Keys, Is.EquivalentTo(new[] { "..\\policies_20261016.csv", "policies_20261017\u001b[2J.csv", "policies_20261018.csv", "policies_20261019.csv" }));
        Assert.That(refused["..\\policies_20261016.csv"], Does.Contain("leaves the folder"));
        Assert.That(refused["policies_20261017\u001b[2J.csv"], Does.Contain("control character (U+001B)"));
        Assert.That(refused["policies_20261018.csv"], Does.Contain("symbolic link"));
        Assert.That(refused["policies_20261019.csv"], Does.Contain("directory"));
        Assert.That(result.Fetched.Select(f => f.LocalFileName), Is.EqualTo(new[] { File1 }), "the safe file still comes");
        Assert.That(Directory.GetFiles(_drop).Select(Path.GetFileName), Is.EquivalentTo(new[] { File1, File1 + ".done" }));
    }

    [Test]
    public async Task A_file_moves_to_the_archive_folder_only_once_it_has_loaded()
    {
        const string Bad = "policies_20261016.csv";
        _server.Put(File1, Policies("P1", "100.00"));
        _server.Put(Bad, ""); // empty: fails as a whole

        var result = await IngestAsync(Source(s => s.ArchiveFolder = _server.ArchiveFolder));

        Assert.That(result.Loads.Select(l => (l.FileName, l.Outcome)), Is.EquivalentTo(new[] { (File1, LoadOutcome.Loaded), (Bad, LoadOutcome.Failed) }));
        Assert.That(File.Exists(_server.Archived(File1)), "the loaded file is archived");
        Assert.That(File.Exists(_server.Archived(File1 + ".done")), "with its marker");
        Assert.That(File.Exists(_server.Remote(File1)), Is.False);
        Assert.That(File.Exists(_server.Remote(File1 + ".done")), Is.False);
        Assert.That(File.Exists(_server.Remote(Bad)), "the failed file stays");
        Assert.That(File.Exists(_server.Archived(Bad)), Is.False);
        Assert.That(result.Pull!.Archived.Select(a => a.Name), Is.EqualTo(new[] { File1 }));
        var pulls = (await _store.Store.GetPullsAsync()).ToDictionary(p => p.LocalFileName);
        Assert.That(pulls[File1].ArchivePath, Is.EqualTo(_server.Archived(File1)));
        Assert.That(pulls[Bad].ArchivedAt, Is.Null);
    }

    [Test]
    public async Task A_server_that_does_not_answer_fails_after_the_retries_naming_source_and_host()
    {
        var closed = LoopbackPort.Free();

        var result = await _puller.PullAsync(Source(s => (s.Port, s.Attempts, s.FirstRetryDelay) = (closed, 2, TimeSpan.FromMilliseconds(50))), _drop);

        Assert.That(result.Error, Does.StartWith("policies: pull from SFTP 127.0.0.1:" + closed).And.Contain("cannot connect"));
    }

    [Test]
    public async Task The_ingest_job_pulls_every_source_and_a_failed_pull_fails_the_run_not_the_other_sources()
    {
        _server.Put(File1, Policies("P1", "100.00"));
        var pulled = Source();
        pulled.Folder = _drop;
        var unreachable = Source(s => s.Port = LoopbackPort.Free());
        unreachable.Name = "claims";
        unreachable.Dataset = Reporting.Jobs.Domain.ExtractDataset.Claims;
        unreachable.FilePattern = "claims_YYYYMMDD.csv";
        unreachable.Folder = Path.Combine(_store.Folder, "inbox", "claims");
        var sources = new SourcesOptions { Sources = new Dictionary<string, SourceOptions> { ["claims"] = unreachable, ["policies"] = pulled } };
        var paths = new ReportingPaths(_store.Folder, _store.Folder);
        var job = new Reporting.Jobs.Scheduling.IngestJob(
            sources, _store.Loader(), new DropFolderIngest(_store.Loader(), _puller), paths, NullLogger<Reporting.Jobs.Scheduling.JobExecutor>.Instance);

        var result = await job.RunAsync(
            new Reporting.Jobs.Scheduling.JobRequest("ingest", new DateOnly(2026, 10, 15), Jobs.Store.RunTrigger.Manual, new Reporting.Jobs.Reports.RunOptions()), 1, CancellationToken.None);

        Assert.That(result.Status, Is.EqualTo(Jobs.Store.RunStatus.Failed));
        Assert.That(result.Error, Does.StartWith("claims: pull from SFTP 127.0.0.1:").And.Contain("cannot connect"));
        Assert.That(result.Rows, Is.EqualTo(1), "the policies source pulled and loaded all the same");
        Assert.That((await _store.Store.GetLedgerAsync("policies")).Single().FileName, Is.EqualTo(File1));
    }

    private async Task<DropFolderIngestResult> IngestAsync(SourceOptions source) =>
        await new DropFolderIngest(_store.Loader(), _puller).RunAsync(source, _drop);

    private SourceOptions Source(Action<SftpPullOptions>? configure = null)
    {
        var sftp = new SftpPullOptions
        {
            Host = SshTestServer.Host,
            Port = _server.Port,
            UserName = SshTestServer.UserName,
            PrivateKeyFile = _server.PrivateKeyFile,
            HostKeySha256 = _server.HostKeySha256,
            RemoteFolder = _server.RemoteFolder,
            Attempts = 1,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            OperationTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(sftp);
        var source = TestStore.ConfiguredSources().Get("policies");
        source.Pull = new PullOptions { Sftp = sftp };
        Assert.That(source.Validate(), Is.Empty);
        return source;
    }

    private static string Policies(string policyNo, string premium) => Policies((policyNo, premium));

    private static string Policies(params (string PolicyNo, string Premium)[] rows) =>
        CanonicalCsv.Policies([.. rows.Select(r => CanonicalCsv.Policy(r.PolicyNo, premium: r.Premium))]);

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>Passes writes on until <c>limit</c> bytes have gone through, then does <c>fault</c> (throws, or cancels the pull).</summary>
    private sealed class FaultAfter(Stream inner, long limit, Action fault) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > limit)
            {
                fault();
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_written + buffer.Length > limit)
            {
                fault();
                cancellationToken.ThrowIfCancellationRequested();
            }

            await inner.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
