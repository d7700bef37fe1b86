using Reporting.Jobs.Extract;

namespace Reporting.Tests.Extract;

public sealed class FieldTextTests
{
    [TestCase(" P001 ", "P001")]
    [TestCase("P001\u200B", "P001")]
    [TestCase("\uFEFF\u2060P001\u00AD", "P001")]
    [TestCase("\u3000商业险\u200B", "商业险")]
    [TestCase("P\u200B001", "P\u200B001")]
    [TestCase("\u0000P001", "\u0000P001")]
    [TestCase("\u200B", "")]
    public void Trim_removes_white_space_and_invisible_characters_at_the_ends_only(string value, string trimmed) =>
        Assert.That(FieldText.Trim(value), Is.EqualTo(trimmed));

    [TestCase("P\u200B001", false, "contains an invisible character (U+200B) at position 2")]
    [TestCase("P\u0000", false, "contains a control character (U+0000) at position 2")]
    [TestCase("P\uFDD0", true, "contains a non-character (U+FDD0) at position 2")]
    [TestCase("a\nb", false, "contains a line break (U+000A) at position 2")]
    [TestCase("a\u0007", true, "contains a control character (U+0007) at position 2")]
    public void Problem_names_the_first_forbidden_character(string value, bool freeText, string problem) =>
        Assert.That(FieldText.Problem(value, freeText), Is.EqualTo(problem));

    [Test]
    public void Problem_names_an_unpaired_surrogate_even_in_free_text() =>
        Assert.That(FieldText.Problem("a" + (char)0xD800 + "b", freeText: true), Is.EqualTo("contains an unpaired surrogate (U+D800) at position 2"));

    [TestCase("LSVAB1234567890AB", false)]
    [TestCase("张三", false)]
    [TestCase("客户\t说:\r\n下周👨\u200D👩再联系", true)]
    public void Problem_accepts_ordinary_text(string value, bool freeText) =>
        Assert.That(FieldText.Problem(value, freeText), Is.Null);
}
