using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Delivery;

/// <summary>
/// SMTP through MailKit: host, port, security, credentials, timeout and trusted certificate from
/// <see cref="SmtpOptions"/>. One connection per batch (a run's messages): connected at the first
/// message, reused, reconnected once if the server dropped it while idle, closed with QUIT at the end.
/// </summary>
public sealed class SmtpMailTransport : IMailTransport
{
    private readonly DeliveryOptions _options;
    private readonly byte[]? _trustedSha256;
    private readonly ILogger _logger;

    /// <param name="options">The delivery options.</param>
    /// <param name="home">The home folder a relative <see cref="SmtpOptions.TrustedCertificate"/> file is resolved against.</param>
    /// <param name="logger">Connections and their failures, never the password.</param>
    public SmtpMailTransport(DeliveryOptions options, string? home = null, ILogger<SmtpMailTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _trustedSha256 = TrustedThumbprint(options.Smtp.TrustedCertificate, home ?? Directory.GetCurrentDirectory());
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private SmtpOptions Smtp => _options.Smtp;

    public string Describe() => $"smtp://{Endpoint} ({Smtp.EffectiveSecurity})";

    public IMailBatch OpenBatch() => new Batch(this);

    /// <summary><c>host:port</c> of the server, escaped for messages.</summary>
    private string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{TextSafety.Printable(Smtp.Host, 256)}:{Smtp.Port}");

    /// <summary>
    /// The SHA-256 of the certificate <c>Delivery:Smtp:TrustedCertificate</c> names: given as a
    /// thumbprint, or read from a PEM or DER file.
    /// </summary>
    public static byte[]? TrustedThumbprint(string? setting, string home)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        var hex = setting.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        if (hex.Length == 64 && hex.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(hex);
        }

        var path = Path.GetFullPath(Path.Combine(home, setting));
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            return SHA256.HashData(certificate.RawData);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException(
                $"Delivery:Smtp:TrustedCertificate is neither a SHA-256 thumbprint (64 hex digits) nor a readable certificate file: {TextSafety.Printable(path, 256)} ({TextSafety.Printable(ex.Message, 200)})", ex);
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.Auto,
    };

    private sealed class Batch(SmtpMailTransport transport) : IMailBatch
    {
        private SmtpClient? _client;
        private SslPolicyErrors _certificateErrors;

        public async Task SendAsync(string key, MimeMessage message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (string.IsNullOrWhiteSpace(transport.Smtp.Host))
            {
                throw new InvalidOperationException("Delivery:Smtp:Host is not set (Delivery:Mode is Smtp)");
            }

            for (var attempt = 1; ; attempt++)
            {
                var reused = _client is not null;
                try
                {
                    var client = await ConnectedAsync(cancellationToken);
                    await client.SendAsync(MailComposer.Format, message, cancellationToken);
                    return;
                }
                catch (Exception ex) when (IsMailFailure(ex))
                {
                    Drop();
                    if (reused && attempt == 1 && IsConnectionLost(ex))
                    {
                        // An idle connection the server closed between two messages: connect afresh.
                        transport._logger.LogInformation("smtp://{Endpoint}: the server closed the connection; reconnecting", transport.Endpoint);
                        continue;
                    }

                    throw new MailDeliveryException($"SMTP {transport.Endpoint}: {Cause(ex, _certificateErrors)}", IsTransient(ex), ex);
                }
            }
        }

        private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
        {
            if (_client is { IsConnected: true } open)
            {
                return open;
            }

            Drop();
            var smtp = transport.Smtp;
            var client = new SmtpClient
            {
                Timeout = checked((int)Math.Min(smtp.Timeout.TotalMilliseconds, int.MaxValue)),
                ServerCertificateValidationCallback = Validate,
            };
            _client = client;
            _certificateErrors = SslPolicyErrors.None;
            await client.ConnectAsync(smtp.Host, smtp.Port, SocketOptions(smtp.EffectiveSecurity), cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }

            transport._logger.LogDebug("smtp://{Endpoint}: connected ({Security}, TLS {Tls})", transport.Endpoint, smtp.EffectiveSecurity, client.IsSecure);
            return client;
        }

