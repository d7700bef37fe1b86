using System.Diagnostics;
using System.Globalization;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.Workbooks;
using Reporting.Jobs.Store;

namespace Reporting.Bench;

/// <summary>
/// The commission workbook alone, without the store: a synthetic month of <c>lines</c> sale lines
/// (6 branches × 5 insurers × both coverages, 120 advisors, clawbacks of earlier sales, several
/// extract files per insurer), computed by the real <see cref="MetricsCalculator.Calculate"/>, then
/// <see cref="CommissionReport.Build"/> timed on its own.
/// </summary>
/// <remarks>
/// Prints <c>commission_writer lines=… clawbacks=… bytes=… ties=… rules_s=… seconds=… peak_mb=…</c>:
/// <c>rules_s</c> is <c>Calculate</c>, <c>seconds</c> is <c>Build</c> (workbook, reconciliation,
/// email), <c>check_s</c> the read-back check of the written file (<see cref="WorkbookCheck"/>, as a
/// run makes it before delivering), <c>peak_mb</c> the process's peak working set (generation and rules included). The book
/// is generated from a fixed seed, so every run writes the same workbook.
/// </remarks>
internal static class WorkbookBench
{
    private static readonly BusinessMonth Month = BusinessMonth.Parse("2026-09");
    private static readonly DateOnly AsOf = new(2026, 10, 31);
    private static readonly string[] Branches = ["B01", "B02", "B03", "B04", "B05", "B06"];
    private static readonly string[] Insurers = ["PICC", "PINGAN", "CPIC", "CHINALIFE", "TAIPING"];

