using Reporting.Jobs.Domain;

namespace Reporting.Testing.Builders;

/// <summary>Entry points for follow-up builders: <c>FollowUps.On(policy, "F1").ContactedOn(1.October(2026)).Lost(LostReason.PRICE)</c>.</summary>
public static class FollowUps
{
    /// <summary>A PHONE follow-up on <paramref name="policy"/> with outcome NO_ANSWER, by its branch and advisor.</summary>
    public static FollowUpBuilder On(Policy policy, string followUpId)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new FollowUpBuilder(followUpId, policy);
    }
}

public sealed class FollowUpBuilder
{
    private readonly string _id;
    private readonly Policy _policy;
    private DateOnly? _contact;
    private FollowUpOutcome _outcome = FollowUpOutcome.NO_ANSWER;
    private LostReason? _reason;

    internal FollowUpBuilder(string id, Policy policy)
    {
        _id = id;
        _policy = policy;
    }

    public FollowUpBuilder ContactedOn(DateOnly date)
    {
        _contact = date;
        return this;
    }

    public FollowUpBuilder Outcome(FollowUpOutcome outcome)
    {
        _outcome = outcome;
        return this;
    }

    public FollowUpBuilder Lost(LostReason? reason)
    {
        _outcome = FollowUpOutcome.LOST;
        _reason = reason;
        return this;
    }

    public FollowUp Build() => new(
        _id,
        _policy.InsurerCode,
        _policy.PolicyNo,
        _policy.BranchCode,
        _policy.AdvisorId,
        _contact ?? _policy.ExpiryDate.AddDays(-20),
        ContactChannel.PHONE,
        _outcome,
        _reason,
        null);

    public static implicit operator FollowUp(FollowUpBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Build();
    }
}