        /// <summary>The system's validation; a certificate pinned by <c>TrustedCertificate</c> passes whatever the system says.</summary>
        private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            _certificateErrors = errors;
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            return transport._trustedSha256 is { } trusted && certificate is not null
                && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), trusted);
        }

        /// <summary>Closes the connection without QUIT (it failed, or it is being replaced).</summary>
        private void Drop()
        {
            _client?.Dispose();
            _client = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is { IsConnected: true } client)
            {
                try
                {
                    await client.DisconnectAsync(quit: true);
                }
                catch (Exception ex) when (IsMailFailure(ex))
                {
                    // The messages are sent; a QUIT that fails changes nothing about them.
                    transport._logger.LogDebug(ex, "smtp://{Endpoint}: QUIT failed", transport.Endpoint);
                }
            }

            Drop();
        }
    }

    private static bool IsMailFailure(Exception ex) =>
        ex is IOException or SocketException or TimeoutException or ProtocolException or CommandException or SslHandshakeException
            or MailKit.Security.AuthenticationException or System.Security.Authentication.AuthenticationException
            or ServiceNotConnectedException or ServiceNotAuthenticatedException or NotSupportedException;

    private static bool IsConnectionLost(Exception ex) =>
        ex is ServiceNotConnectedException or IOException or SocketException or SmtpProtocolException
            || (ex is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable });

    private static bool IsTransient(Exception ex) => ex switch
    {
        SmtpCommandException command => (int)command.StatusCode < 500,
        SslHandshakeException => false,
        MailKit.Security.AuthenticationException => false,
        NotSupportedException => false,
        _ => true,
    };

    /// <summary>
    /// The cause a person can act on: the socket error (connection refused, timed out, host not
    /// found), a TLS failure with the certificate's problem, a rejected login, or the server's reply
    /// with its status code.
    /// </summary>
    public static string Cause(Exception exception, SslPolicyErrors certificateErrors = SslPolicyErrors.None)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = new List<Exception>();
        for (var e = exception; e is not null && chain.Count < 16; e = e.InnerException)
        {
            chain.Add(e);
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => "the server closed the connection",
                var other => "socket error " + other,
            };
        }

        if (chain.OfType<TimeoutException>().Any())
        {
            return "timed out (Delivery:Smtp:Timeout)";
        }

        if (chain.OfType<SslHandshakeException>().Any() || chain.OfType<System.Security.Authentication.AuthenticationException>().Any())
        {
            return certificateErrors != SslPolicyErrors.None
                ? $"TLS handshake failed: the server's certificate is not trusted ({certificateErrors}); a private relay's certificate can be trusted with Delivery:Smtp:TrustedCertificate"
                : "TLS handshake failed (" + TextSafety.Printable(chain[^1].Message, 200) + ")";
        }

        if (chain.OfType<MailKit.Security.AuthenticationException>().FirstOrDefault() is { } login)
        {
            return "authentication failed for Delivery:Smtp:UserName (" + TextSafety.Printable(login.Message, 200) + ")";
        }

        if (chain.OfType<SmtpCommandException>().FirstOrDefault() is { } command)
        {
            return string.Create(CultureInfo.InvariantCulture, $"server replied {(int)command.StatusCode} {command.StatusCode}: {TextSafety.Printable(command.Message, 200)}");
        }

        if (chain.OfType<ServiceNotConnectedException>().Any() || chain.OfType<SmtpProtocolException>().Any() && exception.Message.Contains("disconnect", StringComparison.OrdinalIgnoreCase))
        {
            return "the server closed the connection";
        }

        return TextSafety.Printable(chain[^1].Message, 200);
    }
}
