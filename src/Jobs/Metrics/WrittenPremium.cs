// SPEC §3.3 written premium (签单保费), shared by §3.4: premium issued in a period less refunds of cancellations in it.
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>Written premium per (branch, insurer, month), over both coverages.</summary>
/// <remarks>
/// A branch that sells 10 000.00 with an insurer in October and cancels in October a policy sold in
/// August with a refund of 12 000.00 has written −2 000.00 in October: written premium may be
/// negative. A policy sold and cancelled in the same month counts its premium and its refund.
/// Policies without a branch are nobody's written premium.
/// </remarks>
public sealed class WrittenPremiumLedger
{
    private readonly Dictionary<(string Branch, string Insurer, BusinessMonth Month), decimal> _byMonth;

    private WrittenPremiumLedger(Dictionary<(string, string, BusinessMonth), decimal> byMonth) => _byMonth = byMonth;

    /// <summary>The ledger of the monthly sums of <see cref="BranchMonthTotals"/>: issued premium less refunds.</summary>
    public static WrittenPremiumLedger From(IEnumerable<BranchMonthTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var byMonth = new Dictionary<(string, string, BusinessMonth), decimal>();
        foreach (var t in totals)
        {
            Add(byMonth, (t.Branch, t.Insurer, t.Month), t.IssuedPremium - t.CancelledRefund);
        }

        return new WrittenPremiumLedger(byMonth);
    }

    /// <summary>Written premium of <paramref name="branch"/> with <paramref name="insurer"/> in <paramref name="month"/>.</summary>
    public decimal For(string branch, string insurer, BusinessMonth month) =>
        _byMonth.GetValueOrDefault((branch, insurer, month));

    /// <summary>Written premium over the months <paramref name="from"/> … <paramref name="to"/> inclusive.</summary>
    public decimal For(string branch, string insurer, BusinessMonth from, BusinessMonth to)
    {
        var total = 0m;
        for (var month = from; month <= to; month = month.AddMonths(1))
        {
            total += For(branch, insurer, month);
        }

        return total;
    }

    /// <summary>The policy's premium is written in <paramref name="month"/> (its <c>issue_date</c> is in it).</summary>
    public static bool IsIssuedIn(Policy policy, BusinessMonth month)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return month.Contains(policy.IssueDate);
    }

    /// <summary>The policy is cancelled, with its <c>cancel_date</c> in <paramref name="month"/>.</summary>
    public static bool IsCancelledIn(Policy policy, BusinessMonth month)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.CancelledOn is { } cancelDate && month.Contains(cancelDate);
    }

    private static void Add(Dictionary<(string, string, BusinessMonth), decimal> byMonth, (string, string, BusinessMonth) key, decimal amount) =>
        byMonth[key] = byMonth.GetValueOrDefault(key) + amount;
}
