using Reporting.Jobs.Reports;

namespace Reporting.Tests.Reports;

/// <summary>SPEC §7: emails show masked values only (张*, 138****1234, 粤B***45).</summary>
public sealed class PersonalDataTests
{
    [TestCase("张三", "张*")]
    [TestCase("王小明", "王**")]
    [TestCase("欧阳娜娜", "欧***")]
    [TestCase(" 李四 ", "李*")]
    [TestCase("张", "*")]
    [TestCase("𠀀明", "𠀀*")] // a surname outside the BMP (a surrogate pair) is one character
    [TestCase("<script>alert(1)</script>", "<************************")]
    [TestCase("", "")]
    [TestCase("   ", "")]
    [TestCase(null, "")]
    public void A_name_keeps_its_first_character_and_masks_each_other_one(string? name, string expected) =>
        Assert.That(PersonalData.MaskName(name), Is.EqualTo(expected));

    [TestCase("13812341234", "138****1234")]
    [TestCase("138 1234 1234", "138****1234")]
    [TestCase("138-1234-1234", "138****1234")]
    [TestCase("+86 138 1234 1234", "138****1234")]
    [TestCase("008613812341234", "138****1234")]
    [TestCase("0755-83451234", "075****1234")]
    [TestCase("83451234", "****1234")]
    [TestCase("1234567", "****4567")]
    [TestCase("123456", "****")]
    [TestCase("", "")]
    [TestCase(null, "")]
    public void A_phone_keeps_at_most_its_first_three_and_last_four_digits(string? phone, string expected) =>
        Assert.That(PersonalData.MaskPhone(phone), Is.EqualTo(expected));

    [TestCase("粤B12345", "粤B***45")]
    [TestCase("粤BD12345", "粤B****45")]
    [TestCase("粤B1234", "粤B**34")]
    [TestCase("未上牌", "***")]
    [TestCase("粤B12", "****")]
    [TestCase("", "")]
    [TestCase(null, "")]
    public void A_plate_keeps_its_first_two_and_last_two_characters(string? plate, string expected) =>
        Assert.That(PersonalData.MaskPlate(plate), Is.EqualTo(expected));

    [Test]
    public void A_masked_mobile_number_no_longer_matches_an_eleven_digit_mobile_number() =>
        Assert.That(PersonalData.MaskPhone("13912345678"), Does.Not.Match(@"1[3-9]\d{9}"));
}
