using System.Text.RegularExpressions;
using OfficeOpenXml;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Jobs.Reports.Workbooks;

namespace Reporting.Tests.Reports.Workbooks;

/// <summary>
/// The exact-match criteria of the workbooks' SUMIFS/COUNTIFS (issue 14). What LibreOffice computes
/// with it is tested in Reporting.IntegrationTests (HostileCodeWorkbookRecalculationTests).
/// </summary>
public sealed partial class CriteriaTests
{
    [Test]
    public void Equal_puts_the_equals_operator_before_the_cell_value_with_tilde_star_and_question_mark_escaped_in_that_order()
    {
        Assert.That(
            Criteria.Equal("A3"),
            Is.EqualTo("\"=\"&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(A3,\"~\",\"~~\"),\"*\",\"~*\"),\"?\",\"~?\")"));
    }

    [TestCase("$B$7")]
    [TestCase("'对账'!$B$7")]
    [TestCase("'it''s'!XFD1048576")]
    public void Equal_takes_an_absolute_or_sheet_qualified_cell_reference_as_it_is(string reference)
    {
        Assert.That(Criteria.Equal(reference), Does.Contain("SUBSTITUTE(" + reference + ",\"~\",\"~~\")"));
    }

    [TestCase("")]
    [TestCase("B*")]
    [TestCase(">0")]
    [TestCase("\"B01\"")]
    [TestCase("A1:A3")]
    [TestCase("A0")]
    [TestCase("A3,\"x\"")]
    [TestCase("'a'b'!A1")]
    public void Equal_refuses_anything_but_a_single_cell_reference(string notAReference)
    {
        Assert.That(() => Criteria.Equal(notAReference), Throws.ArgumentException);
    }

    /// <summary>The guard for writers to come: no criteria of a …IFS formula is a bare cell or a literal.</summary>
    [Test]
    public async Task Every_criteria_of_every_IFS_formula_in_both_workbooks_is_an_exact_match()
    {
        var commission = await CommissionReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf, WorkbookBook.October);
        var review = await RenewalReviewReport.BuildAsync(WorkbookBook.Context(), WorkbookBook.AsOf);
        var criteria = CriteriaOf(commission.Workbook).Concat(CriteriaOf(review.Workbook)).ToList();

        Assert.That(criteria, Has.Count.GreaterThan(100), "the workbooks' SUMIFS and COUNTIFS were found");
        Assert.That(criteria.Where(c => !ExactMatch().IsMatch(c.Criteria) || Criteria.Equal(ExactMatch().Match(c.Criteria).Groups[1].Value) != c.Criteria), Is.Empty);
    }

    /// <summary>The criteria arguments of every SUMIF(S), COUNTIF(S), AVERAGEIF(S), MAXIFS, MINIFS in the workbook.</summary>
    private static List<(string Cell, string Criteria)> CriteriaOf(byte[] workbook)
    {
        using var package = new ExcelPackage(new MemoryStream(workbook));
        var found = new List<(string, string)>();
        foreach (var sheet in package.Workbook.Worksheets)
        {
            foreach (var cell in sheet.Cells[sheet.Dimension.Address].Where(c => c.Formula.Length > 0))
            {
                foreach (Match call in IfsCall().Matches(cell.Formula))
                {
                    var arguments = Arguments(cell.Formula, call.Index + call.Length);
                    var name = call.Groups[1].Value;
                    var first = name is "COUNTIFS" or "COUNTIF" or "SUMIF" or "AVERAGEIF" ? 1 : 2;
                    for (var i = first; i < arguments.Count; i += 2)
                    {
                        found.Add((sheet.Name + "!" + cell.Address, arguments[i]));
                        if (name is "SUMIF" or "COUNTIF" or "AVERAGEIF")
                        {
                            break;
                        }
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The top-level arguments of the call whose opening parenthesis ends at <paramref name="start"/>.</summary>
    private static List<string> Arguments(string formula, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var quoted = false;
        var from = start;
        for (var i = start; i < formula.Length; i++)
        {
            var c = formula[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && (c == ',' || c == ')') && depth == 0)
            {
                arguments.Add(formula[from..i]);
                from = i + 1;
                if (c == ')')
                {
                    break;
                }
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
        }

        return arguments;
    }

    [GeneratedRegex(@"\b(SUMIFS|COUNTIFS|AVERAGEIFS|MAXIFS|MINIFS|SUMIF|COUNTIF|AVERAGEIF)\(")]
    private static partial Regex IfsCall();

    [GeneratedRegex(@"^""=""&SUBSTITUTE\(SUBSTITUTE\(SUBSTITUTE\(([^,]+),")]
    private static partial Regex ExactMatch();
}
