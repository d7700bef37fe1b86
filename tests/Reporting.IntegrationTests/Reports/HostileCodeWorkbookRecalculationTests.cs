using System.Globalization;
using OfficeOpenXml;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Store;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;
using static Reporting.IntegrationTests.Reports.LibreOfficeRecalculation;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// Issue 14: branch, insurer and advisor codes that a spreadsheet reads as a pattern (<c>B*</c>,
/// <c>B?</c>, <c>~B</c>) or as a comparison (<c>&gt;0</c>, <c>=B01</c>, <c>&lt;&gt;B01</c>) beside
/// ordinary ones, loaded from extracts through the real loader into SQLite. Both workbooks are
/// recalculated by LibreOffice headless, and every figure a <c>SUMIFS</c>/<c>COUNTIFS</c> computes
/// by code must equal the C# figure for that exact code (the metrics rows the reconciliation ties).
/// </summary>
[NonParallelizable]
[Category("Services")]
public sealed class HostileCodeWorkbookRecalculationTests : IDisposable
{
    private static readonly string[] Branches = ["B01", "B02", "B*", "B?", "~B", ">0", "=B01", "<>B01"];
    private static readonly string[] Insurers = ["PICC", "CPIC", "P*", "P?", "~P", ">0", "=PICC", "<>PICC"];
    private static readonly string[] Advisors = ["A001", "A002", "A*", "A?", "~A", ">0", "=A001", "<>A001"];

    private static readonly DateOnly AsOf = new(2026, 10, 31);
    private static readonly BusinessMonth Month = new(2026, 10);

    private TestStore _store = null!;
    private string _folder = null!;
    private MetricsResult _commissionMetrics = null!;
    private MetricsResult _reviewMetrics = null!;
    private CommissionReportOutput _commission = null!;
    private ExcelPackage _commissionBook = null!;
    private ExcelPackage _reviewBook = null!;

    [OneTimeSetUp]
    public async Task LoadBuildAndRecalculate()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-hostile-codes-").FullName;
        _store = await TestStore.CreateAsync("sqlite");
        await _store.LoadAsync(
            ("policies", "policies_20260930.csv", CanonicalCsv.Policies([.. CohortPolicies()])),
            ("followups", "followups_20260930.csv", CanonicalCsv.File(CanonicalCsv.FollowUpHeader, FollowUps())),
            ("policies", "policies_20261015.csv", CanonicalCsv.Policies([.. Sales(first: true)])),
            ("policies", "policies_20261031.csv", CanonicalCsv.Policies([.. Sales(first: false)])));

