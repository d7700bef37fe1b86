using System.Globalization;
using System.Text;
using Reporting.Jobs.Demo;

namespace Reporting.Tests.Demo;

/// <summary>
/// The default demo, generated once per test run into a temporary folder and read back with a
/// CSV parser of the tests' own, so the tests check the files, not the generator's objects.
/// </summary>
internal static class GeneratedDemo
{
    private static readonly Lazy<DemoFiles> Default = new(() => Generate(new DemoDataOptions()));
    private static readonly List<string> Folders = [];

    static GeneratedDemo() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static DemoFiles Files => Default.Value;

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>Generates into a fresh temporary folder, deleted when the test run ends.</summary>
    public static DemoFiles Generate(DemoDataOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("reporting-demo-").FullName;
        lock (Folders)
        {
            Folders.Add(folder);
        }

        var summary = DemoDataGenerator.Generate(folder, options);
        return new DemoFiles(folder, options, summary);
    }

    public static void DeleteFolders()
    {
        lock (Folders)
        {
            foreach (var folder in Folders.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }

            Folders.Clear();
        }
    }
}

[SetUpFixture]
public sealed class GeneratedDemoCleanup
{
    [OneTimeTearDown]
    public void DeleteGeneratedFolders() => GeneratedDemo.DeleteFolders();
}

/// <summary>One row of one extract file: its source, file, extract date, line and fields by header.</summary>
internal sealed record ExtractRow(string Source, string File, DateOnly ExtractDate, int Line, IReadOnlyDictionary<string, string> Fields)
{
    public string this[string column] => Fields[column];

