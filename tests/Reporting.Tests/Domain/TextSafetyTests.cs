using Reporting.Jobs.Domain;

namespace Reporting.Tests.Domain;

public sealed class TextSafetyTests
{
    [TestCase("\u001B[2J\u001B]0;pwned\u0007", "\\u001B[2J\\u001B]0;pwned\\u0007", TestName = "Terminal_escapes_and_a_bell_are_shown_as_code_points")]
    [TestCase("P\u00001", "P\\u00001", TestName = "A_NUL_is_shown_as_a_code_point")]
    [TestCase("P001\u200B", "P001\\u200B", TestName = "A_zero_width_space_is_shown_as_a_code_point")]
    [TestCase("P\uFFFE", "P\\uFFFE", TestName = "A_non_character_is_shown_as_a_code_point")]
    [TestCase("a\u2028b", "a\\u2028b", TestName = "A_line_separator_is_shown_as_a_code_point")]
    [TestCase("\U000E0001tag", "\\U000E0001tag", TestName = "A_tag_character_beyond_the_BMP_is_shown_as_a_code_point")]
    [TestCase("司马,懿德 😀 P-001", "司马,懿德 😀 P-001", TestName = "Chinese_emoji_and_punctuation_are_shown_as_they_are")]
    public void Printable_escapes_what_a_terminal_would_act_on_or_hide(string value, string shown) =>
        Assert.That(TextSafety.Printable(value), Is.EqualTo(shown));

    [Test]
    public void A_lone_surrogate_is_shown_as_a_code_point_and_found_as_invalid_XML()
    {
        // Built at run time: an attribute argument cannot carry a lone surrogate (metadata is UTF-8).
        var value = "x" + (char)0xD800 + "y";

        Assert.That((TextSafety.Printable(value), TextSafety.FirstInvalidXmlIndex(value)), Is.EqualTo(("x\\uD800y", (int?)1)));
    }

    [Test]
    public void Printable_cuts_a_long_value_with_an_ellipsis()
    {
        var shown = TextSafety.Printable(new string('9', 100));

        Assert.That(shown, Is.EqualTo(new string('9', TextSafety.ShownLength) + "…"));
    }

    [Test]
    public void Printable_returns_a_safe_value_as_the_same_string()
    {
        const string value = "policies_20261015.csv";

        Assert.That(TextSafety.Printable(value), Is.SameAs(value));
    }

    [TestCase("ok\ttab\nline\r", null)]
    [TestCase("P1\uFFFE", 2)]
    [TestCase("\u0001P", 0)]
    [TestCase("😀\uFFFF", 2)]
    public void FirstInvalidXmlIndex_finds_what_XML_1_0_cannot_hold(string value, int? index) =>
        Assert.That(TextSafety.FirstInvalidXmlIndex(value), Is.EqualTo(index));
}
