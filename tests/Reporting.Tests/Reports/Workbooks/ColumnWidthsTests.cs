using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Tests.Reports.Workbooks;

public sealed class ColumnWidthsTests
{
    [TestCase("B01", 3)]
    [TestCase("门店", 4)]
    [TestCase("深圳福田丰田4S店", 16)]
    [TestCase("（无门店）", 10)]
    [TestCase("保单号\nPolicy no.", 10)]
    [TestCase("", 0)]
    [TestCase("𠀀A", 3)]
    [TestCase("短\n长一些", 6)]
    public void Display_width_counts_a_CJK_character_as_two_Latin_ones(string text, double expected) =>
        Assert.That(ColumnWidths.Of(text), Is.EqualTo(expected));

    [Test]
    public void A_column_of_Chinese_names_is_wider_than_one_of_codes_of_as_many_characters() =>
        Assert.That(ColumnWidths.ForText(ColumnWidths.Of("深圳南山本田")), Is.GreaterThan(ColumnWidths.ForText(ColumnWidths.Of("ABCDEF"))));

    [Test]
    public async Task In_the_workbook_the_branch_name_column_is_wider_than_the_branch_code_column()
    {
        var output = await Jobs.Reports.CommissionWorkbook.CommissionReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf, WorkbookBook.October);
        using var package = new OfficeOpenXml.ExcelPackage(new MemoryStream(output.Workbook));
        var detail = package.Workbook.Worksheets["保单明细"];

        Assert.That(detail.Column(2).Width, Is.GreaterThan(detail.Column(1).Width), "a 9-character Chinese name against a 3-character code under a longer header");
        Assert.That(detail.Column(2).Width, Is.EqualTo(ColumnWidths.ForText(ColumnWidths.Of("深圳福田丰田4S店"))));
    }

    [TestCase(0.18, "0.00%")]
    [TestCase(0.04, "0.00%")]
    [TestCase(0.125, "0.00%")]
    [TestCase(0.12345, "0.000%")]
    public void A_configured_rate_is_shown_with_all_its_digits(decimal rate, string format) =>
        Assert.That(WorkbookFormats.ConfiguredRate(rate), Is.EqualTo(format));
}
