using Reporting.Jobs.Domain;

namespace Reporting.Testing.Builders;

/// <summary>Entry points for claim builders: <c>Claims.On(policy, "C1").ReportedOn(10.October(2026)).Referred().To("B01")</c>.</summary>
public static class Claims
{
    /// <summary>An OPEN, not referred claim on <paramref name="policy"/>, repaired elsewhere, assessed 1 000.00.</summary>
    public static ClaimBuilder On(Policy policy, string claimNo)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new ClaimBuilder(policy.InsurerCode, claimNo, policy.PolicyNo, policy.Vin);
    }

    /// <summary>A claim on a policy the store does not hold.</summary>
    public static ClaimBuilder OnUnknownPolicy(string insurerCode, string policyNo, string claimNo) =>
        new(insurerCode, claimNo, policyNo, "LUNKNOWN000000000");
}

public sealed class ClaimBuilder
{
    private readonly string _insurer;
    private readonly string _claimNo;
    private readonly string _policyNo;
    private readonly string _vin;
    private DateOnly _reported = new(2026, 10, 10);
    private string? _repairBranch;
    private bool _referred;
    private decimal _assessed = 1000m;
    private ClaimStatus _status = ClaimStatus.OPEN;

    internal ClaimBuilder(string insurer, string claimNo, string policyNo, string vin)
    {
        _insurer = insurer;
        _claimNo = claimNo;
        _policyNo = policyNo;
        _vin = vin;
    }

    public ClaimBuilder ReportedOn(DateOnly date)
    {
        _reported = date;
        return this;
    }

    /// <summary>Repaired at <paramref name="branch"/>'s workshop (null = elsewhere).</summary>
    public ClaimBuilder RepairedAt(string? branch)
    {
        _repairBranch = branch;
        return this;
    }

    /// <summary>Referred by the insurer (推荐送修) to <paramref name="branch"/>'s workshop.</summary>
    public ClaimBuilder ReferredTo(string branch)
    {
        _referred = true;
        return RepairedAt(branch);
    }

    public ClaimBuilder Assessed(decimal amount)
    {
        _assessed = amount;
        return this;
    }

    public ClaimBuilder Withdrawn() => Status(ClaimStatus.WITHDRAWN);

    public ClaimBuilder Status(ClaimStatus status)
    {
        _status = status;
        return this;
    }

    public Claim Build() => new(
        _insurer,
        _claimNo,
        _policyNo,
        _vin,
        _reported.AddDays(-2),
        _reported,
        _repairBranch,
        _referred,
        _assessed,
        0m,
        _status,
        _status == ClaimStatus.CLOSED ? _reported.AddDays(20) : null);

    public static implicit operator Claim(ClaimBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Build();
    }
}
