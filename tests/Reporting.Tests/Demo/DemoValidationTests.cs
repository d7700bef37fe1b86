using System.Globalization;
using System.Text.RegularExpressions;

namespace Reporting.Tests.Demo;

/// <summary>Every generated row passes the loading rules of SPEC §2.6, and looks like the real thing.</summary>
[TestFixture]
public sealed partial class DemoValidationTests
{
    private static readonly string[] AllSources = [DemoFiles.Policies, DemoFiles.Claims, DemoFiles.FollowUps];

    private static IEnumerable<ExtractRow> Policies => GeneratedDemo.Files.CanonicalPolicyRows();

    [Test]
    public void Every_vin_has_17_characters_after_normalisation()
    {
        var vins = Policies.Select(r => r["vin"]).Concat(GeneratedDemo.Files.Rows(DemoFiles.Claims).Select(r => r["vin"]));

        Assert.That(vins.Select(DemoFacts.NormaliseVin).Where(v => !VinPattern().IsMatch(v)), Is.Empty);
    }

    [Test]
    public void Some_history_vins_need_normalisation()
    {
        var unnormalised = Policies.Where(r => DemoFacts.NormaliseVin(r["vin"]) != r["vin"]).ToList();

        Assert.That(unnormalised, Is.Not.Empty);
        Assert.That(unnormalised.Select(r => r.ExtractDate).Distinct(), Is.EqualTo(new[] { GeneratedDemo.Files.Options.HistoryEnd }));
    }

    [Test]
    public void Expiry_is_never_before_effective()
    {
        Assert.That(Policies.Where(r => r.Date("expiry_date") < r.Date("effective_date")), Is.Empty);
    }

    [Test]
    public void Policies_run_one_year()
    {
        Assert.That(Policies.Where(r => r.Date("expiry_date") != r.Date("effective_date")!.Value.AddYears(1).AddDays(-1)), Is.Empty);
    }

    [Test]
    public void Refund_is_between_zero_and_the_premium()
    {
        var refunds = Policies.Where(r => r["refund_premium"].Length > 0);

        Assert.That(refunds.Where(r => r.Amount("refund_premium") < 0 || r.Amount("refund_premium") > r.Amount("premium")), Is.Empty);
    }

