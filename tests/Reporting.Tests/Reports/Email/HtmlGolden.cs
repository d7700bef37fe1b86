using System.Runtime.CompilerServices;

namespace Reporting.Tests.Reports.Email;

/// <summary>Golden files for rendered emails: <c>*.verified.html</c> beside the test that renders them.</summary>
internal static class HtmlGolden
{
    /// <summary>
    /// Compares with the verified file beside the calling test. A missing file is written (the rendering,
    /// to review and check in) and the test fails: nothing is ever accepted silently. A difference is
    /// written to <c>*.received.html</c> beside it.
    /// </summary>
    public static void Verify(string html, string fileName, [CallerFilePath] string testFile = "")
    {
        var verified = Path.Combine(Path.GetDirectoryName(testFile)!, fileName);
        if (!File.Exists(verified))
        {
            File.WriteAllText(verified, html);
            Assert.Fail($"{fileName} did not exist; it is now written from this rendering. Review it, check it in, and run again.");
        }

        var expected = File.ReadAllText(verified).ReplaceLineEndings("\n");
        var received = Path.ChangeExtension(verified, ".received.html");
        if (expected != html)
        {
            File.WriteAllText(received, html);
            Assert.That(html, Is.EqualTo(expected), $"The rendering differs from {fileName}; it is written to {Path.GetFileName(received)} for comparison.");
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }
    }
}
