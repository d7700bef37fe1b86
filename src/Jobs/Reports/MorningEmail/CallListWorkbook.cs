// SPEC §4 branch morning email (the whole call list), §7 personal data: masked values only.
using System.Globalization;
using System.Text;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.Workbooks;
using static Reporting.Jobs.Reports.Workbooks.SheetTable;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// A branch's whole call list as a workbook (<c>call_list_B01_2026-11-21.xlsx</c>), attached to its
/// morning email when the email shows only the most urgent rows. One sheet, 待跟进名单, in the
/// email's order, with the email's columns: the customer's name, phone and plate as masked in the
/// model (<see cref="CallListEntry"/> carries nothing else; no ID number). Built with the shared
/// workbook layer (<see cref="DeterministicWorkbook"/>, <see cref="SheetTable"/>): byte-identical on a rerun.
/// </summary>
public static class CallListWorkbook
{
    public const string SheetName = "待跟进名单";

    private static readonly WorkbookColumn[] Columns =
    [
        new("终保日期", "Expiry", WorkbookFormats.Date), new("剩余天数", "Days left", "0"), new("保单号", "Policy no."),
        new("保险公司", "Insurer"), new("险种", "Coverage"), new("保费", "Premium", WorkbookFormats.Yuan),
        new("客户", "Customer"), new("电话", "Phone"), new("车牌", "Plate"),
        new("最近跟进", "Last contact", WorkbookFormats.Date), new("跟进结果", "Outcome"), new("顾问", "Advisor"),
    ];

    private const int CPremium = 6;

    /// <summary>
    /// <c>call_list_&lt;branch&gt;_&lt;yyyy-MM-dd&gt;.xlsx</c>, ASCII like the other workbooks' names: a character
    /// of the branch code other than a letter, digit, <c>-</c> or <c>_</c> becomes <c>_</c> (a code is
    /// data, and a file name must not carry <c>/</c>, quotes or controls).
    /// </summary>
    public static string FileName(string branchCode, DateOnly businessDate)
    {
        ArgumentNullException.ThrowIfNull(branchCode);
        var code = new StringBuilder(branchCode.Length);
        foreach (var c in branchCode)
        {
            code.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return string.Create(CultureInfo.InvariantCulture, $"call_list_{code}_{businessDate:yyyy-MM-dd}.xlsx");
    }

    /// <summary>The workbook of <paramref name="email"/>'s whole call list.</summary>
    public static byte[] Write(BranchMorningEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var list = email.CallList;
        var date = WorkbookFormats.DateText(email.BusinessDate);
        var title = string.Create(
            CultureInfo.InvariantCulture,
            $"{SheetName} Call list — {email.Branch.Display}（{email.Branch.Code}），{WorkbookFormats.DateText(email.CallListFrom)} 至 {WorkbookFormats.DateText(email.CallListTo)} 到期、{WorkbookFormats.DateText(email.RecentContactFrom)} 以来无跟进的待续保单，共 {WorkbookFormats.CountText(list.Count)} 件（业务日期 {date}，客户信息已脱敏）");
        using var package = DeterministicWorkbook.Create($"{SheetName} {email.Branch.Code} {date}", "Call list");
        var sheet = new SheetTable(package, SheetName, title, Columns);
        sheet.Stream(list.Count, (i, cells) =>
        {
            var e = list[i];
            cells.Cell(1, e.ExpiryDate);
            cells.Cell(2, e.DaysToExpiry);
            cells.Cell(3, e.PolicyNo);
            cells.Cell(4, e.InsurerName);
            cells.Cell(5, EmailFormats.CoverageLabel(e.Coverage));
            cells.Cell(6, e.Premium);
            cells.Cell(7, e.MaskedName);
            cells.Cell(8, e.MaskedPhone);
            cells.Cell(9, e.MaskedPlate);
            cells.Cell(10, e.LastContactDate);
            cells.Cell(11, e.LastOutcome is { } outcome ? EmailFormats.OutcomeLabel(outcome) : "无记录 None");
            cells.Cell(12, e.AdvisorName.Length > 0 ? e.AdvisorName : null);
        });

        var block = sheet.EndRows(FirstRow + list.Count);
        sheet.Totals(block, [CPremium], list.Sum(e => e.Premium));
        sheet.Finish(block.Last);
        return DeterministicWorkbook.Save(package);
    }
}
