namespace Reporting.Jobs.Domain;

/// <summary>
/// One line of a branch's renewal follow-up log (续保跟进登记本, SPEC §2.3), about the expiring
/// policy (<see cref="InsurerCode"/>, <see cref="PolicyNo"/>).
/// </summary>
public sealed record FollowUp(
    string FollowUpId,
    string InsurerCode,
    string PolicyNo,
    string? BranchCode,
    string? AdvisorId,
    DateOnly ContactDate,
    ContactChannel Channel,
    FollowUpOutcome Outcome,
    LostReason? LostReason,
    string? Note)
{
    public PolicyKey PolicyKey => new(InsurerCode, PolicyNo);
}
