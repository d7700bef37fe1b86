namespace Reporting.Jobs.Domain;

/// <summary>
/// One motor policy as the run sees it: the latest version among the extracts dated on or before
/// the business date (SPEC §2.5). Empty text columns are <c>null</c>. Money is yuan, 2 dp.
/// </summary>
/// <remarks>
/// The customer's ID number is read and validated on load but never stored: no output needs it
/// (SPEC §7), so the store does not keep it.
/// </remarks>
public sealed record Policy(
    string InsurerCode,
    string PolicyNo,
    Coverage Coverage,
    BusinessType BusinessType,
    string? BranchCode,
    string? AdvisorId,
    string Vin,
    string? PlateNo,
    string? CustomerName,
    string? CustomerPhone,
    DateOnly IssueDate,
    DateOnly EffectiveDate,
    DateOnly ExpiryDate,
    decimal Premium,
    PolicyStatus Status,
    DateOnly? CancelDate,
    decimal RefundPremium)
{
    public PolicyKey Key => new(InsurerCode, PolicyNo);

    public bool IsCancelled => Status == PolicyStatus.CANCELLED;

    /// <summary>The date the policy was cancelled: <see cref="CancelDate"/> when it is <c>CANCELLED</c>, else null.</summary>
    public DateOnly? CancelledOn => IsCancelled ? CancelDate : null;
}

/// <summary>A policy is identified by (insurer, policy number): numbers are unique only within an insurer.</summary>
public readonly record struct PolicyKey(string InsurerCode, string PolicyNo);
