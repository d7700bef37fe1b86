// SPEC §3.2 Conversion by expiry window (分时段转化), read with §3.7: atRisk, converted, contacted, rate, cumulative.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>How one cohort policy counts in one window.</summary>
/// <remarks>
/// <para><c>Begun</c>: The window has begun: <c>P.expiry_date - W.upper &lt;= D</c>.</para>
/// <para><c>AtRisk</c>: Begun, and not renewed with a lead above W's upper bound.</para>
/// <para><c>Converted</c>: Renewed with a lead inside W.</para>
/// <para><c>Contacted</c>: At risk, with a follow-up on P whose lead (<c>P.expiry_date - contact_date</c>) is inside W.</para>
/// <para><c>Cumulative</c>: Renewed with a lead at or above W's lower bound (counts over <c>due</c>).</para>
/// </remarks>
public sealed record WindowVerdict(
    PolicyKey Policy,
    string Branch,
    string Window,
    bool Begun,
    bool AtRisk,
    bool Converted,
    bool Contacted,
    bool Cumulative);

/// <summary>One row of the conversion section of SPEC §4.1.</summary>
public sealed record ConversionRow(
    string Branch,
    string Window,
    int AtRisk,
    int Converted,
    int Contacted,
    decimal? Rate,
    decimal? Cumulative);

/// <summary>Conversion of the cohort by the lead of its renewals, window by window.</summary>
/// <remarks>
/// <para>With the default windows, P expiring 2026-10-31 renewed by a Q issued 2026-09-30 has
/// lead 31: converted in <c>W45</c> (31 … 45); at risk in <c>W90</c>, <c>W60</c> and <c>W45</c> (it was
/// still unrenewed when each began); not at risk in <c>W30</c> or <c>W0</c> (renewed with a lead above
/// their upper bounds).
/// A lead of 91 is <c>EARLY</c>: at risk nowhere, converted nowhere, but in every window's
/// <c>cumulative</c>. A lead of −31 (below <c>W0</c>) is renewed and in no window at all.</para>
/// <para><c>W30</c> (upper 30) begins for that P on 2026-10-01 (2026-10-31 − 30): as of 2026-09-30
/// it is not yet at risk there, as of 2026-10-01 it is.</para>
/// </remarks>
public static class ExpiryWindowConversion
{
    /// <summary>The label of a renewal whose lead is above the top window; never a row.</summary>
    public const string Early = "EARLY";

    /// <summary>The name of the window holding <paramref name="leadDays"/>, <see cref="Early"/>, or <c>null</c>.</summary>
    public static string? WindowOf(int leadDays, IReadOnlyList<ExpiryWindowOptions> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count > 0 && leadDays > windows.Max(w => w.UpperDays))
        {
            return Early;
        }

        return windows.FirstOrDefault(w => w.Contains(leadDays))?.Name;
    }

    /// <summary>Every cohort policy against every window, in the verdicts' order then window order.</summary>
    public static IReadOnlyList<WindowVerdict> Evaluate(
        IEnumerable<RenewalVerdict> verdicts,
        IEnumerable<FollowUp> followUps,
        DateOnly asOf,
        IReadOnlyList<ExpiryWindowOptions> windows)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(followUps);
        ArgumentNullException.ThrowIfNull(windows);
        var contacts = followUps.ToLookup(f => f.PolicyKey);
        var lines = new List<WindowVerdict>();
        foreach (var verdict in verdicts)
        {
            var p = verdict.Expiring;
            var contactLeads = contacts[p.Key].Select(f => RenewalMatching.LeadDays(p, f.ContactDate)).ToList();
            foreach (var window in windows)
            {
                var begun = p.ExpiryDate.AddDays(-window.UpperDays) <= asOf;
                var renewedAbove = verdict.IsRenewed && verdict.LeadDays > window.UpperDays;
                var atRisk = begun && !renewedAbove;
                lines.Add(new WindowVerdict(
                    p.Key,
                    verdict.Branch,
                    window.Name,
                    begun,
                    atRisk,
                    Converted: verdict.IsRenewed && window.Contains(verdict.LeadDays!.Value),
                    Contacted: atRisk && contactLeads.Exists(window.Contains),
                    Cumulative: verdict.IsRenewed && verdict.LeadDays >= window.LowerDays));
            }
        }

        return lines;
    }

    /// <summary>
    /// The conversion rows of SPEC §4.1: every window for the group (<c>*</c>) always, and for
    /// each branch with a cohort; ordered by branch (ordinal, <c>*</c> first) then window order.
    /// </summary>
    public static IReadOnlyList<ConversionRow> Rollup(
        IReadOnlyCollection<RenewalVerdict> verdicts,
        IEnumerable<WindowVerdict> lines,
        IReadOnlyList<ExpiryWindowOptions> windows)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(windows);
        var due = verdicts
            .GroupBy(v => v.Branch, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        due[MetricsKeys.All] = verdicts.Count;
        var counts = new Dictionary<(string Branch, string Window), int[]>();
        foreach (var line in lines)
        {
            Count(counts, (line.Branch, line.Window), line);
            Count(counts, (MetricsKeys.All, line.Window), line);
        }

        var rows = new List<ConversionRow>();
        foreach (var branch in due.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var window in windows)
            {
                var c = counts.GetValueOrDefault((branch, window.Name)) ?? new int[4];
                rows.Add(new ConversionRow(
                    branch,
                    window.Name,
                    AtRisk: c[0],
                    Converted: c[1],
                    Contacted: c[2],
                    Rate: Rounding.Rate(c[1], c[0]),
                    Cumulative: Rounding.Rate(c[3], due[branch])));
            }
        }

        return rows;
    }

    private static void Count(Dictionary<(string, string), int[]> counts, (string, string) key, WindowVerdict line)
    {
        if (!counts.TryGetValue(key, out var c))
        {
            c = new int[4];
            counts[key] = c;
        }

        c[0] += line.AtRisk ? 1 : 0;
        c[1] += line.Converted ? 1 : 0;
        c[2] += line.Contacted ? 1 : 0;
        c[3] += line.Cumulative ? 1 : 0;
    }
}
