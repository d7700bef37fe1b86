// SPEC §3.6 Lost reasons (战败原因), read with §3.7: lapsed cohort policies by the reason of their last LOST follow-up.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>A lapsed cohort policy and the reason it is counted under.</summary>
/// <remarks>
/// <para><c>Reason</c>: A <see cref="LostReason"/> name, <c>NOT_CONTACTED</c> or <c>NO_REASON</c>.</para>
/// <para><c>LastLost</c>: The follow-up the reason comes from, if any.</para>
/// </remarks>
public sealed record LostReasonVerdict(Policy Policy, string Reason, FollowUp? LastLost)
{
    public string Branch => Policy.BranchCode!;
}

/// <summary>One row of the lostReasons section of SPEC §4.1.</summary>
public sealed record LostReasonRow(string Branch, string Reason, int Count);

/// <summary>Why the cohort's lapsed policies were lost, per branch.</summary>
/// <remarks>
/// <para>A lapsed policy with follow-ups LOST/PRICE on 2026-10-20 (id F2), LOST/VEHICLE_SOLD on
/// 2026-10-20 (id F1) and QUOTED on 2026-10-25 counts under PRICE: the last LOST follow-up is the
/// latest by <c>contact_date</c>, then by <c>followup_id</c> (F2 after F1), whatever followed it.</para>
/// <para>With follow-ups but none LOST it counts under NO_REASON; with no follow-up at all, under
/// NOT_CONTACTED. Lapsed is as of the business date, so the rows exist before the cohort closes.</para>
/// </remarks>
public static class LostReasons
{
    public const string NotContacted = "NOT_CONTACTED";

    public const string NoReason = "NO_REASON";

    /// <summary>The order of reasons in the rows: SPEC §2.3's list, then the two of §3.6.</summary>
    public static IReadOnlyList<string> Order { get; } =
        [.. Enum.GetNames<LostReason>(), NotContacted, NoReason];

    /// <summary>The reason of every lapsed verdict, in the verdicts' order.</summary>
    public static IReadOnlyList<LostReasonVerdict> Evaluate(IEnumerable<RenewalVerdict> verdicts, IEnumerable<FollowUp> followUps)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(followUps);
        var byPolicy = followUps.ToLookup(f => f.PolicyKey);
        return verdicts
            .Where(v => v.Status == RenewalStatus.Lapsed)
            .Select(v =>
            {
                var contacts = byPolicy[v.Expiring.Key].ToList();
                if (contacts.Count == 0)
                {
                    return new LostReasonVerdict(v.Expiring, NotContacted, null);
                }

                var lastLost = contacts
                    .Where(f => f.Outcome == FollowUpOutcome.LOST)
                    .OrderByDescending(f => f.ContactDate)
                    .ThenByDescending(f => f.FollowUpId, StringComparer.Ordinal)
                    .FirstOrDefault();
                return lastLost?.LostReason is { } reason
                    ? new LostReasonVerdict(v.Expiring, reason.ToString(), lastLost)
                    : new LostReasonVerdict(v.Expiring, NoReason, lastLost);
            })
            .ToList();
    }

    /// <summary>Rows per branch and reason with a count above 0; by branch (ordinal) then <see cref="Order"/>.</summary>
    public static IReadOnlyList<LostReasonRow> Rollup(IEnumerable<LostReasonVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        return verdicts
            .GroupBy(v => (v.Branch, v.Reason))
            .OrderBy(g => g.Key.Branch, StringComparer.Ordinal)
            .ThenBy(g => IndexOf(g.Key.Reason))
            .Select(g => new LostReasonRow(g.Key.Branch, g.Key.Reason, g.Count()))
            .ToList();
    }

    private static int IndexOf(string reason)
    {
        for (var i = 0; i < Order.Count; i++)
        {
            if (string.Equals(Order[i], reason, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return Order.Count;
    }
}
