using System.Text.RegularExpressions;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Store;
using Reporting.Testing.Builders;
using Reporting.Testing.Extracts;
using Reporting.Testing.Stores;
using Reporting.Tests.Demo;

namespace Reporting.Tests.Reports.MorningEmail;

/// <summary>
/// Privacy and safety of every morning email of a small demo book loaded into SQLite (SPEC §7):
/// no phone, ID number or full name of the book's customers, each branch only its own customers,
/// a hostile customer name as text. Uses a SQLite file, like the demo tests use files.
/// </summary>
[NonParallelizable]
public sealed partial class MorningEmailDemoTests
{
    private const string HostileName = "<script>alert(1)</script>";
    private const string HostilePolicy = "PDAA2026HOSTILE01";
    private static readonly DateOnly D = 21.November(2026);

    private TestStore _store = null!;
    private DemoFiles _demo = null!;
    private IReadOnlyList<OutgoingMessage> _messages = null!;
    private ReportContext _context = null!;

    [OneTimeSetUp]
    public async Task LoadTheDemoBookAndBuildEveryMessage()
    {
        _demo = GeneratedDemo.Generate(new DemoDataOptions { BusinessDate = D, PoliciesPerYear = 1_200, DailyExtractDays = 10 });
        _store = await TestStore.CreateAsync("sqlite");
        var reference = TestStore.ConfiguredReference();
        var sources = TestStore.ConfiguredSources();
        var loader = _store.Loader(reference);
        foreach (var source in sources.Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
        {
            await loader.ScanAsync(source, Path.Combine(_demo.Folder, source.Folder));
        }

        // A B01 customer whose name is a script tag, expiring in ten days, never contacted: on B01's call list.
        var hostile = _store.WriteFile("hostile.csv", CanonicalCsv.Policies(CanonicalCsv.Policy(
            HostilePolicy, branch: "B01", vin: "LSVHOSTILE0000001", name: HostileName, plate: "粤B<i>9</i>",
            issue: "2025-12-01", effective: "2025-12-02", expiry: "2026-12-01")));
        await loader.LoadFileAsync(sources.Get("policies"), hostile, new LoadFileOptions(ExtractDate: D));

        _context = new ReportContext(_store.Store, sources, reference, MetricsOptions.CreateDefault(), new DeliveryOptions { GroupRecipients = ["gm@dealer.example"] });
        _messages = await MorningReport.BuildAsync(_context, D);
    }

    [OneTimeTearDown]
    public async Task DisposeTheStore() => await _store.DisposeAsync();

    private IEnumerable<Demo.ExtractRow> Customers => _demo.CanonicalPolicyRows();

    private OutgoingMessage Message(string who) => _messages.Single(m => m.Key == "morning/2026-11-21/" + who);

    [Test]
    public void There_is_one_message_per_configured_branch_and_one_for_the_group()
    {
        Assert.That(_messages.Select(m => m.Key), Is.EqualTo(new[]
        {
            "morning/2026-11-21/B01", "morning/2026-11-21/B02", "morning/2026-11-21/B03", "morning/2026-11-21/B04",
            "morning/2026-11-21/B05", "morning/2026-11-21/B06", "morning/2026-11-21/group",
        }));
        Assert.That(Message("B01").To, Is.EqualTo(new[] { "manager.b01@dealer.example", "deputy.b01@dealer.example" }));
        Assert.That(Message("group").To, Is.EqualTo(new[] { "gm@dealer.example" }));
    }

    [Test]
    public void No_email_holds_an_eleven_digit_mobile_number()
    {
        Assert.That(_messages.Where(m => StandaloneMobile().IsMatch(m.HtmlBody)).Select(m => m.Key), Is.Empty);
        var phones = Customers.Select(r => r["customer_phone"]).Where(p => p.Length >= 7).ToHashSet(StringComparer.Ordinal);
        Assert.That(_messages.SelectMany(m => phones.Where(m.HtmlBody.Contains)), Is.Empty);
    }

    [Test]
    public void No_email_holds_an_ID_number()
    {
        Assert.That(_messages.Where(m => ResidentIdNumber().IsMatch(m.HtmlBody)).Select(m => m.Key), Is.Empty);
        var ids = Customers.Select(r => r["customer_id_no"]).Where(id => id.Length >= 15).ToHashSet(StringComparer.Ordinal);
        Assert.That(ids, Is.Not.Empty);
        Assert.That(_messages.SelectMany(m => ids.Where(m.HtmlBody.Contains)), Is.Empty);
    }

    [Test]
    public void No_email_holds_a_full_customer_name_or_plate_of_the_book()
    {
        // A customer who shares a name with an advisor or branch (reference data, shown by design) is left out.
        var reference = string.Join("|", _context.Reference.Advisors.Select(a => a.Name).Concat(_context.Reference.Branches.Select(b => b.Name)));
        var values = Customers.SelectMany(r => new[] { r["customer_name"], r["plate_no"] })
            .Where(v => v.Length >= 2 && !reference.Contains(v, StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.That(_messages.SelectMany(m => values.Where(m.HtmlBody.Contains).Select(v => m.Key)), Is.Empty);
    }

    [Test]
    public void A_branch_email_lists_only_the_branch_s_own_policies()
    {
        var branchOf = Customers.GroupBy(r => r["policy_no"], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r["branch_code"]).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var listed = 0;
        foreach (var message in _messages.Where(m => !m.Key.EndsWith("/group", StringComparison.Ordinal)))
        {
            var branch = message.Key[(message.Key.LastIndexOf('/') + 1)..];
            foreach (var (policyNo, branches) in branchOf.Where(p => message.HtmlBody.Contains(p.Key, StringComparison.Ordinal)))
            {
                listed++;
                Assert.That(branches, Does.Contain(branch), $"{policyNo} in the email of {branch}");
            }
        }

        Assert.That(listed, Is.GreaterThan(10), "the call lists are not empty");
    }

    [Test]
    public void The_group_email_holds_no_customer_data()
    {
        var body = Message("group").HtmlBody;

        Assert.That(Customers.Select(r => r["policy_no"]).Where(body.Contains), Is.Empty);
        Assert.That(body, Does.Not.Contain("****").And.Not.Contain("待跟进名单"));
    }

    [Test]
    public void A_customer_named_with_a_script_tag_shows_as_text()
    {
        var body = Message("B01").HtmlBody;

        Assert.That(body, Does.Contain(HostilePolicy));
        Assert.That(body, Does.Contain("&lt;************************").And.Contain("粤B******i&gt;"));
        Assert.That(_messages.Where(m => m.HtmlBody.Contains("<script", StringComparison.OrdinalIgnoreCase) || m.HtmlBody.Contains("<i>", StringComparison.Ordinal)).Select(m => m.Key), Is.Empty);
    }

    [TestCase("2026-11-21")]
    [TestCase("2026-11-16")]
    [TestCase("2026-11-12")]
    public async Task The_morning_s_narrowed_reads_give_the_emails_the_whole_book_gives(string date)
    {
        var d = DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var input = await MorningEmailLoader.LoadAsync(_context, d, TimeZoneInfo.Utc);
        var everyPolicy = await _store.Store.GetPoliciesAsync(d);
        var whole = input with
        {
            Renewals = MorningEmailRanges.For(d, _context.Metrics).Renewals(everyPolicy, d, _context.Metrics),
            FollowUps = await _store.Store.GetFollowUpsAsync(d),
            Metrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, d, BusinessMonth.Of(d), _context.Metrics, withCommission: false)),
        };

        var narrowed = MorningEmailBuilder.Build(input);
        var expected = MorningEmailBuilder.Build(whole);

        Assert.That(input.Renewals, Has.Count.LessThan(whole.Renewals.Count / 2), "the reads are narrower than the book");
        Assert.That(expected.Group.Total.Yesterday.Count, Is.GreaterThan(0), "the day has renewals to compare");
        Assert.That(expected.Group.Total.CallListSize, Is.GreaterThan(0), "the day has a call list to compare");
        Assert.That(narrowed.Branches.Select(b => b.Yesterday), Is.EqualTo(expected.Branches.Select(b => b.Yesterday)));
        Assert.That(narrowed.Branches.SelectMany(b => b.CallList), Is.EqualTo(expected.Branches.SelectMany(b => b.CallList)));
        Assert.That(narrowed.Branches.SelectMany(b => b.Conversion), Is.EqualTo(expected.Branches.SelectMany(b => b.Conversion)));
        Assert.That(narrowed.Group.Branches, Is.EqualTo(expected.Group.Branches));
        Assert.That(narrowed.Group.Total, Is.EqualTo(expected.Group.Total));
    }

    [Test]
    public async Task The_kept_figures_of_each_closed_cohort_are_its_month_s_renewal_rows()
    {
        var kept = await CohortFinals.LoadAsync(_context, D);
        var months = CohortFinals.ClosedMonths(D, _context.Metrics.Renewal.GraceDays);
        var expected = new List<CohortFinal>();
        foreach (var month in months)
        {
            var report = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_store.Store, D, month, _context.Metrics)).Report;
            expected.AddRange(CohortFinals.From(report, D));
        }

