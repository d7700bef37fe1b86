using System.Globalization;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

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

/// <summary>
/// Start-up validation of <see cref="ReferenceDataOptions"/>. The managers' addresses are the
/// recipients of personal data (the call list), so each must be one plain address; a code listed
/// twice would silently merge two branches, so it is an error.
/// </summary>
public sealed class ReferenceDataOptionsValidator : IValidateOptions<ReferenceDataOptions>
{
    private const string Root = ReferenceDataOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ReferenceDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Codes(failures, "Branches", "Code", options.Branches.Select(b => b.Code));
        Codes(failures, "Advisors", "Id", options.Advisors.Select(a => a.Id));
        Codes(failures, "Insurers", "Code", options.Insurers.Select(i => i.Code));
        for (var i = 0; i < options.Branches.Count; i++)
        {
            var emails = options.Branches[i].ManagerEmails;
            for (var j = 0; j < emails.Count; j++)
            {
                if (!EmailAddress.IsValid(emails[j]))
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:Branches:{i}:ManagerEmails:{j} '{TextSafety.Printable(emails[j])}' is not an email address"));
                }
            }
        }

        var branches = options.Branches.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Advisors.Count; i++)
        {
            var branch = options.Advisors[i].Branch;
            if (!branches.Contains(branch))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:Advisors:{i}:Branch '{TextSafety.Printable(branch)}' is not a branch code of {Root}:Branches"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every code present (not blank) and listed once.</summary>
    private static void Codes(List<string> failures, string list, string field, IEnumerable<string> codes)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var code in codes)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{Root}:{list}:{i}:{field}");
            if (string.IsNullOrWhiteSpace(code))
            {
                failures.Add($"{key} '{TextSafety.Printable(code)}' is empty; every entry needs one");
            }
            else if (first.TryGetValue(code, out var earlier))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{key} '{TextSafety.Printable(code)}' is a duplicate of {Root}:{list}:{earlier}:{field}"));
            }
            else
            {
                first[code] = i;
            }

            i++;
        }
    }
}
