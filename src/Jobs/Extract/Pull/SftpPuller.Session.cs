using System.Net.Sockets;
using System.Security.Cryptography;
using Polly;
using Polly.Retry;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract.Pull;

/// <summary>The connection side of a pull: one SFTP session (connect, pin the host key, list, read, retry) and the stream that hashes a download as it arrives.</summary>
public sealed partial class SftpPuller
{
    /// <summary>
    /// One connection to the server, made when first needed and again after it drops, with the
    /// host key check, the timeouts and the retries; and the messages, without secrets.
    /// </summary>
    private sealed class Session(SftpPuller puller, SourceOptions source, SftpPullOptions options) : IAsyncDisposable
    {
        private readonly ResiliencePipeline _retry = Retry(options, puller.Time);
        private SftpClient? _client;
        private string? _mismatch;

        public string Endpoint => options.Endpoint;

        public DateTimeOffset Now => puller.Time.GetUtcNow();

        public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
            _retry.ExecuteAsync(async token => await action(token), cancellationToken).AsTask();

        public async Task<IReadOnlyList<ISftpFile>> ListAsync(CancellationToken cancellationToken)
        {
            var client = await ClientAsync(cancellationToken);
            var files = new List<ISftpFile>();
            await foreach (var file in client.ListDirectoryAsync(options.RemoteFolder, cancellationToken))
            {
                files.Add(file);
            }

            return files;
        }

        public async Task<SftpClient> ClientAsync(CancellationToken cancellationToken)
        {
            if (_client is { IsConnected: true })
            {
                return _client;
            }

            _client?.Dispose();
            _client = null;
            var methods = new List<AuthenticationMethod>();
            if (!string.IsNullOrWhiteSpace(options.PrivateKeyFile))
            {
                methods.Add(new PrivateKeyAuthenticationMethod(options.UserName, ReadKey()));
            }

            if (!string.IsNullOrEmpty(options.Password))
            {
                methods.Add(new PasswordAuthenticationMethod(options.UserName, options.Password));
            }

            var info = new ConnectionInfo(options.Host, options.Port, options.UserName, [.. methods]) { Timeout = options.ConnectTimeout };
            var client = new SftpClient(info) { OperationTimeout = options.OperationTimeout };
            var expected = SftpPullOptions.NormalizeFingerprint(options.HostKeySha256);
            _mismatch = null;
            client.HostKeyReceived += (_, e) =>
            {
                var received = SftpPullOptions.NormalizeFingerprint(e.FingerPrintSHA256);
                e.CanTrust = string.Equals(received, expected, StringComparison.Ordinal);
                if (!e.CanTrust)
                {
                    _mismatch = received;
                }
            };
            try
            {
                await client.ConnectAsync(cancellationToken);
            }
            catch (Exception) when (_mismatch is { } received)
            {
                client.Dispose();
                throw new PullException(
                    $"the server's host key is SHA256:{received}, not the SHA256:{expected} of {SourcesOptions.SectionName}:{source.Name}:Pull:Sftp:HostKeySha256; " +
                    "nothing was read. If the insurer changed the key, check the new fingerprint with them and set HostKeySha256 to it");
            }
            catch
            {
                client.Dispose();
                throw;
            }

            _client = client;
            return client;
        }

        private PrivateKeyFile ReadKey()
        {
            var path = Path.GetFullPath(Path.Combine(puller.Home, options.PrivateKeyFile!));
            if (!File.Exists(path))
            {
                throw new PullException($"the private key file {Shown(path)} (PrivateKeyFile) does not exist");
            }

            try
            {
                return string.IsNullOrEmpty(options.PrivateKeyPassphrase) ? new PrivateKeyFile(path) : new PrivateKeyFile(path, options.PrivateKeyPassphrase);
            }
            catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or CryptographicException)
            {
                throw new PullException($"cannot read the private key file {Shown(path)}: {Redact(ex.Message)}");
            }
        }

        /// <summary>The cause of a failure as a message may show it: the exception's own words, never a secret.</summary>
        public string Describe(Exception ex) => ex switch
        {
            PullException => Redact(ex.Message),
            SshAuthenticationException => $"the login as {Shown(options.UserName)} was refused: {Redact(ex.Message)}",
            SshOperationTimeoutException or TimeoutException => $"timed out: {Redact(ex.Message)}",
            SocketException socket => $"cannot connect: {Redact(socket.Message)} ({socket.SocketErrorCode})",
            SftpPathNotFoundException => $"not found on the server: {Redact(ex.Message)}",
            SftpPermissionDeniedException => $"permission denied on the server: {Redact(ex.Message)}",
            _ => $"{Redact(ex.Message)} ({ex.GetType().Name})",
        };

        private string Redact(string message)
        {
            var text = message;
            foreach (var secret in new[] { options.Password, options.PrivateKeyPassphrase })
            {
                if (!string.IsNullOrEmpty(secret))
                {
                    text = text.Replace(secret, "***", StringComparison.Ordinal);
                }
            }

            return TextSafety.Printable(text, 300);
        }

        /// <summary>Transient causes are retried with exponential backoff; a refused login, a wrong host key or a missing folder are not.</summary>
        private static ResiliencePipeline Retry(SftpPullOptions options, TimeProvider time)
        {
            var builder = new ResiliencePipelineBuilder { TimeProvider = time };
            if (options.Attempts > 1)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.Attempts - 1,
                    Delay = options.FirstRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    ShouldHandle = new PredicateBuilder()
                        .Handle<SocketException>()
                        .Handle<SshConnectionException>()
                        .Handle<SshOperationTimeoutException>()
                        .Handle<TimeoutException>()
                        .Handle<ProxyException>(),
                });
            }

            return builder.Build();
        }

        public ValueTask DisposeAsync()
        {
            _client?.Dispose();
            _client = null;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A write-only stream that counts and hashes what passes through it to the file.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            _hash.AppendData(buffer, offset, count);
            _length += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span);
            _length += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
