using Reporting.Jobs.Domain;

namespace Reporting.Testing.Builders;

/// <summary>
/// Entry points for policy builders:
/// <c>Policies.Commercial("P1").ExpiringOn(31.October(2026)).SoldBy("B01").Build()</c>.
/// </summary>
public static class Policies
{
    /// <summary>An ACTIVE COMMERCIAL RENEWAL policy of PICC, sold by B01, premium 3 000.00, one year from 2025-11-01.</summary>
    public static PolicyBuilder Commercial(string policyNo) => new(policyNo, Coverage.COMMERCIAL);

    /// <summary>As <see cref="Commercial"/>, for CTPL.</summary>
    public static PolicyBuilder Ctpl(string policyNo) => new(policyNo, Coverage.CTPL);

    /// <summary>
    /// A continuous renewal of <paramref name="expiring"/>: same VIN, coverage, insurer, branch and
    /// advisor, effective the day after its expiry, issued 10 days before its expiry.
    /// </summary>
    public static PolicyBuilder RenewalOf(Policy expiring, string policyNo)
    {
        ArgumentNullException.ThrowIfNull(expiring);
        return new PolicyBuilder(policyNo, expiring.Coverage)
            .Insurer(expiring.InsurerCode)
            .ForVin(expiring.Vin)
            .SoldBy(expiring.BranchCode, expiring.AdvisorId)
            .EffectiveOn(expiring.ExpiryDate.AddDays(1))
            .IssuedOn(expiring.ExpiryDate.AddDays(-10));
    }
}

/// <summary>A readable, mutable builder of one <see cref="Policy"/>; dates not set follow from those set.</summary>
public sealed class PolicyBuilder
{
    private readonly string _policyNo;
    private readonly Coverage _coverage;
    private string _insurer = "PICC";
    private BusinessType _businessType = BusinessType.RENEWAL;
    private string? _branch = "B01";
    private string? _advisor;
    private string? _vin;
    private DateOnly? _issue;
    private DateOnly? _effective;
    private DateOnly? _expiry;
    private decimal _premium = 3000m;
    private DateOnly? _cancelDate;
    private decimal _refund;

    internal PolicyBuilder(string policyNo, Coverage coverage)
    {
        _policyNo = policyNo;
        _coverage = coverage;
    }

    public PolicyBuilder Insurer(string insurerCode)
    {
        _insurer = insurerCode;
        return this;
    }

    /// <summary>Sold by <paramref name="branch"/> (null = not through the group), credited to <paramref name="advisor"/>.</summary>
    public PolicyBuilder SoldBy(string? branch, string? advisor = null)
    {
        _branch = branch;
        _advisor = advisor;
        return this;
    }

    public PolicyBuilder NotSoldByGroup() => SoldBy(null, _advisor);

    public PolicyBuilder Advisor(string? advisorId)
    {
        _advisor = advisorId;
        return this;
    }

    public PolicyBuilder ForVin(string vin)
    {
        _vin = vin;
        return this;
    }

    public PolicyBuilder IssuedOn(DateOnly date)
    {
        _issue = date;
        return this;
    }

    /// <summary>Cover from <paramref name="date"/>; unless set, expiry is one year later less a day.</summary>
    public PolicyBuilder EffectiveOn(DateOnly date)
    {
        _effective = date;
        return this;
    }

    /// <summary>Cover to <paramref name="date"/>; unless set, effective is one year earlier plus a day.</summary>
    public PolicyBuilder ExpiringOn(DateOnly date)
    {
        _expiry = date;
        return this;
    }

    public PolicyBuilder Premium(decimal premium)
    {
        _premium = premium;
        return this;
    }

    public PolicyBuilder NewCar() => Business(BusinessType.NEW_CAR);

    public PolicyBuilder Business(BusinessType businessType)
    {
        _businessType = businessType;
        return this;
    }

    public PolicyBuilder CancelledOn(DateOnly date, decimal refund = 0m)
    {
        _cancelDate = date;
        _refund = refund;
        return this;
    }

    public Policy Build()
    {
        var effective = _effective ?? (_expiry is { } x ? x.AddYears(-1).AddDays(1) : new DateOnly(2025, 11, 1));
        var expiry = _expiry ?? effective.AddYears(1).AddDays(-1);
        var issue = _issue ?? effective.AddDays(-7);
        var vin = _vin ?? ("LVIN" + _policyNo).PadRight(17, '0')[..17];
        return new Policy(
            _insurer,
            _policyNo,
            _coverage,
            _businessType,
            _branch,
            _advisor,
            vin,
            "粤B12345",
            "张三",
            "13812341234",
            issue,
            effective,
            expiry,
            _premium,
            _cancelDate is null ? PolicyStatus.ACTIVE : PolicyStatus.CANCELLED,
            _cancelDate,
            _refund);
    }

    public static implicit operator Policy(PolicyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Build();
    }
}