    [Test]
    public void Cancelled_rows_have_a_cancel_date_and_a_refund_and_active_rows_neither()
    {
        var wrong = Policies.Where(r => r["status"] == "CANCELLED"
            ? r["cancel_date"].Length == 0 || r["refund_premium"].Length == 0
            : r["cancel_date"].Length > 0 || r["refund_premium"].Length > 0);

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Lost_follow_ups_have_a_reason_and_others_none()
    {
        var wrong = GeneratedDemo.Files.Rows(DemoFiles.FollowUps).Where(r => (r["outcome"] == "LOST") != (r["lost_reason"].Length > 0));

        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(nameof(AllSources))]
    public void Canonical_dates_are_iso(string source)
    {
        var dates = GeneratedDemo.Files.Rows(source)
            .SelectMany(r => r.Fields.Where(f => f.Key.EndsWith("_date", StringComparison.Ordinal) && f.Value.Length > 0));

        Assert.That(dates.Where(f => !IsoDatePattern().IsMatch(f.Value) || !IsDate(f.Value, "yyyy-MM-dd")), Is.Empty);
    }

    [Test]
    public void Pingan_dates_are_slashed()
    {
        string[] columns = ["出单日期", "起保日期", "终保日期", "退保日期"];
        var dates = GeneratedDemo.Files.Rows(DemoFiles.Pingan).SelectMany(r => columns.Select(c => r[c]).Where(v => v.Length > 0));

        Assert.That(dates.Where(v => !IsDate(v, "yyyy/MM/dd")), Is.Empty);
    }

    [Test]
    public void Amounts_have_exactly_two_decimals()
    {
        string[] columns = ["premium", "refund_premium", "assessed_amount", "paid_amount", "保费", "退保保费"];
        var amounts = AllSources.Append(DemoFiles.Pingan)
            .SelectMany(s => GeneratedDemo.Files.Rows(s))
            .SelectMany(r => r.Fields.Where(f => columns.Contains(f.Key) && f.Value.Length > 0));

        Assert.That(amounts.Where(f => !AmountPattern().IsMatch(f.Value)), Is.Empty);
    }

    [TestCase("coverage", "CTPL", "COMMERCIAL")]
    [TestCase("business_type", "NEW_CAR", "RENEWAL", "TRANSFER_IN")]
    [TestCase("status", "ACTIVE", "CANCELLED")]
    public void Policy_enums_use_the_spec_names(string column, params string[] names)
    {
        Assert.That(Policies.Select(r => r[column]).Distinct(), Is.EquivalentTo(names));
    }

    [TestCase("status", "OPEN", "CLOSED", "WITHDRAWN")]
    [TestCase("referred", "Y", "N")]
    public void Claim_enums_use_the_spec_names(string column, params string[] names)
    {
        Assert.That(GeneratedDemo.Files.Rows(DemoFiles.Claims).Select(r => r[column]).Distinct(), Is.EquivalentTo(names));
    }

    [TestCase("channel", "SMS", "PHONE", "VISIT", "WECHAT")]
    [TestCase("outcome", "NO_ANSWER", "CALLBACK", "QUOTED", "WON", "LOST")]
    [TestCase("lost_reason", "", "PRICE", "INSURED_ELSEWHERE", "FRIEND_AT_INSURER", "VEHICLE_SOLD", "SERVICE_COMPLAINT", "OTHER")]
    public void Follow_up_enums_use_the_spec_names(string column, params string[] names)
    {
        Assert.That(GeneratedDemo.Files.Rows(DemoFiles.FollowUps).Select(r => r[column]).Distinct(), Is.EquivalentTo(names));
    }

    [TestCase(DemoFiles.Policies, "policy_no", "insurer_code")]
    [TestCase(DemoFiles.Claims, "claim_no", "insurer_code")]
    [TestCase(DemoFiles.FollowUps, "followup_id", "policy_no")]
    public void Keys_are_never_empty(string source, string first, string second)
    {
        var rows = GeneratedDemo.Files.Rows(source);

        Assert.That(rows.Where(r => r[first].Length == 0 || r[second].Length == 0), Is.Empty);
    }

    [Test]
    public void Premiums_stay_in_the_trade_ranges()
    {
        var outOfRange = Policies.Where(r => r["coverage"] == "COMMERCIAL"
            ? r.Amount("premium") is < 1_500m or > 9_000m
            : r.Amount("premium") is < 665m or > 1_100m);

        Assert.That(outOfRange, Is.Empty);
    }

    [Test]
    public void Paid_never_exceeds_assessed()
    {
        Assert.That(GeneratedDemo.Files.Rows(DemoFiles.Claims).Where(r => r.Amount("paid_amount") > r.Amount("assessed_amount")), Is.Empty);
    }

    [Test]
    public void Claims_are_reported_after_the_loss_and_closed_after_the_report()
    {
        var wrong = GeneratedDemo.Files.Rows(DemoFiles.Claims)
            .Where(r => r.Date("report_date") < r.Date("loss_date") || r.Date("close_date") < r.Date("report_date"));

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Open_claims_have_no_close_date_and_the_others_have_one()
    {
        var wrong = GeneratedDemo.Files.Rows(DemoFiles.Claims).Where(r => (r["status"] == "OPEN") == (r["close_date"].Length > 0));

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Customer_phones_are_mainland_mobiles()
    {
        Assert.That(Policies.Select(r => r["customer_phone"]).Where(p => !MobilePattern().IsMatch(p)), Is.Empty);
    }

    [Test]
    public void Customer_id_numbers_have_18_characters()
    {
        Assert.That(Policies.Select(r => r["customer_id_no"]).Where(id => !IdPattern().IsMatch(id)), Is.Empty);
    }

    [Test]
    public void Customer_names_are_chinese()
    {
        Assert.That(Policies.Select(r => r["customer_name"]).Where(n => !ChineseNamePattern().IsMatch(n)), Is.Empty);
    }

    [Test]
    public void Plates_are_guangdong_plates_or_empty_for_new_cars()
    {
        var rows = Policies.ToList();

        Assert.Multiple(() =>
        {
            Assert.That(rows.Where(r => r["plate_no"].Length > 0 && !PlatePattern().IsMatch(r["plate_no"])), Is.Empty);
            Assert.That(rows.Where(r => r["plate_no"].Length == 0 && r["business_type"] != "NEW_CAR"), Is.Empty);
        });
    }

    [Test]
    public void A_policy_number_identifies_one_policy_within_its_insurer()
    {
        var conflicting = Policies
            .GroupBy(r => (r["insurer_code"], r["policy_no"]))
            .Where(g => g.Select(r => (DemoFacts.NormaliseVin(r["vin"]), r["coverage"], r["issue_date"], r["premium"])).Distinct().Count() > 1);

        Assert.That(conflicting.Select(g => g.Key), Is.Empty);
    }

    [TestCaseSource(nameof(AllSources))]
    public void A_file_never_holds_two_rows_with_the_same_key(string source)
    {
        var key = source switch
        {
            DemoFiles.Policies => (Func<ExtractRow, string>)(r => r["insurer_code"] + "|" + r["policy_no"]),
            DemoFiles.Claims => r => r["insurer_code"] + "|" + r["claim_no"],
            _ => r => r["followup_id"],
        };
        var duplicates = GeneratedDemo.Files.Rows(source).GroupBy(r => (r.File, key(r))).Where(g => g.Count() > 1);

        Assert.That(duplicates.Select(g => g.Key), Is.Empty);
    }

    private static bool IsDate(string value, string format) =>
        DateOnly.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex("^[A-HJ-NPR-Z0-9]{17}$")]
    private static partial Regex VinPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDatePattern();

    [GeneratedRegex(@"^-?\d+\.\d{2}$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MobilePattern();

    // A resident ID (check character 0-9 or X) or, for a company, its unified social credit code.
    [GeneratedRegex(@"^(\d{17}[\dX]|91\d{6}[0-9A-Z]{10})$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}{2,}$")]
    private static partial Regex ChineseNamePattern();

    [GeneratedRegex("^粤[A-Z][A-HJ-NP-Z0-9]{5,6}$")]
    private static partial Regex PlatePattern();
}