        Assert.That(expected.Where(f => f.Branch == CohortFinals.Group).Sum(f => f.Due), Is.GreaterThan(0), "the closed cohorts have policies");
        Assert.That(kept, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task Building_again_gives_identical_messages()
    {
        var again = await MorningReport.BuildAsync(_context, D);

        Assert.That(again.Select(m => (m.Key, m.Subject, m.HtmlBody)), Is.EqualTo(_messages.Select(m => (m.Key, m.Subject, m.HtmlBody))));
    }

    [Test]
    public async Task The_figures_of_a_branch_email_are_the_metrics_of_the_month()
    {
        var emails = MorningEmailBuilder.Build(await MorningEmailLoader.LoadAsync(_context, D, TimeZoneInfo.Utc));
        var metrics = MetricsCalculator.Calculate(await MetricsInputQuery.LoadAsync(_context.Store, D, BusinessMonth.Of(D), _context.Metrics));
        var row = metrics.Report.Renewal.Single(r => r.Branch == "B01" && r.Insurer == "*" && r.Advisor == "*");

        var cohort = emails.Branches.Single(b => b.Branch.Code == "B01").Cohort;
        Assert.That((cohort.Due, cohort.Renewed, cohort.Pending, cohort.Lapsed, cohort.Rate), Is.EqualTo((row.Due, row.Renewed, row.Pending, row.Lapsed, row.Rate)));
        Assert.That(Message("B01").Subject, Does.StartWith("【续保日报】深圳福田丰田4S店 2026-11-21 续保率 " + EmailFormats.Percent(row.Rate)));
    }

    [GeneratedRegex(@"(?<!\d)1[3-9]\d{9}(?!\d)")]
    private static partial Regex StandaloneMobile();

    /// <summary>An 18-character resident ID: area, birth date 19xx/20xx, sequence, check digit.</summary>
    [GeneratedRegex(@"(?<![0-9A-Za-z])\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")]
    private static partial Regex ResidentIdNumber();
}