        var context = Context(_store.Store);
        _commission = await CommissionReport.BuildAsync(context, AsOf, Month);
        var review = await RenewalReviewReport.BuildAsync(context, AsOf);
        _commissionMetrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, AsOf, Month, context.Metrics));
        _reviewMetrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, AsOf, review.Cohort, context.Metrics));

        var books = Recalculate(_folder, (_commission.FileName, _commission.Workbook), (review.FileName, review.Workbook));
        _commissionBook = books[_commission.FileName];
        _reviewBook = books[review.FileName];
    }

    [OneTimeTearDown]
    public async Task DisposeStore()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    public void Dispose()
    {
        _commissionBook?.Dispose();
        _reviewBook?.Dispose();
    }

    /// <summary>The guard under the other tests: every code reached the metrics as it was written in the extract.</summary>
    [Test]
    public void The_book_loads_every_hostile_code_as_it_is()
    {
        var report = _commissionMetrics.Report;

        Assert.That(report.Commission.Select(r => r.Branch).Distinct(), Is.EquivalentTo(Branches));
        Assert.That(report.Commission.Select(r => r.Insurer).Distinct(), Is.EquivalentTo(Insurers));
        Assert.That(report.Advisor.Select(r => r.Advisor).Distinct(), Is.EquivalentTo(Advisors));
        Assert.That(report.Commission.Where(r => r.Clawback != 0m).Select(r => r.Branch), Is.SupersetOf(new[] { "B01", "B*", ">0", "=B01" }));
        Assert.That(_reviewMetrics.Report.LostReasons.Select(r => r.Branch).Distinct(), Is.EquivalentTo(Branches));
    }

    [Test]
    public void Every_commission_row_recalculated_by_LibreOffice_counts_and_sums_only_the_lines_of_its_exact_codes()
    {
        var sheet = _commissionBook.Workbook.Worksheets[CommissionWorkbookWriter.CommissionSheet];
        var rows = _commissionMetrics.Report.Commission;
        var shown = rows.Select((r, i) => (sheet.Cells[3 + i, 1].Text, sheet.Cells[3 + i, 3].Text,
            Count(sheet, 3 + i, 8), Money(sheet, 3 + i, 9), Money(sheet, 3 + i, 10), Money(sheet, 3 + i, 11), Money(sheet, 3 + i, 12))).ToList();

        Assert.That(shown, Is.EqualTo(rows.Select(r => (r.Branch, r.Insurer, r.Policies, r.Premium, r.Commission, r.Clawback, r.Net)).ToList()));
    }

    [Test]
    public void The_summary_recalculated_by_LibreOffice_gives_each_branch_code_only_its_own_figures()
    {
        var sheet = _commissionBook.Workbook.Worksheets[CommissionWorkbookWriter.SummarySheet];
        var report = _commissionMetrics.Report;
        var total = Total(sheet);
        var shown = Enumerable.Range(3, total - 3).Select(row => (sheet.Cells[row, 1].Text,
            Money(sheet, row, 3), Money(sheet, row, 4), Money(sheet, row, 5), Money(sheet, row, 7), Money(sheet, row, 9), Money(sheet, row, 11))).ToList();

        var expected = Branches.Order(StringComparer.Ordinal).Select(b =>
        {
            var commission = report.Commission.Where(r => r.Branch == b).ToList();
            var advisors = report.Advisor.Where(r => r.Branch == b).ToList();
            return (b, commission.Sum(r => r.Premium), commission.Sum(r => r.Commission), commission.Sum(r => r.Clawback),
                advisors.Sum(r => r.Incentive), advisors.Sum(r => r.Bonus), advisors.Sum(r => r.Net));
        }).ToList();
        Assert.That(shown, Is.EqualTo(expected));
    }

    [Test]
    public void The_summary_total_recalculated_by_LibreOffice_is_the_premium_of_the_detail()
    {
        var sheet = _commissionBook.Workbook.Worksheets[CommissionWorkbookWriter.SummarySheet];

        Assert.That(Money(sheet, Total(sheet), 3), Is.EqualTo(_commission.Reconciliation.DetailPremium).And.EqualTo(_commissionMetrics.Report.Commission.Sum(r => r.Premium)));
    }

    [Test]
    public void The_reconciliation_ties_in_CSharp_and_the_sheet_recalculated_by_LibreOffice_says_so()
    {
        Assert.That(_commission.Reconciliation.Mismatches, Is.Empty);
        var sheet = _commissionBook.Workbook.Worksheets[CommissionWorkbookWriter.ReconciliationSheet];
        var files = _commission.Reconciliation.Files;
        var shown = files.Select((f, i) => (sheet.Cells[3 + i, 3].Text, Count(sheet, 3 + i, 13), Money(sheet, 3 + i, 14), Count(sheet, 3 + i, 15), Money(sheet, 3 + i, 16))).ToList();
        var result = Enumerable.Range(1, sheet.Dimension.End.Row).Single(r => sheet.Cells[r, 2].Text.StartsWith("对账结果", StringComparison.Ordinal));

        Assert.That(shown, Is.EqualTo(files.Select(f => (f.FileName, f.DetailRows, f.DetailPremium, f.ClawbackRows, f.ClawbackRefund)).ToList()));
        Assert.That(sheet.Cells[result, 3].Text, Is.EqualTo("一致 OK"));
    }

    [Test]
    public void Each_lost_reason_share_recalculated_by_LibreOffice_is_over_the_lapsed_of_its_own_branch_code()
    {
        var sheet = _reviewBook.Workbook.Worksheets[RenewalReviewWriter.LostReasonSheet];
        var report = _reviewMetrics.Report;
        var lapsed = report.Renewal.Where(r => r is { Insurer: "*", Advisor: "*" } && r.Branch != "*").ToDictionary(r => r.Branch, r => r.Lapsed, StringComparer.Ordinal);
        var rows = report.LostReasons;
        var shown = rows.Select((r, i) => (sheet.Cells[3 + i, 1].Text, sheet.Cells[3 + i, 3].Text, Rate(sheet, 3 + i, 6))).ToList();

        Assert.That(shown, Is.EqualTo(rows.Select(r => (r.Branch, r.Reason, Rounding.Rate(r.Count, lapsed[r.Branch]))).ToList()));
    }

    /// <summary>
    /// October's sales, half in each of two files: per branch a commercial policy with its own insurer
    /// and advisor, one with the next insurer and advisor, a CTPL policy; the first file also holds an
    /// August sale cancelled in October (a clawback) for four branches.
    /// </summary>
    private static IEnumerable<string> Sales(bool first)
    {
        for (var i = 0; i < Branches.Length; i++)
        {
            var next = (i + 1) % Branches.Length;
            if (first)
            {
                yield return Sale($"S{i}-1", Insurers[i], "COMMERCIAL", i, Advisors[i], 3 + i, 1000.00m + 123.45m * i);
                if (i is 0 or 2 or 5 or 6)
                {
                    yield return CanonicalCsv.Policy(
                        $"S{i}-AUG", insurer: Insurers[i], branch: Branches[i], advisor: Advisors[i], vin: Vin(900 + i),
                        issue: "2026-08-10", effective: "2026-08-11", expiry: "2027-08-10", premium: Amount(4000.00m + 10.10m * i),
                        status: "CANCELLED", cancel: "2026-10-12", refund: Amount(2000.05m + 5.05m * i));
                }
            }
            else
            {
                yield return Sale($"S{i}-2", Insurers[next], "COMMERCIAL", i, Advisors[next], 16 + i, 2500.50m + 77.70m * i);
                yield return Sale($"S{i}-3", Insurers[i], "CTPL", i, Advisors[i], 16 + i, 950.00m + 1.01m * i);
            }
        }
    }

    private static string Sale(string policyNo, string insurer, string coverage, int branch, string advisor, int day, decimal premium)
    {
        var issue = new DateOnly(2026, 10, day);
        return CanonicalCsv.Policy(
            policyNo, insurer: insurer, coverage: coverage, branch: Branches[branch], advisor: advisor, vin: Vin(100 * branch + day),
            issue: Date(issue), effective: Date(issue.AddDays(1)), expiry: Date(issue.AddYears(1)), premium: Amount(premium));
    }

    /// <summary>
    /// The September 2026 cohort (closed as of 2026-10-31): per branch one policy renewed (with
    /// another insurer for odd branches), one lapsed after a LOST follow-up, and 1–3 lapsed without one.
    /// </summary>
    private static IEnumerable<string> CohortPolicies()
    {
        for (var i = 0; i < Branches.Length; i++)
        {
            yield return Cohort($"C{i}-R", i, 0);
            yield return CanonicalCsv.Policy(
                $"R{i}", insurer: Insurers[(i % 2 == 0 ? i : i + 1) % Insurers.Length], branch: Branches[i], advisor: Advisors[i], vin: Vin(5000 + 10 * i),
                issue: "2026-08-20", effective: Date(new DateOnly(2026, 9, 6 + i)), expiry: Date(new DateOnly(2027, 9, 5 + i)), premium: Amount(3100m + i));
            yield return Cohort($"C{i}-L", i, 1);
            for (var n = 0; n <= i % 3; n++)
            {
                yield return Cohort($"C{i}-N{n}", i, 2 + n);
            }
        }
    }

    private static string Cohort(string policyNo, int branch, int n)
    {
        var expiry = new DateOnly(2026, 9, 5 + branch + n);
        return CanonicalCsv.Policy(
            policyNo, insurer: Insurers[branch], branch: Branches[branch], advisor: Advisors[branch], vin: Vin(5000 + 10 * branch + n),
            issue: Date(expiry.AddYears(-1)), effective: Date(expiry.AddYears(-1).AddDays(1)), expiry: Date(expiry), premium: Amount(3000m + 10m * branch + n));
    }

    private static IEnumerable<string> FollowUps() =>
        Enumerable.Range(0, Branches.Length).Select(i => CanonicalCsv.FollowUp(
            $"F{i}", insurer: Insurers[i], policyNo: $"C{i}-L", branch: Branches[i], advisor: Advisors[i],
            contact: "2026-08-25", outcome: "LOST", lostReason: "PRICE"));

    private static string Vin(int n) => "LHOST" + n.ToString("D12", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static ReportContext Context(IReportingStore store) => new(
        store,
        TestStore.ConfiguredSources(),
        TestStore.ConfiguredReference(),
        MetricsOptions.CreateDefault(),
        new DeliveryOptions { FinanceRecipients = ["finance@dealer.example"], GroupRecipients = ["gm@dealer.example"] });
}
