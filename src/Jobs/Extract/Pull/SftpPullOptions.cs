using System.Globalization;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract.Pull;

/// <summary>
/// <c>Sources:&lt;name&gt;:Pull</c>: what fills a drop folder before it is scanned. Today one kind,
/// <see cref="Sftp"/>; a source without a pull waits for files dropped by someone else.
/// </summary>
public sealed class PullOptions
{
    public SftpPullOptions? Sftp { get; set; }

    /// <summary>Every problem with the pull's configuration, each naming the key; never a secret's value.</summary>
    public IEnumerable<string> Validate(string sourceKey, SourceKind kind)
    {
        var key = sourceKey + ":Pull";
        if (kind != SourceKind.Csv)
        {
            yield return $"{key} is for a drop-folder source only (Kind Csv), this source is {kind}.";
        }

        if (Sftp is null)
        {
            yield return $"{key} names no pull: set {key}:Sftp, or remove {key}.";
            yield break;
        }

        foreach (var problem in Sftp.Validate(key + ":Sftp"))
        {
            yield return problem;
        }
    }
}

/// <summary>How a pull decides that a remote file is written in full.</summary>
public enum PullCompleteness
{
    /// <summary>The source's <c>DoneMarker</c> (e.g. <c>{file}.done</c>) exists beside it on the server.</summary>
    Marker,

    /// <summary>Its size and modification time are the same in two listings <see cref="SftpPullOptions.StableWait"/> apart (an insurer that writes no marker).</summary>
    Stable,
}

/// <summary>
/// <c>Sources:&lt;name&gt;:Pull:Sftp</c>: the insurer's SFTP server, the login, the pinned host key
/// and the remote folders. The password and the key's passphrase come from the environment
/// (<c>Sources__&lt;name&gt;__Pull__Sftp__Password</c>) or user secrets, never from a committed file,
/// and never appear in a log line or a message.
/// </summary>
public sealed class SftpPullOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 22;

    public string UserName { get; set; } = "";

    public string? Password { get; set; }

    /// <summary>An OpenSSH or PEM private key file, relative to the home folder unless absolute.</summary>
    public string? PrivateKeyFile { get; set; }

    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>The server's host key fingerprint as <c>ssh-keygen -l -E sha256</c> prints it (<c>SHA256:…</c>); required.</summary>
    public string HostKeySha256 { get; set; } = "";

    /// <summary>The server's folder the extracts are written to.</summary>
    public string RemoteFolder { get; set; } = "";

    /// <summary>Optional: the server's folder a file is moved to once it has loaded.</summary>
    public string? ArchiveFolder { get; set; }

    public PullCompleteness Completeness { get; set; } = PullCompleteness.Marker;

    /// <summary><see cref="PullCompleteness.Stable"/>: the wait between the two listings.</summary>
    public TimeSpan StableWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connecting (TCP, key exchange, login) fails after this long.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each SFTP request (a listing, a read of a file's block, a rename) fails after this long.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Tries in all for a connection and for each file, with exponential backoff from <see cref="FirstRetryDelay"/>; 1 means no retry.</summary>
    public int Attempts { get; set; } = 3;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The server as messages name it.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>
    /// The fingerprint's base64 alone: without the <c>SHA256:</c> prefix and the <c>=</c> padding
    /// (OpenSSH prints none, other tools do), for an exact comparison.
    /// </summary>
    public static string NormalizeFingerprint(string? fingerprint)
    {
        var text = (fingerprint ?? "").Trim();
        if (text.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase))
        {
            text = text["SHA256:".Length..];
        }

        return text.TrimEnd('=');
    }

    /// <summary>Whether a fingerprint (normalised) is the 43 base64 characters of a SHA-256 digest.</summary>
    public static bool IsSha256Fingerprint(string normalized) =>
        normalized.Length == 43 && normalized.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
        && Convert.TryFromBase64String(normalized + "=", new byte[32], out var written) && written == 32;

    public IEnumerable<string> Validate(string key)
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{key}:Host is required.";
        }
        else if (Host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            yield return $"{key}:Host must be a host name or address, got '{TextSafety.Printable(Host, 100)}'.";
        }

        if (Port is < 1 or > 65535)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{key}:Port must be between 1 and 65535, got {Port}.");
        }

        if (string.IsNullOrWhiteSpace(UserName))
        {
            yield return $"{key}:UserName is required.";
        }

        if (string.IsNullOrEmpty(Password) && string.IsNullOrWhiteSpace(PrivateKeyFile))
        {
            yield return $"{key}: set Password or PrivateKeyFile (the secrets from the environment, {EnvironmentName(key)}__Password, or user secrets).";
        }

        if (!string.IsNullOrEmpty(PrivateKeyPassphrase) && string.IsNullOrWhiteSpace(PrivateKeyFile))
        {
            yield return $"{key}:PrivateKeyPassphrase is set without a PrivateKeyFile.";
        }

        var fingerprint = NormalizeFingerprint(HostKeySha256);
        if (fingerprint.Length == 0)
        {
            yield return $"{key}:HostKeySha256 is required: the server's host key fingerprint (SHA256:…), from " +
                "`ssh-keyscan -p PORT HOST | ssh-keygen -l -E sha256 -f -` checked with the insurer; a pull never trusts a key it was not given.";
        }
        else if (!IsSha256Fingerprint(fingerprint))
        {
            yield return $"{key}:HostKeySha256 must be a SHA-256 fingerprint as `ssh-keygen -l -E sha256` prints it (SHA256: and 43 base64 characters), got '{TextSafety.Printable(HostKeySha256, 100)}'.";
        }

        if (string.IsNullOrWhiteSpace(RemoteFolder))
        {
            yield return $"{key}:RemoteFolder is required (the server's folder of the extracts, e.g. /outgoing).";
        }

        if (ArchiveFolder is { Length: > 0 } archive && string.Equals(archive.TrimEnd('/'), RemoteFolder.TrimEnd('/'), StringComparison.Ordinal))
        {
            yield return $"{key}:ArchiveFolder must differ from RemoteFolder, both are '{TextSafety.Printable(archive, 200)}'.";
        }

        if (StableWait <= TimeSpan.Zero || StableWait > TimeSpan.FromMinutes(10))
        {
            yield return $"{key}:StableWait must be more than 0 and at most 00:10:00, got {StableWait.ToString("c", CultureInfo.InvariantCulture)}.";
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{key}:ConnectTimeout must be more than 0 and at most 00:10:00, got {ConnectTimeout.ToString("c", CultureInfo.InvariantCulture)}.";
        }

        if (OperationTimeout <= TimeSpan.Zero || OperationTimeout > TimeSpan.FromMinutes(30))
        {
            yield return $"{key}:OperationTimeout must be more than 0 and at most 00:30:00, got {OperationTimeout.ToString("c", CultureInfo.InvariantCulture)}.";
        }

        if (Attempts is < 1 or > 10)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{key}:Attempts must be between 1 and 10, got {Attempts}.");
        }

        if (FirstRetryDelay < TimeSpan.Zero || FirstRetryDelay > TimeSpan.FromMinutes(5))
        {
            yield return $"{key}:FirstRetryDelay must be between 0 and 00:05:00, got {FirstRetryDelay.ToString("c", CultureInfo.InvariantCulture)}.";
        }
    }

    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
