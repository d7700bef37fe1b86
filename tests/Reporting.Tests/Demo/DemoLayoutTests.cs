using System.Globalization;
using System.Text;

namespace Reporting.Tests.Demo;

/// <summary>The files are where the loader looks, named, encoded and dated as it expects.</summary>
[TestFixture]
public sealed class DemoLayoutTests
{
    private static readonly string[] CanonicalSources = [DemoFiles.Policies, DemoFiles.Claims, DemoFiles.FollowUps];
    private static readonly string[] AllSources = [DemoFiles.Policies, DemoFiles.Claims, DemoFiles.FollowUps, DemoFiles.Pingan];

    [TestCaseSource(nameof(AllSources))]
    public void Each_source_has_a_history_file_and_one_file_per_day_through_the_business_date(string source)
    {
        var options = GeneratedDemo.Files.Options;
        var expected = Enumerable.Range(0, options.DailyExtractDays + 1)
            .Select(i => $"{source}_{options.HistoryEnd.AddDays(i).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv");

        Assert.That(GeneratedDemo.Files.CsvFiles(source).Select(Path.GetFileName), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(AllSources))]
    public void Every_file_has_an_empty_done_marker(string source)
    {
        var markers = GeneratedDemo.Files.CsvFiles(source).Select(f => new FileInfo(f + ".done"));

        Assert.That(markers.Where(m => !m.Exists || m.Length != 0).Select(m => m.Name), Is.Empty);
    }

    [TestCase(DemoFiles.Policies,
        "policy_no,insurer_code,coverage,business_type,branch_code,advisor_id,vin,plate_no,customer_name,customer_phone,"
        + "customer_id_no,issue_date,effective_date,expiry_date,premium,status,cancel_date,refund_premium")]
    [TestCase(DemoFiles.Claims,
        "claim_no,insurer_code,policy_no,vin,loss_date,report_date,repair_branch_code,referred,assessed_amount,paid_amount,status,close_date")]
    [TestCase(DemoFiles.FollowUps,
        "followup_id,insurer_code,policy_no,branch_code,advisor_id,contact_date,channel,outcome,lost_reason,note")]
    public void Canonical_headers_are_the_spec_columns_in_spec_order(string source, string header)
    {
        var headers = GeneratedDemo.Files.CsvFiles(source).Select(f => File.ReadLines(f).First()).Distinct();

        Assert.That(headers, Is.EqualTo(new[] { header }));
    }

