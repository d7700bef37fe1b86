using System.Globalization;
using System.Text;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.Email;

namespace Reporting.Tests.Reports;

/// <summary>The alert of a commission workbook that does not tie lists the first mismatches and counts the rest, so it stays small however broken the month.</summary>
public sealed class NotReconciledAlertTests
{
    private static List<string> Mismatches(int count) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"保单 PICC/P{i:D6}：找不到来源文件中的版本 (no policy version in the store)"))];

    [Test]
    public void A_few_mismatches_are_all_listed()
    {
        var text = ReportRunner.NotReconciled("commission_2026-10.xlsx", Mismatches(3));

        Assert.That(text, Is.EqualTo("commission workbook commission_2026-10.xlsx does not reconcile: " + string.Join("; ", Mismatches(3))));
    }

    [Test]
    public void Beyond_twenty_mismatches_the_rest_are_counted_and_left_to_the_reconciliation_sheet()
    {
        var text = ReportRunner.NotReconciled("commission_2026-10.xlsx", Mismatches(200_000));

        Assert.That(text, Does.Contain("P000019").And.Not.Contain("P000020")
            .And.EndWith("; … and 199,980 more (另有 199,980 条), every one on the 对账 Reconciliation sheet of commission_2026-10.xlsx"));
    }

    [Test]
    public void The_alert_of_a_month_with_two_hundred_thousand_mismatches_stays_small()
    {
        var html = OpsAlertEmail.Render("alert/commission/2026-10", "【告警】手续费月报 2026-10 对账不平，未发送", ReportRunner.NotReconciled("commission_2026-10.xlsx", Mismatches(200_000)));

        Assert.That(Encoding.UTF8.GetByteCount(html), Is.LessThan(20 * 1024));
    }
}
