using OfficeOpenXml;

namespace Reporting.Bench;

/// <summary>
/// A large CPIC-style claims workbook for the Excel streaming figure: sheet 理赔清单, a title row,
/// the Chinese headers of <c>cpic_claims</c>, date cells, numbers, a 合计 row at the end.
/// </summary>
internal static class ExcelBench
{
    private static readonly string[] Headers =
    [
        "赔案号", "保险公司", "保单号", "车架号", "出险日期", "报案日期", "送修门店", "是否送修", "定损金额", "赔付金额", "案件状态", "结案日期",
    ];

    public static void Write(string path, long rows)
    {
        using var package = new ExcelPackage();
        var sheet = package.Workbook.Worksheets.Add("理赔清单");
        sheet.Cells[1, 1].Value = "太平洋产险 车商渠道理赔清单 2026-10-15";
        for (var c = 0; c < Headers.Length; c++)
        {
            sheet.Cells[2, c + 1].Value = Headers[c];
        }

        var start = new DateTime(2024, 1, 1);
        for (var i = 0; i < rows; i++)
        {
            var row = i + 3;
            var loss = start.AddDays(i % 1000);
            var closed = i % 3 == 0;
            sheet.Cells[row, 1].Value = "CSZH" + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
            sheet.Cells[row, 2].Value = "CPIC";
            sheet.Cells[row, 3].Value = "ASZHC" + (i / 2).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
            sheet.Cells[row, 4].Value = "LSVAB" + (i % 1_000_000_000_000).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
            sheet.Cells[row, 5].Value = loss;
            sheet.Cells[row, 6].Value = loss.AddDays(1);
            sheet.Cells[row, 7].Value = "B0" + ((i % 6) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            sheet.Cells[row, 8].Value = i % 4 == 0 ? "否" : "是";
            sheet.Cells[row, 9].Value = 1000 + (i % 9000) + 0.5;
            sheet.Cells[row, 10].Value = closed ? 1000 + (i % 9000) + 0.5 : 0d;
            sheet.Cells[row, 11].Value = closed ? "已结案" : "未决";
            if (closed)
            {
                sheet.Cells[row, 12].Value = loss.AddDays(20);
            }
        }

        sheet.Cells[3, 5, (int)rows + 2, 6].Style.Numberformat.Format = "yyyy-mm-dd";
        sheet.Cells[3, 12, (int)rows + 2, 12].Style.Numberformat.Format = "yyyy-mm-dd";
        sheet.Cells[(int)rows + 3, 1].Value = "合计";
        package.SaveAs(new FileInfo(path));
    }
}
