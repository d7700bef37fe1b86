using Reporting.Jobs.Domain;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Testing.Builders;
using static Reporting.Tests.Reports.MorningEmail.MorningEmailFixtures;

namespace Reporting.Tests.Reports.Email;

/// <summary>
/// SPEC §7: a value from data or reference data shows as text in every email, whatever it holds.
/// The encoded forms are written out here by hand, not computed with the product's encoder.
/// </summary>
public sealed class EmailEscapingTests
{
    /// <summary>Hostile text, and how it must appear in the HTML.</summary>
    private static readonly (string Raw, string Encoded)[] Hostile =
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("\"", "&quot;"),
        ("'", "&#x27;"),
        ("&", "&amp;"),
        ("{{ x }}", "{{ x }}"),
    ];

    private static IEnumerable<TestCaseData> EveryEmailWithEveryHostileValue() =>
        from email in EmailSamples.All
        from value in Hostile
        select new TestCaseData(email, value.Raw, value.Encoded).SetArgDisplayNames(email, value.Raw);

    [TestCaseSource(nameof(EveryEmailWithEveryHostileValue))]
    public async Task A_hostile_value_shows_as_text_in_every_email(string email, string raw, string encoded)
    {
        // Between two markers, so that the check finds this value and not the page's own quotes or tags.
        var html = await EmailSamples.RenderAsync(email, "甲" + raw + "乙");

        Assert.That(html, Does.Contain("甲" + encoded + "乙"));
        if (raw != encoded)
        {
            Assert.That(html, Does.Not.Contain("甲" + raw + "乙"), "the value is written raw somewhere in the email");
        }
    }

    [TestCaseSource(nameof(EveryEmail))]
    public async Task A_hostile_value_adds_no_element_to_an_email(string email)
    {
        var html = await EmailSamples.RenderAsync(email, "<script>alert(1)</script><img src=x onerror=alert(1)>");

        Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("<img"));
    }

    [TestCase("<script>alert(1)</script>", "&lt;*")]
    [TestCase("<img src=x onerror=alert(1)>", "&lt;*")]
    [TestCase("\"王五", "&quot;**")]
    [TestCase("'王五", "&#x27;**")]
    [TestCase("&王五", "&amp;**")]
    [TestCase("{{ x }}", "{******")]
    public void A_customer_name_keeps_only_its_first_character_encoded_in_the_call_list(string name, string shown)
    {
        Policy policy = Policies.Commercial("P1").ExpiringOn(BusinessDate.AddDays(3)).SoldBy("B01", "A001");
        var html = MorningEmailRenderer.Render(Build([policy with { CustomerName = name }]).Branch("B01"));

        Assert.That(html, Does.Contain(">" + shown));
        if (!shown.StartsWith(name[..1], StringComparison.Ordinal))
        {
            Assert.That(html, Does.Not.Contain(">" + name[..1] + "*"), "the first character is written raw");
        }
    }

    private static IEnumerable<string> EveryEmail() => EmailSamples.All;
}