    [TestCaseSource(nameof(CanonicalSources))]
    public void Canonical_files_are_utf8_without_bom_with_lf_line_ends(string source)
    {
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        foreach (var file in GeneratedDemo.Files.CsvFiles(source))
        {
            var bytes = File.ReadAllBytes(file);
            var text = strictUtf8.GetString(bytes);

            Assert.That(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), Is.False, file);
            Assert.That(text, Does.Not.Contain("\r"), file);
            Assert.That(text, Does.EndWith("\n"), file);
        }
    }

    [Test]
    public void Pingan_file_decodes_as_gb18030_with_chinese_headers()
    {
        var file = GeneratedDemo.Files.CsvFiles(DemoFiles.Pingan)[0];
        var gb18030 = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

        var header = gb18030.GetString(File.ReadAllBytes(file)).Split("\r\n")[0];

        Assert.That(header, Is.EqualTo("保单号,保险公司,险种,业务类型,门店代码,业务员工号,车架号,车牌号,被保险人,联系电话,证件号码,出单日期,起保日期,终保日期,保费,保单状态,退保日期,退保保费"));
    }

    [Test]
    public void Pingan_file_is_not_utf8()
    {
        var bytes = File.ReadAllBytes(GeneratedDemo.Files.CsvFiles(DemoFiles.Pingan)[0]);
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        Assert.That(() => strictUtf8.GetString(bytes), Throws.InstanceOf<DecoderFallbackException>());
    }

    [Test]
    public void Pingan_values_are_in_chinese()
    {
        var rows = GeneratedDemo.Files.Rows(DemoFiles.Pingan);

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => r["险种"]).Distinct(), Is.EquivalentTo(new[] { "交强险", "商业险" }));
            Assert.That(rows.Select(r => r["业务类型"]).Distinct(), Is.EquivalentTo(new[] { "新保", "续保", "转保" }));
            Assert.That(rows.Select(r => r["保单状态"]).Distinct(), Is.EquivalentTo(new[] { "有效", "退保" }));
            Assert.That(rows.Select(r => r["保险公司"]).Distinct(), Is.EqualTo(new[] { "PINGAN" }));
        });
    }

    [Test]
    public void Pingan_policies_never_appear_in_the_canonical_policies()
    {
        var insurers = GeneratedDemo.Files.Rows(DemoFiles.Policies).Select(r => r["insurer_code"]).Distinct();

        Assert.That(insurers, Is.EquivalentTo(new[] { "PICC", "CPIC", "SUNSHINE" }));
    }

    [TestCase(DemoFiles.Policies, "issue_date")]
    [TestCase(DemoFiles.Policies, "cancel_date")]
    [TestCase(DemoFiles.Claims, "loss_date")]
    [TestCase(DemoFiles.Claims, "report_date")]
    [TestCase(DemoFiles.Claims, "close_date")]
    [TestCase(DemoFiles.FollowUps, "contact_date")]
    [TestCase(DemoFiles.Pingan, "issue_date")]
    [TestCase(DemoFiles.Pingan, "cancel_date")]
    public void No_row_describes_an_event_after_its_extract_date(string source, string column)
    {
        var rows = source == DemoFiles.Pingan
            ? GeneratedDemo.Files.CanonicalPolicyRows().Where(r => r.Source == DemoFiles.Pingan)
            : GeneratedDemo.Files.Rows(source);

        Assert.That(rows.Where(r => r.Date(column) > r.ExtractDate).Select(r => (r.File, r.Line)), Is.Empty);
    }

    [TestCaseSource(nameof(AllSources))]
    public void A_daily_file_holds_only_that_day_s_events(string source)
    {
        var rows = source == DemoFiles.Pingan
            ? GeneratedDemo.Files.CanonicalPolicyRows().Where(r => r.Source == DemoFiles.Pingan)
            : GeneratedDemo.Files.Rows(source);
        var eventDates = source switch
        {
            DemoFiles.Claims => (Func<ExtractRow, DateOnly?[]>)(r => [r.Date("report_date"), r.Date("close_date")]),
            DemoFiles.FollowUps => r => [r.Date("contact_date")],
            _ => r => [r.Date("issue_date"), r.Date("cancel_date")],
        };
        var historyEnd = GeneratedDemo.Files.Options.HistoryEnd;

        var strays = rows.Where(r => r.ExtractDate > historyEnd && !eventDates(r).Contains(r.ExtractDate));

        Assert.That(strays.Select(r => (r.File, r.Line)), Is.Empty);
    }

    [Test]
    public void A_cancellation_after_the_history_is_sent_again_in_the_file_of_its_cancel_date()
    {
        var historyEnd = GeneratedDemo.Files.Options.HistoryEnd;
        var versions = GeneratedDemo.Files.CanonicalPolicyRows().ToLookup(r => (r["insurer_code"], r["policy_no"]));
        var lateCancellations = versions.Where(v => v.Any(r => r.Date("cancel_date") > historyEnd)).ToList();

        Assert.That(lateCancellations, Is.Not.Empty);
        Assert.That(lateCancellations.Where(v => !v.Any(r => r["status"] == "CANCELLED" && r.ExtractDate == r.Date("cancel_date"))), Is.Empty);
    }

    [Test]
    public void A_policy_issued_and_cancelled_before_the_history_ends_appears_once_cancelled()
    {
        var historyEnd = GeneratedDemo.Files.Options.HistoryEnd;
        var versions = GeneratedDemo.Files.CanonicalPolicyRows()
            .GroupBy(r => (r["insurer_code"], r["policy_no"]))
            .Where(g => g.Any(r => r.Date("cancel_date") <= historyEnd))
            .ToList();

        Assert.That(versions, Is.Not.Empty);
        Assert.That(versions.Where(g => g.Count() != 1 || g.Single()["status"] != "CANCELLED"), Is.Empty);
    }

    [Test]
    public void A_claim_closed_on_a_later_day_is_sent_again_closed()
    {
        var historyEnd = GeneratedDemo.Files.Options.HistoryEnd;
        var versions = GeneratedDemo.Files.Rows(DemoFiles.Claims).ToLookup(r => (r["insurer_code"], r["claim_no"]));
        var resent = versions.Where(v => v.Count() == 2).ToList();

        Assert.That(resent, Is.Not.Empty);
        Assert.That(resent.Where(v => v.First()["status"] != "OPEN" || v.Last()["status"] == "OPEN"), Is.Empty);
        Assert.That(versions.Where(v => v.Count() > 2), Is.Empty);
        Assert.That(resent.Where(v => v.Last().ExtractDate <= historyEnd), Is.Empty);
    }

    [Test]
    public void Only_fields_that_need_it_are_quoted()
    {
        var text = File.ReadAllText(GeneratedDemo.Files.CsvFiles(DemoFiles.FollowUps)[0]);
        var quotedLines = text.Split('\n').Where(l => l.Contains('"', StringComparison.Ordinal)).ToList();

        Assert.That(quotedLines, Is.Not.Empty, "some notes hold a comma or a quote");
        Assert.That(GeneratedDemo.Files.Rows(DemoFiles.FollowUps).Where(r => r["note"].Contains(',', StringComparison.Ordinal)), Is.Not.Empty);
        Assert.That(text, Does.Not.Contain("\"FU"), "keys are never quoted");
    }

    [Test]
    public void The_summary_counts_the_rows_in_the_files()
    {
        var summary = GeneratedDemo.Files.Summary;

        Assert.Multiple(() =>
        {
            foreach (var source in AllSources)
            {
                Assert.That(summary.RowsOf(source), Is.EqualTo(GeneratedDemo.Files.Rows(source).Count), source);
                Assert.That(summary.Sources.Single(s => s.Source == source).Files, Is.EqualTo(GeneratedDemo.Files.CsvFiles(source)), source);
            }
        });
    }

    [Test]
    public void The_default_demo_holds_about_fifteen_thousand_policies()
    {
        Assert.That(GeneratedDemo.Files.Facts.Policies.Count, Is.InRange(13_500, 16_500));
    }
}
