using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Store;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>The branch morning email's renewal-rate history: six closed cohorts, then the current month, against the target.</summary>
public sealed class RateHistoryTests
{
    private static readonly DateOnly Date = MorningEmailFixtures.BusinessDate; // 2026-11-21: with grace 30, September is the latest closed cohort

    [Test]
    public void The_six_closed_cohorts_are_the_six_months_up_to_the_latest_whose_grace_has_passed()
    {
        var months = CohortFinals.ClosedMonths(Date, graceDays: 30);

        Assert.That(months.Select(m => m.ToString()), Is.EqualTo(new[] { "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09" }));
    }

    [Test]
    public void The_history_shows_each_kept_final_rate_then_the_current_month_to_date()
    {
        CohortFinal[] kept =
        [
            new("2026-08", "B01", 40, 30, Date), new("2026-08", "*", 100, 70, Date),
            new("2026-09", "B01", 50, 20, Date), new("2026-09", "*", 120, 80, Date),
        ];
        var expiring = Policies.Commercial("P1").ExpiringOn(30.November(2026)).SoldBy("B01").Build();
        var renewed = Policies.RenewalOf(expiring, "P2").IssuedOn(20.November(2026)).Build();

        var history = Build([expiring, renewed], kept).Branch("B01").History;

        Assert.That(history.Select(p => (p.Month.ToString(), p.Due, p.Renewed, p.Rate, p.Current)), Is.EqualTo(new[]
        {
            ("2026-08", 40, 30, (decimal?)0.75m, false),
            ("2026-09", 50, 20, (decimal?)0.4m, false),
            ("2026-11", 1, 1, (decimal?)1m, true),
        }));
        Assert.That(history.Select(p => p.Target).Distinct(), Is.EqualTo(new[] { 0.70m }), "the branch's target on every bar");
        Assert.That(history[1].BelowTarget, Is.True);
    }

    [Test]
    public void A_closed_month_in_which_the_branch_had_nothing_due_shows_no_rate()
    {
        CohortFinal[] kept = [new("2026-09", "*", 120, 80, Date)];

        var history = Build([], kept).Branch("B02").History;

        Assert.That((history[0].Month.ToString(), history[0].Due, history[0].Rate), Is.EqualTo(("2026-09", 0, (decimal?)null)));
    }

    [Test]
    public void Without_a_kept_history_the_email_has_no_history()
    {
        var emails = MorningEmailFixtures.Build([]);

        Assert.That(emails.Branch("B01").History, Is.Empty);
    }

    [Test]
    public void The_figures_kept_of_a_month_are_its_branch_rows_and_the_group_row()
    {
        var expiring = Policies.Commercial("P1").ExpiringOn(30.September(2026)).SoldBy("B01").Build();
        var options = MetricsOptions.CreateDefault();
        var report = MetricsCalculator.Calculate(new MetricsInput(Date, new BusinessMonth(2026, 9), [expiring], [], [], options)).Report;

        var finals = CohortFinals.From(report, Date);

        Assert.That(finals.Select(f => (f.Month, f.Branch, f.Due, f.Renewed)), Is.EquivalentTo(new[] { ("2026-09", "B01", 1L, 0L), ("2026-09", "*", 1L, 0L) }));
    }

    [Test]
    public void A_month_without_any_cohort_policy_keeps_a_group_row_of_zero()
    {
        var options = MetricsOptions.CreateDefault();
        var report = MetricsCalculator.Calculate(new MetricsInput(Date, new BusinessMonth(2026, 9), [], [], [], options)).Report;

        Assert.That(CohortFinals.From(report, Date).Select(f => (f.Branch, f.Due)), Is.EqualTo(new[] { ("*", 0L) }));
    }

    private static MorningEmails Build(IReadOnlyList<Jobs.Domain.Policy> policies, IReadOnlyList<CohortFinal> kept)
    {
        var options = MetricsOptions.CreateDefault();
        var metrics = MetricsCalculator.Calculate(new MetricsInput(Date, BusinessMonth.Of(Date), policies, [], [], options));
        var renewals = MorningEmailRanges.For(Date, options).Renewals(policies, Date, options);
        return MorningEmailBuilder.Build(new MorningEmailInput(
            Date, metrics, renewals, [], [], MorningEmailFixtures.Reference, options, new SourcesOptions(), TimeZoneInfo.Utc, null, kept));
    }
}
