using System.Diagnostics;
using System.Globalization;
using OfficeOpenXml;
using Reporting.IntegrationTests.Metrics;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Store;
using Reporting.Testing.Stores;
using static Reporting.IntegrationTests.Reports.LibreOfficeRecalculation;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// Both workbooks built from a demo book in a SQLite store, recalculated by LibreOffice headless
/// (the files hold formulas without cached values, so every figure read back was computed by
/// LibreOffice), and compared with the metrics computation to the cent.
/// </summary>
[NonParallelizable]
[Category("Services")]
public sealed class WorkbookRecalculationTests : IDisposable
{
    private static readonly DateOnly AsOf = new(2026, 10, 31);
    private static readonly BusinessMonth Month = new(2026, 10);

    private TestStore _store = null!;
    private string _folder = null!;
    private MetricsResult _commissionMetrics = null!;
    private MetricsResult _reviewMetrics = null!;
    private CommissionReportOutput _commission = null!;
    private RenewalReviewOutput _review = null!;
    private ExcelPackage _commissionBook = null!;
    private ExcelPackage _reviewBook = null!;

    [OneTimeSetUp]
    public async Task BuildAndRecalculate()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-workbooks-").FullName;
        DemoDataGenerator.Generate(Path.Combine(_folder, "demo"), DemoBook.Options);
        _store = await TestStore.CreateAsync("sqlite");
        var loader = _store.Loader(TestStore.ConfiguredReference());
        foreach (var source in TestStore.ConfiguredSources().Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
        {
            var results = await loader.ScanAsync(source, Path.Combine(_folder, "demo", source.Folder));
            Assert.That(results.Where(r => r.Outcome is LoadOutcome.Failed), Is.Empty);
        }

        var context = Context(_store.Store);
        var clock = Stopwatch.StartNew();
        _commission = await CommissionReport.BuildAsync(context, AsOf, Month);
        var commissionTime = clock.Elapsed;
        clock.Restart();
        _review = await RenewalReviewReport.BuildAsync(context, AsOf);
        TestContext.Progress.WriteLine($"built commission workbook in {commissionTime.TotalMilliseconds:0} ms, renewal review in {clock.Elapsed.TotalMilliseconds:0} ms");

        _commissionMetrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, AsOf, Month, DemoBook.Metrics));
        _reviewMetrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, AsOf, _review.Cohort, DemoBook.Metrics));

        var books = Recalculate(_folder, (_commission.FileName, _commission.Workbook), (_review.FileName, _review.Workbook));
        _commissionBook = books[_commission.FileName];
        _reviewBook = books[_review.FileName];
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

    [Test]
    public void The_renewal_review_prints_its_rate_chart_with_bars_and_the_target_line()
    {
        var (text, page) = Print(_folder, Path.Combine(_folder, "in", _review.FileName));

        Assert.That(text, Does.Contain("Renewal rate vs target"), "the chart's title is on the first page");
        Assert.That(page.Count(0x4472C4), Is.GreaterThan(300), "blue bars, one per branch");
        Assert.That(page.Count(0xC00000), Is.GreaterThan(40), "the dark red target line");
    }

    [Test]
    public void The_commission_workbook_prints_its_branch_and_insurer_charts_with_bars()
    {
        var (text, page) = Print(_folder, Path.Combine(_folder, "in", _commission.FileName));

        Assert.That(text, Does.Contain("Commission by branch").And.Contain("Commission by insurer"));
        Assert.That(page.Count(0x4472C4), Is.GreaterThan(300), "blue commission bars");
        Assert.That(page.Count(0x70AD47), Is.GreaterThan(300), "green net-commission bars");
    }

    [Test]
    public void The_summary_per_insurer_recalculates_to_the_metrics_rows_of_that_insurer()
    {
        var sheet = _commissionBook.Workbook.Worksheets["汇总"];
        var header = Enumerable.Range(3, sheet.Dimension.End.Row).First(r => sheet.Cells[r, 1].Text.StartsWith("保险公司代码", StringComparison.Ordinal));
        var insurers = _commissionMetrics.Report.Commission.GroupBy(r => r.Insurer, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.That(insurers, Has.Count.GreaterThan(1), "the demo month has several insurers");
        for (var i = 0; i < insurers.Count; i++)
        {
            var row = header + 1 + i;
            var rows = insurers[i];
            Assert.That(
                (sheet.Cells[row, 1].Text, Money(sheet, row, 3), Money(sheet, row, 4), Money(sheet, row, 5), Money(sheet, row, 6)),
                Is.EqualTo((rows.Key, rows.Sum(r => r.Premium), rows.Sum(r => r.Commission), rows.Sum(r => r.Clawback), rows.Sum(r => r.Net))));
        }

        var total = header + 1 + insurers.Count;
        Assert.That(Money(sheet, total, 6), Is.EqualTo(_commissionMetrics.Report.Commission.Sum(r => r.Net)));
    }

    [Test]
    public void LibreOffice_computed_the_formulas_that_were_saved_without_values()
    {
        using var saved = new ExcelPackage(new MemoryStream(_commission.Workbook));
        var total = Total(saved.Workbook.Worksheets["保单明细"]);
        Assert.That(saved.Workbook.Worksheets["保单明细"].Cells[total, 7].Value, Is.Null, "saved without a cached value");
        Assert.That(saved.Workbook.Worksheets["保单明细"].Cells[total, 7].Formula, Does.StartWith("SUBTOTAL"));

        Assert.That(_commissionBook.Workbook.Worksheets["保单明细"].Cells[total, 7].Value, Is.TypeOf<double>(), "recalculated on load");
    }

    [Test]
    public void The_detail_totals_are_the_sums_of_their_lines_and_the_metrics_figures()
    {
        var detail = _commissionBook.Workbook.Worksheets["保单明细"];
        var total = Total(detail);
        var rows = _commissionMetrics.Report.Commission;
        Assert.That(total - 3, Is.EqualTo(rows.Sum(r => r.Policies)), "one line per policy sold");
        Assert.That(Money(detail, total, 7), Is.EqualTo(Column(detail, 7, total)).And.EqualTo(rows.Sum(r => r.Premium)));
        Assert.That(Money(detail, total, 10), Is.EqualTo(Column(detail, 10, total)).And.EqualTo(rows.Sum(r => r.Commission)));

        var clawbacks = _commissionBook.Workbook.Worksheets["退保追回"];
        var clawbackTotal = Total(clawbacks);
        Assert.That(Money(clawbacks, clawbackTotal, 12), Is.EqualTo(Column(clawbacks, 12, clawbackTotal)).And.EqualTo(rows.Sum(r => r.Clawback)));
        Assert.That(rows.Sum(r => r.Clawback), Is.GreaterThan(0m), "the demo month has clawbacks");
    }

    [Test]
    public void Every_commission_row_recalculated_from_the_detail_equals_the_metrics_export_row()
    {
        var sheet = _commissionBook.Workbook.Worksheets["手续费"];
        var rows = _commissionMetrics.Report.Commission;
        Assert.That(rows.Select(r => r.Tier).Distinct().Count(), Is.GreaterThan(1), "several tiers");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var row = 3 + i;
            Assert.That(sheet.Cells[row, 1].Text + sheet.Cells[row, 3].Text, Is.EqualTo(r.Branch + r.Insurer));
            Assert.That(
                (Count(sheet, row, 8), Money(sheet, row, 9), Money(sheet, row, 10), Money(sheet, row, 11), Money(sheet, row, 12), Convert.ToDecimal(sheet.Cells[row, 7].Value, CultureInfo.InvariantCulture)),
                Is.EqualTo((r.Policies, r.Premium, r.Commission, r.Clawback, r.Net, r.Rate)),
                $"{r.Branch}/{r.Insurer}/{r.Coverage}");
        }

        var total = 3 + rows.Count;
        Assert.That(Money(sheet, total, 12), Is.EqualTo(Column(sheet, 12, total)).And.EqualTo(rows.Sum(r => r.Net)));
    }

    [Test]
    public void The_summary_per_branch_equals_the_metrics_rows_of_that_branch()
    {
        var sheet = _commissionBook.Workbook.Worksheets["汇总"];
        var report = _commissionMetrics.Report;
        var total = Total(sheet);
        for (var row = 3; row < total; row++)
        {
            var branch = sheet.Cells[row, 1].Text;
            var commission = report.Commission.Where(r => r.Branch == branch).ToList();
            var advisors = report.Advisor.Where(r => (r.Branch ?? "（无门店）") == branch).ToList();
            Assert.That(
                new[] { Money(sheet, row, 3), Money(sheet, row, 4), Money(sheet, row, 5), Money(sheet, row, 6), Money(sheet, row, 7), Money(sheet, row, 8), Money(sheet, row, 9), Money(sheet, row, 10), Money(sheet, row, 11) },
                Is.EqualTo(new[]
                {
                    commission.Sum(r => r.Premium), commission.Sum(r => r.Commission), commission.Sum(r => r.Clawback), commission.Sum(r => r.Net),
                    advisors.Sum(r => r.Incentive), advisors.Sum(r => r.Clawback), advisors.Sum(r => r.Bonus), advisors.Sum(r => r.PromotionCost), advisors.Sum(r => r.Net),
                }),
                branch);
        }

        Assert.That(Money(sheet, total, 3), Is.EqualTo(Column(sheet, 3, total)).And.EqualTo(report.Commission.Sum(r => r.Premium)));
        Assert.That(Money(sheet, total, 11), Is.EqualTo(report.Advisor.Sum(r => r.Net)));
        Assert.That(Money(sheet, total, 9), Is.EqualTo(report.Advisor.Sum(r => r.Bonus)).And.EqualTo(600m));
    }

    [Test]
    public void The_advisor_sheet_recalculates_to_the_metrics_advisor_rows()
    {
        var sheet = _commissionBook.Workbook.Worksheets["续保提成"];
        var rows = _commissionMetrics.Report.Advisor;
        var policies = 5 + DemoBook.Metrics.Incentive.Bands.Count;
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.That((Count(sheet, 3 + i, policies), Money(sheet, 3 + i, policies + 6)), Is.EqualTo((rows[i].Policies, rows[i].Net)), rows[i].Advisor);
        }

        Assert.That(Money(sheet, 3 + rows.Count, policies + 6), Is.EqualTo(rows.Sum(r => r.Net)));
    }

    [Test]
    public void The_reconciliation_ties_on_the_clean_demo_book_and_its_sheet_says_so()
    {
        Assert.That(_commission.Reconciliation.Mismatches, Is.Empty);
        Assert.That(_commission.Reconciliation.Ties, Is.True);
        Assert.That(_commission.Reconciliation.Files, Has.Count.GreaterThan(1));

        var sheet = _commissionBook.Workbook.Worksheets["对账"];
        var files = _commission.Reconciliation.Files;
        for (var i = 0; i < files.Count; i++)
        {
            Assert.That(
                (Count(sheet, 3 + i, 12), Count(sheet, 3 + i, 13), Money(sheet, 3 + i, 14)),
                Is.EqualTo((0, files[i].DetailRows, files[i].DetailPremium)),
                files[i].FileName);
        }

        var result = Enumerable.Range(1, sheet.Dimension.End.Row).Single(r => sheet.Cells[r, 2].Text.StartsWith("对账结果", StringComparison.Ordinal));
        Assert.That(sheet.Cells[result, 3].Text, Is.EqualTo("一致 OK"));
        Assert.That(Money(sheet, 3 + files.Count, 14), Is.EqualTo(_commissionMetrics.Report.Commission.Sum(r => r.Premium)));
    }

    [Test]
    public async Task A_policy_version_a_cent_off_makes_the_reconciliation_not_tie()
    {
        var tampered = new TamperedStore(_store.Store, version => version.Policy.IssueDate.Month == 10 && version.Policy.BranchCode is not null);

        var output = await CommissionReport.BuildAsync(Context(tampered), AsOf, Month);

        Assert.That(output.Reconciliation.Ties, Is.False);
        Assert.That(output.Reconciliation.Mismatches, Has.Some.Contains(tampered.Tampered!.Value.PolicyNo));
        Assert.That(output.Reconciliation.Mismatches, Has.Some.Contains("各文件明细保费合计"));
    }

    [Test]
    public async Task A_ledger_line_whose_rows_do_not_add_up_makes_the_reconciliation_not_tie()
    {
        var file = _commission.Reconciliation.Files[0];
        var tampered = new TamperedStore(_store.Store, _ => false, file.IngestId);

        var output = await CommissionReport.BuildAsync(Context(tampered), AsOf, Month);

        Assert.That(output.Reconciliation.Ties, Is.False);
        Assert.That(output.Reconciliation.Mismatches, Has.Some.Contains(file.FileName).And.Contains("读取"));
    }

    [Test]
    public void The_renewal_review_recalculates_to_the_final_metrics_of_the_closed_cohort()
    {
        Assert.That(_review.Cohort, Is.EqualTo(new BusinessMonth(2026, 9)));
        var report = _reviewMetrics.Report;
        var group = report.Renewal.Single(r => r is { Branch: "*", Insurer: "*", Advisor: "*" });
        Assert.That(group.Pending, Is.EqualTo(0), "final");
        Assert.That(group.Due, Is.GreaterThan(0));

        var sheet = _reviewBook.Workbook.Worksheets["续保率-门店"];
        var branches = report.Renewal.Where(r => r.Branch != "*" && r is { Insurer: "*", Advisor: "*" }).ToList();
        for (var i = 0; i < branches.Count; i++)
        {
            var r = branches[i];
            Assert.That(
                (Count(sheet, 3 + i, 3), Money(sheet, 3 + i, 4), Count(sheet, 3 + i, 5), Count(sheet, 3 + i, 9), Count(sheet, 3 + i, 10), Rate(sheet, 3 + i, 12)),
                Is.EqualTo((r.Due, r.DuePremium, r.Renewed, r.Renewed - r.RenewedSameInsurer, r.Lapsed, r.Rate)),
                r.Branch);
        }

        var total = 3 + branches.Count;
        Assert.That(
            (Count(sheet, total, 3), Money(sheet, total, 4), Count(sheet, total, 5), Money(sheet, total, 6), Count(sheet, total, 10), Rate(sheet, total, 12)),
            Is.EqualTo((group.Due, group.DuePremium, group.Renewed, group.RenewedPremium, group.Lapsed, group.Rate)));

        var conversion = _reviewBook.Workbook.Worksheets["分时段转化"];
        var groupRows = report.Conversion.Where(r => r.Branch == "*").ToList();
        var first = 3 + report.Conversion.Count(r => r.Branch != "*");
        for (var i = 0; i < groupRows.Count; i++)
        {
            var r = groupRows[i];
            Assert.That(
                (conversion.Cells[first + i, 3].Text, Count(conversion, first + i, 5), Count(conversion, first + i, 6), Count(conversion, first + i, 7), Rate(conversion, first + i, 8)),
                Is.EqualTo((r.Window, r.AtRisk, r.Converted, r.Contacted, r.Rate)));
        }

        var lost = _reviewBook.Workbook.Worksheets["战败原因"];
        var lostTotal = Enumerable.Range(3, lost.Dimension.End.Row).Single(r => lost.Cells[r, 1].Text == "合计 Total");
        Assert.That(Count(lost, lostTotal, 5), Is.EqualTo(group.Lapsed).And.EqualTo(report.LostReasons.Sum(r => r.Count)));
    }

    private static ReportContext Context(IReportingStore store) => new(
        store,
        TestStore.ConfiguredSources(),
        TestStore.ConfiguredReference(),
        DemoBook.Metrics,
        new DeliveryOptions { FinanceRecipients = ["finance@dealer.example"], GroupRecipients = ["gm@dealer.example"] });

    /// <summary>A store whose first matching policy version is a cent off, and whose ledger line may lose a loaded row.</summary>
    private sealed class TamperedStore(IReportingStore inner, Func<PolicyVersion, bool> tamper, long? ledgerLine = null) : DelegatingStore(inner)
    {
        public PolicyKey? Tampered { get; private set; }

        public override async Task<IReadOnlyList<PolicyVersion>> GetPolicyVersionsAsync(DateOnly asOf, PolicySelection? selection = null, CancellationToken cancellationToken = default)
        {
            var versions = (await Inner.GetPolicyVersionsAsync(asOf, selection, cancellationToken)).ToList();
            var index = versions.FindIndex(v => tamper(v));
            if (index >= 0)
            {
                var v = versions[index];
                versions[index] = v with { Policy = v.Policy with { Premium = v.Policy.Premium + 0.01m } };
                Tampered = v.Policy.Key;
            }

            return versions;
        }

        public override async Task<IReadOnlyList<IngestEntry>> GetLedgerAsync(string? source = null, CancellationToken cancellationToken = default) =>
            [.. (await Inner.GetLedgerAsync(source, cancellationToken)).Select(e => e.IngestId == ledgerLine ? e with { RowsLoaded = e.RowsLoaded - 1 } : e)];
    }
}
