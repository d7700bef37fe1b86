namespace Reporting.Jobs.Domain;

/// <summary>
/// One claim as the run sees it (SPEC §2.2). <see cref="RepairBranchCode"/> is the branch whose
/// workshop repaired the car (<c>null</c> = elsewhere); <see cref="Referred"/> is 推荐送修.
/// </summary>
public sealed record Claim(
    string InsurerCode,
    string ClaimNo,
    string PolicyNo,
    string Vin,
    DateOnly LossDate,
    DateOnly ReportDate,
    string? RepairBranchCode,
    bool Referred,
    decimal AssessedAmount,
    decimal PaidAmount,
    ClaimStatus Status,
    DateOnly? CloseDate)
{
    /// <summary>The policy the claim is made on, keyed like <see cref="Policy.Key"/>.</summary>
    public PolicyKey PolicyKey => new(InsurerCode, PolicyNo);
}
