using System.IO.Compression;
using System.Text;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>
/// Issue 14, defect 5: the read-back check a run makes on every workbook before it delivers it, on
/// deliberately broken packages, and the write step that keeps a broken workbook out of the output
/// folder.
/// </summary>
public sealed class WorkbookCheckTests
{
    private const string FileName = "commission_2026-10.xlsx";
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-workbook-check-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task A_workbook_as_written_passes()
    {
        Assert.That(WorkbookCheck.ProblemOf(FileName, await GoodAsync()), Is.Null);
    }

    [TestCase("xl/sharedStrings.xml", "Summary", TestName = "A_U_FFFE_in_the_shared_strings_fails_naming_the_part")]
    [TestCase("xl/worksheets/sheet4.xml", "P-103", TestName = "A_U_FFFE_in_a_streamed_sheet_fails_naming_the_part")]
    public async Task A_character_XML_cannot_hold_fails_naming_the_file_and_the_part(string part, string text)
    {
        var broken = Rewrite(await GoodAsync(), part, xml => xml.Replace(text, text + "\uFFFE", StringComparison.Ordinal));

        var problem = WorkbookCheck.ProblemOf(FileName, broken);

        Assert.That(problem, Does.Contain(FileName).And.Contain(part).And.Contain("0xFFFE"));
    }

    [Test]
    public async Task A_part_that_is_not_well_formed_fails()
    {
        var broken = Rewrite(await GoodAsync(), "xl/worksheets/sheet1.xml", xml => xml.Replace("</sheetData>", "", StringComparison.Ordinal));

        Assert.That(WorkbookCheck.ProblemOf(FileName, broken), Does.Contain("xl/worksheets/sheet1.xml").And.Contain("not well-formed"));
    }

    [Test]
    public async Task A_truncated_package_fails()
    {
        var good = await GoodAsync();

        Assert.That(WorkbookCheck.ProblemOf(FileName, good[..(good.Length / 2)]), Does.Contain(FileName).And.Contain("not a zip package"));
    }

    [Test]
    public async Task A_package_without_a_sheet_its_workbook_names_fails()
    {
        var broken = Drop(await GoodAsync(), "xl/worksheets/sheet2.xml");

        Assert.That(WorkbookCheck.ProblemOf(FileName, broken), Does.Contain("xl/worksheets/sheet2.xml"));
    }

    [Test]
    public async Task A_package_without_a_workbook_part_fails()
    {
        var broken = Drop(await GoodAsync(), "xl/workbook.xml");

        Assert.That(WorkbookCheck.ProblemOf(FileName, broken), Does.Contain("has no xl/workbook.xml"));
    }

    [Test]
    public void Bytes_that_are_not_a_zip_fail()
    {
        Assert.That(WorkbookCheck.ProblemOf(FileName, "not a workbook"u8.ToArray()), Does.Contain("not a zip package"));
    }

    [Test]
    public async Task A_checked_workbook_is_put_in_the_output_folder()
    {
        var good = await GoodAsync();
        var path = Path.Combine(_folder, FileName);

        var problem = await ReportRunner.WriteCheckedAsync(path, good, dryRun: false, CancellationToken.None);

        Assert.That(problem, Is.Null);
        Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(good));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { FileName }));
    }

    [Test]
    public async Task A_workbook_that_cannot_be_opened_again_fails_the_write_and_is_not_put_in_the_output_folder()
    {
        var broken = Rewrite(await GoodAsync(), "xl/sharedStrings.xml", xml => xml.Replace("Summary", "Sum\uFFFEmary", StringComparison.Ordinal));
        var path = Path.Combine(_folder, FileName);

        var problem = await ReportRunner.WriteCheckedAsync(path, broken, dryRun: false, CancellationToken.None);

        Assert.That(problem, Does.StartWith($"the workbook {FileName} cannot be opened again: xl/sharedStrings.xml"));
        Assert.That(Directory.GetFiles(_folder), Is.Empty, "neither the workbook nor its temporary file is left");
    }

    [Test]
    public async Task A_broken_rerun_leaves_the_earlier_workbook_as_it_was()
    {
        var good = await GoodAsync();
        var path = Path.Combine(_folder, FileName);
        await File.WriteAllBytesAsync(path, good);

        var problem = await ReportRunner.WriteCheckedAsync(path, Drop(good, "xl/workbook.xml"), dryRun: false, CancellationToken.None);

        Assert.That(problem, Is.Not.Null);
        Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(good));
    }

    [Test]
    public async Task A_dry_run_checks_the_workbook_and_writes_nothing()
    {
        var broken = Drop(await GoodAsync(), "xl/workbook.xml");

        var problem = await ReportRunner.WriteCheckedAsync(Path.Combine(_folder, FileName), broken, dryRun: true, CancellationToken.None);

        Assert.That(problem, Does.Contain(FileName));
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
    }

    private static async Task<byte[]> GoodAsync() =>
        (await CommissionReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf, WorkbookBook.October)).Workbook;

    /// <summary>The package with one XML part changed (as text, UTF-8 without BOM).</summary>
    private static byte[] Rewrite(byte[] workbook, string part, Func<string, string> change) => Copy(workbook, (name, bytes) =>
    {
        if (name != part)
        {
            return bytes;
        }

        var changed = change(Encoding.UTF8.GetString(bytes));
        Assert.That(changed, Is.Not.EqualTo(Encoding.UTF8.GetString(bytes)), "the change applies to " + part);
        return Encoding.UTF8.GetBytes(changed);
    });

    private static byte[] Drop(byte[] workbook, string part) => Copy(workbook, (name, bytes) => name == part ? null : bytes);

    private static byte[] Copy(byte[] workbook, Func<string, byte[], byte[]?> entry)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var from in source.Entries)
            {
                using var read = new MemoryStream();
                using (var stream = from.Open())
                {
                    stream.CopyTo(read);
                }

                if (entry(from.FullName, read.ToArray()) is { } bytes)
                {
                    using var to = target.CreateEntry(from.FullName).Open();
                    to.Write(bytes);
                }
            }
        }

        return output.ToArray();
    }
}
