
using Reporting.Jobs.Domain;

namespace Reporting.Testing.Extracts;

/// <summary>
/// Canonical extract lines for tests, every field a string so a test can break any of them:
/// <c>CanonicalCsv.Policy("P1", premium: "-1.00")</c>.
/// </summary>
public static class CanonicalCsv
{
    public static string PolicyHeader => string.Join(",", CanonicalColumns.Policies);

    public static string ClaimHeader => string.Join(",", CanonicalColumns.Claims);

    public static string FollowUpHeader => string.Join(",", CanonicalColumns.FollowUps);

    public static string Policy(
        string policyNo,
        string insurer = "PICC",
        string coverage = "COMMERCIAL",
        string businessType = "RENEWAL",
        string branch = "B01",
        string advisor = "A001",
        string vin = "LSVAB1234567890AB",
        string plate = "粤B12345",
        string name = "张三",
        string phone = "13800001234",
        string idNo = "440301199001011234",
        string issue = "2026-10-01",
        string effective = "2026-10-02",
        string expiry = "2027-10-01",
        string premium = "3500.00",
        string status = "ACTIVE",
        string cancel = "",
        string refund = "") =>
        string.Join(",", policyNo, insurer, coverage, businessType, branch, advisor, vin, plate, name, phone, idNo, issue, effective, expiry, premium, status, cancel, refund);

    public static string Claim(
        string claimNo,
        string insurer = "PICC",
        string policyNo = "P1",
        string vin = "LSVAB1234567890AB",
        string loss = "2026-10-03",
        string report = "2026-10-04",
        string repairBranch = "B01",
        string referred = "Y",
        string assessed = "5000.00",
        string paid = "0.00",
        string status = "OPEN",
        string close = "") =>
        string.Join(",", claimNo, insurer, policyNo, vin, loss, report, repairBranch, referred, assessed, paid, status, close);

    public static string FollowUp(
        string id,
        string insurer = "PICC",
        string policyNo = "P1",
        string branch = "B01",
        string advisor = "A001",
        string contact = "2026-09-01",
        string channel = "PHONE",
        string outcome = "QUOTED",
        string lostReason = "",
        string note = "") =>
        string.Join(",", id, insurer, policyNo, branch, advisor, contact, channel, outcome, lostReason, note);

    /// <summary>A whole file: header, then lines, each ended by <paramref name="newline"/>.</summary>
    public static string File(string header, IEnumerable<string> lines, string newline = "\n") =>
        string.Concat(new[] { header }.Concat(lines).Select(l => l + newline));

    public static string Policies(params string[] lines) => File(PolicyHeader, lines);
}
