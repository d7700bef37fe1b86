using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reporting.Testing.Mail;

/// <summary>
/// A throw-away self-signed certificate for <c>localhost</c> / 127.0.0.1, written as PEM files for
/// the test SMTP server; no system trusts it.
/// </summary>
public sealed record TestCertificate(string CertificateFile, string KeyFile, string Sha256)
{
    public static TestCertificate Create(string folder, string name = "relay")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost, O=Reporting tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));

        Directory.CreateDirectory(folder);
        var certificateFile = Path.Combine(folder, name + ".crt");
        var keyFile = Path.Combine(folder, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certificateFile, keyFile, Convert.ToHexString(SHA256.HashData(certificate.RawData)));
    }
}
