using OfficeOpenXml;

namespace Reporting.Testing.Extracts;

/// <summary>An Excel error in a test row: the formula whose cached result it is (<c>NA()</c> is <c>#N/A</c>).</summary>
public sealed record ExcelFormulaCell(string Formula);

/// <summary>
/// CPIC-style claims workbooks for tests, written with EPPlus: sheet 理赔清单, a title row, the
/// Chinese headers of <c>cpic_claims</c> in <c>config/sources.json</c> on row 2, typed cells
/// (<see cref="DateTime"/> date cells, <see cref="double"/> numbers). A test breaks any cell:
/// <c>ExcelExtract.Claim("C1", assessed: -1d)</c>.
/// </summary>
public static class ExcelExtract
{
    public const string Sheet = "理赔清单";

    public const string Title = "太平洋产险 车商渠道理赔清单";

    public static readonly string[] ClaimHeaders =
    [
        "赔案号", "保险公司", "保单号", "车架号", "出险日期", "报案日期", "送修门店", "是否送修", "定损金额", "赔付金额", "案件状态", "结案日期",
    ];

    /// <summary>The CSV line of the same claim in canonical form, for comparing the two.</summary>
    public static string CanonicalHeader => string.Join(",", "claim_no", "insurer_code", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code", "referred", "assessed_amount", "paid_amount", "status", "close_date");

    /// <summary>An empty cell, where a parameter's null means "the default".</summary>
    public static readonly object Blank = new();

    public static object?[] Claim(
        string claimNo,
        object? insurer = null,
        object? policyNo = null,
        object? vin = null,
        object? loss = null,
        object? report = null,
        object? repairBranch = null,
        object? referred = null,
        object? assessed = null,
        object? paid = null,
        object? status = null,
        object? close = null) =>
        [
            claimNo, insurer ?? "CPIC", policyNo ?? "P1", vin ?? "LSVAB1234567890AB", loss ?? new DateTime(2026, 10, 3), report ?? new DateTime(2026, 10, 4),
            repairBranch ?? "B01", referred ?? "是", assessed ?? 5000d, paid ?? 0d, status ?? "未决", close,
        ];

    /// <summary>
    /// Writes a workbook: the title row (when <paramref name="title"/> is not null), the header, the
    /// rows from the next row on; <paramref name="edit"/> changes anything before saving.
    /// </summary>
    public static string Write(
        string path, IEnumerable<object?[]> rows, string sheet = Sheet, string? title = Title, IReadOnlyList<string>? headers = null, Action<ExcelPackage>? edit = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var package = new ExcelPackage();
        var ws = package.Workbook.Worksheets.Add(sheet);
        var row = 1;
        if (title is not null)
        {
            ws.Cells[row++, 1].Value = title;
        }

        headers ??= ClaimHeaders;
        for (var c = 0; c < headers.Count; c++)
        {
            ws.Cells[row, c + 1].Value = headers[c];
        }

        foreach (var values in rows)
        {
            row++;
            for (var c = 0; c < values.Length; c++)
            {
                var cell = ws.Cells[row, c + 1];
                switch (values[c])
                {
                    case var blank when ReferenceEquals(blank, Blank):
                        break;
                    case ExcelFormulaCell formula:
                        cell.Formula = formula.Formula;
                        break;
                    case DateTime date:
                        cell.Value = date;
                        cell.Style.Numberformat.Format = "yyyy-mm-dd";
                        break;
                    default:
                        cell.Value = values[c];
                        break;
                }
            }
        }

        ws.Calculate();
        edit?.Invoke(package);
        var file = new FileInfo(path);
        if (password is null)
        {
            package.SaveAs(file);
        }
        else
        {
            package.SaveAs(file, password);
        }

        return path;
    }
}