    public static int Run(string work, long lines)
    {
        var clock = Stopwatch.StartNew();
        var (policies, versions, ledger) = Book(checked((int)lines));
        var options = MetricsOptions.CreateDefault();
        var context = new ReportContext(
            new SqliteReportingStore("Data Source=:memory:", TimeProvider.System), // never opened: Build reads no store
            new SourcesOptions(),
            Reference(),
            options,
            new DeliveryOptions { FinanceRecipients = ["finance@dealer.example"] });
        var generateSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var result = MetricsCalculator.Calculate(new MetricsInput(AsOf, Month, policies, [], [], options));
        var rulesSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var output = CommissionReport.Build(context, result, ledger, versions);
        var seconds = clock.Elapsed.TotalSeconds;

        Directory.CreateDirectory(work);
        var path = Path.Combine(work, output.FileName);
        File.WriteAllBytes(path, output.Workbook);
        clock.Restart();
        var problem = WorkbookCheck.ProblemOfFile(path);
        var checkSeconds = clock.Elapsed.TotalSeconds;
        if (problem is not null)
        {
            Console.Error.WriteLine(problem);
            return 1;
        }

        var sales = result.CommissionLines.Count(l => l.Kind == CommissionLineKind.Sale);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"commission_writer lines={sales} clawbacks={result.CommissionLines.Count - sales} bytes={output.Workbook.Length} ties={output.Reconciliation.Ties} generate_s={generateSeconds:0.00} rules_s={rulesSeconds:0.00} seconds={seconds:0.00} check_s={checkSeconds:0.00} peak_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0}"));
        return 0;
    }

    /// <summary>
    /// <paramref name="lines"/> policies issued in the month (about 1 in 100 cancelled in it), plus
    /// one earlier sale per 50 lines cancelled in the month (the clawbacks), and the 12 months of
    /// earlier sales the tiers need, thinned to one policy per 20; their versions and ledger.
    /// </summary>
    private static (List<Policy> Policies, List<PolicyVersion> Versions, List<IngestEntry> Ledger) Book(int lines)
    {
        var random = new Random(20260930);
        var policies = new List<Policy>(lines + (lines / 50) + (lines * 12 / 20));
        var versions = new List<PolicyVersion>(policies.Capacity);
        var perFile = new Dictionary<long, (string Insurer, DateOnly Extract, long Rows, decimal Premium)>();
        var serial = 0;

        void Add(DateOnly issue, bool cancelInMonth)
        {
            serial++;
            var branch = Branches[Skewed(random, Branches.Length)];
            var insurerIndex = Skewed(random, Insurers.Length);
            var insurer = Insurers[insurerIndex];
            var coverage = random.Next(5) < 2 ? Coverage.CTPL : Coverage.COMMERCIAL;
            var premium = coverage == Coverage.CTPL
                ? (random.Next(2) == 0 ? 950m : 665m)
                : Math.Round(1200m + (decimal)(random.NextDouble() * 6800), 2);
            var business = (BusinessType)random.Next(3);
            var advisor = random.Next(10) == 0
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"A{(Array.IndexOf(Branches, branch) * 20) + random.Next(20) + 1:000}");
            DateOnly? cancel = cancelInMonth ? Month.First.AddDays(random.Next(30)) : null;
            if (cancel < issue)
            {
                cancel = issue;
            }

            var refund = cancel is null ? 0m : Math.Round(premium * (decimal)(0.3 + (random.NextDouble() * 0.7)), 2);
            var policy = new Policy(
                insurer,
                string.Create(CultureInfo.InvariantCulture, $"{insurer[..2]}{issue:yyyyMM}{serial:0000000}"),
                coverage,
                business,
                random.Next(400) == 0 ? null : branch,
                advisor,
                string.Create(CultureInfo.InvariantCulture, $"LVVDB11B{serial:000000000}"),
                null,
                null,
                null,
                issue,
                issue.AddDays(1),
                issue.AddYears(1),
                premium,
                cancel is null ? PolicyStatus.ACTIVE : PolicyStatus.CANCELLED,
                cancel,
                refund);
            policies.Add(policy);

            // One extract file per insurer and week of the latest date the version carries.
            var latest = cancel ?? issue;
            var extract = latest.AddDays(6 - ((int)latest.DayOfWeek + 6) % 7);
            var ingestId = ((long)(extract.DayNumber - 738000) * 10) + insurerIndex + 1;
            var tally = perFile.GetValueOrDefault(ingestId, (insurer, extract, 0, 0m));
            perFile[ingestId] = (insurer, extract, tally.Item3 + 1, tally.Item4 + premium);
            versions.Add(new PolicyVersion(policy, ingestId));
        }

        for (var i = 0; i < lines; i++)
        {
            Add(Month.First.AddDays(random.Next(30)), random.Next(100) == 0);
        }

        for (var i = 0; i < lines / 50; i++)
        {
            Add(Month.AddMonths(-1 - random.Next(11)).First.AddDays(random.Next(28)), cancelInMonth: true);
        }

        for (var i = 0; i < lines * 12 / 20; i++)
        {
            Add(Month.AddMonths(-1 - random.Next(11)).First.AddDays(random.Next(28)), cancelInMonth: false);
        }

        var ledger = perFile
            .OrderBy(f => f.Key)
            .Select(f => new IngestEntry(
                f.Key, f.Value.Insurer == "PINGAN" ? "pingan" : "dms", "policies",
                string.Create(CultureInfo.InvariantCulture, $"{f.Value.Insurer.ToLowerInvariant()}_policies_{f.Value.Extract:yyyyMMdd}.csv"),
                f.Value.Extract, "", IngestStatus.LOADED, f.Value.Rows + 3, f.Value.Rows, 2, 1, 0, 0, f.Value.Premium,
                new DateTimeOffset(f.Value.Extract.ToDateTime(new TimeOnly(6, 0)), TimeSpan.FromHours(8)),
                new DateTimeOffset(f.Value.Extract.ToDateTime(new TimeOnly(6, 1)), TimeSpan.FromHours(8)),
                null))
            .ToList();
        return (policies, versions, ledger);
    }

    /// <summary>An index in 0…<paramref name="count"/> − 1, the first ones more likely (so the branches land in different tiers).</summary>
    private static int Skewed(Random random, int count) => (int)(count * Math.Pow(random.NextDouble(), 1.6));

    private static ReferenceDataOptions Reference()
    {
        string[] surnames = ["陈", "李", "黄", "张", "刘", "王", "吴", "林", "郑", "周", "梁", "何", "罗", "谢", "许"];
        string[] given = ["志强", "晓婷", "伟明", "丽娟", "建华", "芳", "俊杰", "海燕", "国栋", "小梅"];
        var advisors = new List<AdvisorOptions>();
        for (var b = 0; b < Branches.Length; b++)
        {
            for (var a = 1; a <= 20; a++)
            {
                var id = (b * 20) + a;
                advisors.Add(new AdvisorOptions
                {
                    Id = string.Create(CultureInfo.InvariantCulture, $"A{id:000}"),
                    Name = surnames[id % surnames.Length] + given[id % given.Length],
                    Branch = Branches[b],
                });
            }
        }

        return new ReferenceDataOptions
        {
            Branches =
            [
                new() { Code = "B01", Name = "深圳福田丰田4S店" }, new() { Code = "B02", Name = "深圳南山本田4S店" },
                new() { Code = "B03", Name = "广州天河大众4S店" }, new() { Code = "B04", Name = "东莞南城日产4S店" },
                new() { Code = "B05", Name = "佛山禅城比亚迪4S店" }, new() { Code = "B06", Name = "珠海香洲宝马4S店" },
            ],
            Advisors = advisors,
            Insurers =
            [
                new() { Code = "PICC", Name = "中国人保财险" }, new() { Code = "PINGAN", Name = "平安产险" },
                new() { Code = "CPIC", Name = "太平洋产险" }, new() { Code = "CHINALIFE", Name = "中国人寿财险" },
                new() { Code = "TAIPING", Name = "太平财险" },
            ],
        };
    }
}
