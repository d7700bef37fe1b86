using Reporting.Testing;

namespace Reporting.Tests.Reports.Email;

/// <summary>
/// The rendered HTML of the monthly emails and an ops alert: golden files (<c>*.verified.html</c>
/// beside this file). The morning emails' are in <c>Reports/MorningEmail</c>.
/// </summary>
public sealed class EmailGoldenTests
{
    [TestCase(EmailSamples.ReviewBranch, "RenewalReviewBranch.verified.html")]
    [TestCase(EmailSamples.ReviewGroup, "RenewalReviewGroup.verified.html")]
    [TestCase(EmailSamples.Commission, "CommissionEmail.verified.html")]
    [TestCase(EmailSamples.OpsAlert, "OpsAlert.verified.html")]
    public async Task The_email_renders_as_verified(string email, string verified) =>
        GoldenFile.Verify(await EmailSamples.RenderAsync(email), verified);
}
