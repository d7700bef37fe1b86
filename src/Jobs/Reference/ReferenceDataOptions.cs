namespace Reporting.Jobs.Reference;

/// <summary>
/// The dealer group's reference data (SPEC §2.4), bound from the <c>Reference</c> section of
/// <c>config/reference.json</c>. Codes in extracts that are not listed here are loaded and
/// reported as warnings, never rejected (SPEC §2.6).
/// </summary>
public sealed class ReferenceDataOptions
{
    public const string SectionName = "Reference";

    public List<BranchOptions> Branches { get; init; } = [];

    public List<AdvisorOptions> Advisors { get; init; } = [];

    public List<InsurerOptions> Insurers { get; init; } = [];
}

/// <summary>A 4S store (门店) of the group.</summary>
public sealed class BranchOptions
{
    public string Code { get; init; } = "";

    public string Name { get; init; } = "";

    public string Region { get; init; } = "";

    public List<string> ManagerEmails { get; init; } = [];
}

/// <summary>A sales advisor or renewal specialist (销售顾问 / 续保专员) and their branch.</summary>
public sealed class AdvisorOptions
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public string Branch { get; init; } = "";
}

public sealed class InsurerOptions
{
    public string Code { get; init; } = "";

    public string Name { get; init; } = "";
}
