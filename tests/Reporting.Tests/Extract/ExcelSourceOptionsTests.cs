using Reporting.Jobs.Domain;
using Reporting.Jobs.Extract;

namespace Reporting.Tests.Extract;

/// <summary>The Excel keys of a drop-folder source (Format, Sheet, HeaderRow): validated naming the key and the value.</summary>
[TestFixture]
public sealed class ExcelSourceOptionsTests
{
    private static SourceOptions Source(Action<SourceOptions> change)
    {
        var source = new SourceOptions { Name = "cpic", Dataset = ExtractDataset.Claims, Folder = "inbox/cpic", Format = "xlsx" };
        change(source);
        return source;
    }

    [Test]
    public void An_xlsx_source_with_a_sheet_and_a_header_row_is_valid() =>
        Assert.That(Source(s => (s.Sheet, s.HeaderRow) = ("理赔清单", 2)).Validate(), Is.Empty);

    [Test]
    public void An_unknown_format_is_refused_naming_the_key_and_value() =>
        Assert.That(Source(s => s.Format = "ods").Validate(), Is.EqualTo(new[] { "Sources:cpic:Format must be csv, xlsx or xls, got 'ods'." }));

    [TestCase("XLSX")]
    [TestCase(".xls")]
    [TestCase(" csv ")]
    public void A_format_is_read_whatever_its_case_or_leading_dot(string format) =>
        Assert.That(Source(s => s.Format = format).Validate(), Is.Empty);

    [TestCase(0)]
    [TestCase(1_048_577)]
    public void A_header_row_outside_a_worksheet_is_refused(int row) =>
        Assert.That(Source(s => s.HeaderRow = row).Validate().Single(), Does.StartWith("Sources:cpic:HeaderRow must be a row number from 1 to 1048576, got " + row));

    [Test]
    public void A_sheet_index_of_zero_is_refused() =>
        Assert.That(Source(s => s.Sheet = "0").Validate(), Is.EqualTo(new[] { "Sources:cpic:Sheet must be a sheet name or a 1-based index, got '0'." }));

    [Test]
    public void Sheet_and_header_row_on_a_csv_source_are_refused() =>
        Assert.That(Source(s => (s.Format, s.HeaderRow) = ("csv", 2)).Validate().Single(), Does.StartWith("Sources:cpic:Sheet and HeaderRow apply to Excel sources only"));

    [TestCase("xlsx", "cpic_YYYYMMDD.xlsx")]
    [TestCase("xls", "cpic_YYYYMMDD.xls")]
    [TestCase("csv", "cpic_YYYYMMDD.csv")]
    public void The_default_file_pattern_ends_in_the_format_s_extension(string format, string pattern) =>
        Assert.That(Source(s => s.Format = format).EffectiveFilePattern, Is.EqualTo(pattern));
}