    public DateOnly? Date(string column) =>
        Fields[column].Length == 0 ? null : DateOnly.ParseExact(Fields[column], "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public decimal Amount(string column) => decimal.Parse(Fields[column], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}

/// <summary>A generated demo folder, its rows and the facts derived from them.</summary>
internal sealed class DemoFiles
{
    public const string Policies = "policies";
    public const string Claims = "claims";
    public const string FollowUps = "followups";
    public const string Pingan = "pingan_policies";
    public const string Cpic = "cpic_claims";

    private static readonly Dictionary<string, string> CpicColumns = new(StringComparer.Ordinal)
    {
        ["赔案号"] = "claim_no",
        ["保险公司"] = "insurer_code",
        ["保单号"] = "policy_no",
        ["车架号"] = "vin",
        ["出险日期"] = "loss_date",
        ["报案日期"] = "report_date",
        ["送修门店"] = "repair_branch_code",
        ["是否送修"] = "referred",
        ["定损金额"] = "assessed_amount",
        ["赔付金额"] = "paid_amount",
        ["案件状态"] = "status",
        ["结案日期"] = "close_date",
    };

    private static readonly Dictionary<string, string> CpicValues = new(StringComparer.Ordinal)
    {
        ["是"] = "Y",
        ["否"] = "N",
        ["未决"] = "OPEN",
        ["已结案"] = "CLOSED",
        ["注销"] = "WITHDRAWN",
    };

    private static readonly Dictionary<string, string> PinganColumns = new(StringComparer.Ordinal)
    {
        ["保单号"] = "policy_no",
        ["保险公司"] = "insurer_code",
        ["险种"] = "coverage",
        ["业务类型"] = "business_type",
        ["门店代码"] = "branch_code",
        ["业务员工号"] = "advisor_id",
        ["车架号"] = "vin",
        ["车牌号"] = "plate_no",
        ["被保险人"] = "customer_name",
        ["联系电话"] = "customer_phone",
        ["证件号码"] = "customer_id_no",
        ["出单日期"] = "issue_date",
        ["起保日期"] = "effective_date",
        ["终保日期"] = "expiry_date",
        ["保费"] = "premium",
        ["保单状态"] = "status",
        ["退保日期"] = "cancel_date",
        ["退保保费"] = "refund_premium",
    };

    private static readonly Dictionary<string, string> PinganValues = new(StringComparer.Ordinal)
    {
        ["交强险"] = "CTPL",
        ["商业险"] = "COMMERCIAL",
        ["新保"] = "NEW_CAR",
        ["续保"] = "RENEWAL",
        ["转保"] = "TRANSFER_IN",
        ["有效"] = "ACTIVE",
        ["退保"] = "CANCELLED",
    };

    private readonly Dictionary<string, IReadOnlyList<ExtractRow>> _rows = new(StringComparer.Ordinal);
    private readonly Lazy<DemoFacts> _facts;

    public DemoFiles(string folder, DemoDataOptions options, DemoDataSummary summary)
    {
        Folder = folder;
        Options = options;
        Summary = summary;
        _facts = new Lazy<DemoFacts>(() => new DemoFacts(this));
    }

    public string Folder { get; }

    public DemoDataOptions Options { get; }

    public DemoDataSummary Summary { get; }

    public DemoFacts Facts => _facts.Value;

    public string SourceFolder(string source) => Path.Combine(Folder, "inbox", source);

    /// <summary>The CSV files of a source, oldest extract first.</summary>
    public IReadOnlyList<string> CsvFiles(string source) =>
        [.. Directory.GetFiles(SourceFolder(source), "*.csv").Order(StringComparer.Ordinal)];

    public static DateOnly ExtractDateOf(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        return DateOnly.ParseExact(name[^8..], "yyyyMMdd", CultureInfo.InvariantCulture);
    }

    /// <summary>The Excel files of a source, oldest extract first.</summary>
    public IReadOnlyList<string> ExcelFiles(string source) =>
        [.. Directory.GetFiles(SourceFolder(source), "*.xlsx").Order(StringComparer.Ordinal)];

    /// <summary>The rows of a source exactly as written (PINGAN's with its own headers and values; CPIC's from its workbooks, read with EPPlus).</summary>
    public IReadOnlyList<ExtractRow> Rows(string source)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(source, out var rows) && source == Cpic)
            {
                rows = [.. ExcelFiles(source).SelectMany(file => ReadWorkbook(source, file))];
                _rows[source] = rows;
            }
            else if (rows is null)
            {
                var encoding = source == Pingan ? GeneratedDemo.Gb18030 : new UTF8Encoding(false, throwOnInvalidBytes: true);
                rows = [.. CsvFiles(source).SelectMany(file => Read(source, file, encoding))];
                _rows[source] = rows;
            }

            return rows;
        }
    }

    /// <summary>All policy rows in canonical form: <c>policies</c> plus PINGAN's extract mapped to canonical names.</summary>
    public IEnumerable<ExtractRow> CanonicalPolicyRows() =>
        Rows(Policies).Concat(Rows(Pingan).Select(ToCanonical));

    /// <summary>All claim rows in canonical form: <c>claims</c> plus CPIC's workbooks mapped to canonical names.</summary>
    public IEnumerable<ExtractRow> CanonicalClaimRows() =>
        Rows(Claims).Concat(Rows(Cpic).Select(r => r with
        {
            Fields = r.Fields.ToDictionary(f => CpicColumns[f.Key], f => CpicValues.GetValueOrDefault(f.Value, f.Value), StringComparer.Ordinal),
        }));

    /// <summary>
    /// A CPIC workbook's data rows (row 3 on; the title is row 1, the header row 2), the 合计 row
    /// left out: dates as ISO text, amounts with two decimals, as the loader's canonical text.
    /// </summary>
    private static List<ExtractRow> ReadWorkbook(string source, string file)
    {
        var extractDate = ExtractDateOf(file);
        using var package = new OfficeOpenXml.ExcelPackage(new FileInfo(file));
        var sheet = package.Workbook.Worksheets["理赔清单"];
        var last = sheet.Dimension.End.Row;
        var width = sheet.Dimension.End.Column;
        var header = Enumerable.Range(1, width).Select(c => sheet.Cells[2, c].Text).ToList();
        var rows = new List<ExtractRow>();
        for (var row = 3; row <= last; row++)
        {
            if (sheet.Cells[row, 1].Text == "合计")
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 1; c <= width; c++)
            {
                // EPPlus reads a date cell back as its serial number; its format says it is a date.
                var cell = sheet.Cells[row, c];
                fields[header[c - 1]] = cell.Value switch
                {
                    null => "",
                    double serial when cell.Style.Numberformat.Format == "yyyy-mm-dd" => DateTime.FromOADate(serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTime date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    double number => ((decimal)number).ToString("0.00", CultureInfo.InvariantCulture),
                    var value => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
                };
            }

            rows.Add(new ExtractRow(source, file, extractDate, row, fields));
        }

        return rows;
    }

    private static ExtractRow ToCanonical(ExtractRow row)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (header, value) in row.Fields)
        {
            var column = PinganColumns[header];
            var mapped = PinganValues.GetValueOrDefault(value, value);
            if (column.EndsWith("_date", StringComparison.Ordinal) && mapped.Length > 0)
            {
                mapped = DateOnly.ParseExact(mapped, "yyyy/MM/dd", CultureInfo.InvariantCulture)
                    .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            fields[column] = mapped;
        }

        return row with { Fields = fields };
    }

    private static IEnumerable<ExtractRow> Read(string source, string file, Encoding encoding)
    {
        var extractDate = ExtractDateOf(file);
        var text = File.ReadAllText(file, encoding);
        using var records = RfcCsv.Parse(text).GetEnumerator();
        if (!records.MoveNext())
        {
            yield break;
        }

        var header = records.Current;
        var line = 1;
        while (records.MoveNext())
        {
            line++;
            var record = records.Current;
            if (record.Count != header.Count)
            {
                throw new FormatException($"{file} line {line}: {record.Count} fields, header has {header.Count}");
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                fields[header[i]] = record[i];
            }

            yield return new ExtractRow(source, file, extractDate, line, fields);
        }
    }
}

/// <summary>An RFC 4180 reader: quoted fields with doubled quotes, LF or CRLF line ends.</summary>
internal static class RfcCsv
{
    public static IEnumerable<List<string>> Parse(string text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var record = new List<string>();
            while (true)
            {
                var field = new StringBuilder();
                if (position < text.Length && text[position] == '"')
                {
                    position++;
                    while (true)
                    {
                        if (position >= text.Length)
                        {
                            throw new FormatException("Unterminated quoted field");
                        }

                        if (text[position] == '"')
                        {
                            if (position + 1 < text.Length && text[position + 1] == '"')
                            {
                                field.Append('"');
                                position += 2;
                                continue;
                            }

                            position++;
                            break;
                        }

                        field.Append(text[position++]);
                    }
                }
                else
                {
                    while (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                    {
                        if (text[position] == '"')
                        {
                            throw new FormatException("A quote inside an unquoted field");
                        }

                        field.Append(text[position++]);
                    }
                }

                record.Add(field.ToString());
                if (position < text.Length && text[position] == ',')
                {
                    position++;
                    continue;
                }

                if (position < text.Length && text[position] == '\r')
                {
                    position++;
                }

                if (position < text.Length && text[position] == '\n')
                {
                    position++;
                }

                break;
            }

            yield return record;
        }
    }
}
