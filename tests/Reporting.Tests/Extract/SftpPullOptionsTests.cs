using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Extract.Pull;

namespace Reporting.Tests.Extract;

/// <summary>The pull's configuration (<c>Sources:&lt;name&gt;:Pull:Sftp</c>) and the remote names it refuses.</summary>
public sealed class SftpPullOptionsTests
{
    private const string Fingerprint = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private const string Secret = "pa55-Secret-word";

    [TestCase("policies_20261015.csv")]
    [TestCase("保单_20261015.csv")]
    [TestCase("..policies_20261015.csv")]
    [TestCase("policies 20261015.csv")]
    public void A_plain_file_name_is_safe(string name) => Assert.That(RemoteName.Problem(name), Is.Null);

    [TestCase("../x.csv", "leaves the folder")]
    [TestCase("..\\x.csv", "leaves the folder")]
    [TestCase("a/../../x.csv", "leaves the folder")]
    [TestCase("..", "relative path")]
    [TestCase(".", "relative path")]
    [TestCase("/etc/passwd", "absolute path")]
    [TestCase("\\\\server\\share\\x.csv", "absolute path")]
    [TestCase("C:x.csv", "absolute path")]
    [TestCase("in/x.csv", "separator")]
    [TestCase("in\\x.csv", "separator")]
    [TestCase("x\u001b[2J.csv", "control character (U+001B)")]
    [TestCase("x\n.csv", "control character (U+000A)")]
    [TestCase("x\u0000.csv", "control character (U+0000)")]
    [TestCase("x\u2028.csv", "control character (U+2028)")]
    [TestCase("", "empty")]
    public void A_name_that_is_a_path_or_carries_control_characters_is_refused(string name, string reason) =>
        Assert.That(RemoteName.Problem(name), Does.Contain(reason));

    [Test]
    public void A_name_with_an_unpaired_surrogate_is_refused() =>
        Assert.That(RemoteName.Problem("x" + (char)0xD800 + ".csv"), Does.Contain("unpaired surrogate (U+D800)"));

    [Test]
    public void A_name_longer_than_255_bytes_is_refused() =>
        Assert.That(RemoteName.Problem(new string('保', 86) + ".csv"), Does.Contain("255 bytes"));

    [TestCase("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")]
    [TestCase("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")]
    [TestCase("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [TestCase(" sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= ")]
    public void A_fingerprint_is_compared_without_its_prefix_and_padding(string given) =>
        Assert.That(SftpPullOptions.NormalizeFingerprint(given), Is.EqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));

    [Test]
    public void A_fingerprint_differing_in_case_does_not_match() =>
        Assert.That(SftpPullOptions.NormalizeFingerprint(Fingerprint.ToUpperInvariant()), Is.Not.EqualTo(SftpPullOptions.NormalizeFingerprint(Fingerprint)));

    [Test]
    public void A_complete_pull_validates() => Assert.That(Source().Validate(), Is.Empty);

    [Test]
    public void A_missing_host_key_fingerprint_is_a_configuration_error() =>
        Assert.That(Source(s => s.HostKeySha256 = "").Validate(), Has.Some.StartsWith("Sources:picc:Pull:Sftp:HostKeySha256 is required"));

    [TestCase("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")]
    [TestCase("SHA256:tooShort")]
    [TestCase("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!")]
    public void A_host_key_that_is_not_a_sha256_fingerprint_is_named(string value) =>
        Assert.That(Source(s => s.HostKeySha256 = value).Validate(), Has.Some.Contains($"Sources:picc:Pull:Sftp:HostKeySha256 must be a SHA-256 fingerprint").And.Some.Contains(value));

    [Test]
    public void Each_missing_or_wrong_value_is_named_by_its_key()
    {
        var problems = Source(s =>
        {
            s.Host = "";
            s.Port = 70000;
            s.UserName = "";
            s.RemoteFolder = "";
            s.Attempts = 0;
            s.StableWait = TimeSpan.Zero;
        }).Validate().ToList();

        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:Host is required"));
        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:Port must be between 1 and 65535, got 70000"));
        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:UserName is required"));
        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:RemoteFolder is required"));
        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:Attempts must be between 1 and 10, got 0"));
        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:StableWait must be more than 0"));
    }

    [Test]
    public void A_pull_without_a_password_or_key_says_where_the_secret_goes() =>
        Assert.That(
            Source(s => (s.Password, s.PrivateKeyFile) = (null, null)).Validate(),
            Has.Some.Contains("set Password or PrivateKeyFile").And.Some.Contains("Sources__picc__Pull__Sftp__Password"));

    [Test]
    public void A_passphrase_without_a_key_file_is_named_never_printed()
    {
        var problems = Source(s => (s.PrivateKeyFile, s.PrivateKeyPassphrase) = (null, Secret)).Validate().ToList();

        Assert.That(problems, Has.Some.StartsWith("Sources:picc:Pull:Sftp:PrivateKeyPassphrase is set without a PrivateKeyFile"));
        Assert.That(string.Join("\n", problems), Does.Not.Contain(Secret));
    }

    [Test]
    public void No_message_of_a_wrong_configuration_carries_the_password()
    {
        var problems = Source(s => (s.Host, s.HostKeySha256, s.Port, s.ArchiveFolder) = ("bad host", "nope", 0, "/outgoing")).Validate().ToList();

        Assert.That(problems, Has.Count.GreaterThanOrEqualTo(4));
        Assert.That(string.Join("\n", problems), Does.Not.Contain(Secret));
    }

    [Test]
    public void A_pull_on_a_database_source_or_without_a_kind_is_refused()
    {
        var database = Source();
        database.Kind = SourceKind.Database;
        var empty = Source();
        empty.Pull = new PullOptions();

        Assert.That(database.Validate(), Has.Some.StartsWith("Sources:picc:Pull is for a drop-folder source only"));
        Assert.That(empty.Validate(), Has.Some.StartsWith("Sources:picc:Pull names no pull"));
    }

    [Test]
    public void The_archive_folder_must_not_be_the_remote_folder() =>
        Assert.That(Source(s => s.ArchiveFolder = "/outgoing/").Validate(), Has.Some.StartsWith("Sources:picc:Pull:Sftp:ArchiveFolder must differ from RemoteFolder"));

    private static SourceOptions Source(Action<SftpPullOptions>? configure = null)
    {
        var sftp = new SftpPullOptions
        {
            Host = "sftp.picc.example",
            UserName = "dealer",
            Password = Secret,
            HostKeySha256 = Fingerprint,
            RemoteFolder = "/outgoing",
        };
        configure?.Invoke(sftp);
        return new SourceOptions
        {
            Name = "picc",
            Dataset = ExtractDataset.Policies,
            Folder = "inbox/picc",
            FilePattern = "picc_YYYYMMDD.csv",
            Pull = new PullOptions { Sftp = sftp },
        };
    }
}
