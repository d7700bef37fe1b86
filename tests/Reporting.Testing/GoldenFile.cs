using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Reporting.Testing;

/// <summary>
/// The golden-file check of every test: <c>NAME.verified.EXT</c> beside the test file that calls it
/// holds the expected output, compared ordinally, byte for byte (line ends included; the files are
/// checked in with LF, <c>.gitattributes</c>).
/// </summary>
public static class GoldenFile
{
    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="verifiedFileName"/> beside the calling test.
    /// A missing file is written from this output and the test fails: review it, check it in, run again;
    /// nothing is accepted silently. A difference is written to <c>NAME.received.EXT</c> beside it
    /// (ignored by git) and fails the test; a passing run deletes a stale one.
    /// </summary>
    public static void Verify(string actual, string verifiedFileName, [CallerFilePath] string testFile = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (!verifiedFileName.Contains(".verified.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"A golden file is named NAME.verified.EXT; got {verifiedFileName}.", nameof(verifiedFileName));
        }

        var verified = Path.Combine(Path.GetDirectoryName(testFile)!, verifiedFileName);
        var received = Path.Combine(Path.GetDirectoryName(verified)!, verifiedFileName.Replace(".verified.", ".received.", StringComparison.Ordinal));
        if (!File.Exists(verified))
        {
            File.WriteAllText(verified, actual);
            Assert.Fail($"{verifiedFileName} did not exist; it is now written from this output. Review it, check it in, and run again.");
        }

        var expected = File.ReadAllText(verified);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            File.WriteAllText(received, actual);
            Assert.That(actual, Is.EqualTo(expected), $"The output differs from {verifiedFileName}; it is written to {Path.GetFileName(received)} beside it. If the change is intended, replace the verified file with it.");
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }
    }
}
