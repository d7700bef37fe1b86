using System.Globalization;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;

namespace Reporting.Jobs.Reports.Workbooks;

/// <summary>
/// Names and Chinese labels for codes (SPEC §8 glossary): branch, advisor and insurer names from
/// the reference data (a code that is not configured shows as itself), coverages, lost reasons and
/// expiry windows.
/// </summary>
public sealed class ReportLabels
{
    /// <summary>The key the workbooks use for advisor rows of policies sold without a branch.</summary>
    public const string NoBranch = "（无门店）";

    private readonly Dictionary<string, string> _branches;
    private readonly Dictionary<string, string> _advisors;
    private readonly Dictionary<string, string> _insurers;

    public ReportLabels(ReferenceDataOptions reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _branches = Index(reference.Branches.Select(b => (b.Code, b.Name)));
        _advisors = Index(reference.Advisors.Select(a => (a.Id, a.Name)));
        _insurers = Index(reference.Insurers.Select(i => (i.Code, i.Name)));
    }

    public string Branch(string? code) =>
        code is null ? "无门店 No branch" : _branches.GetValueOrDefault(code, code);

    public string Advisor(string code) => _advisors.GetValueOrDefault(code, code);

    public string Insurer(string code) => _insurers.GetValueOrDefault(code, code);

    public static string Coverage(Coverage coverage) => coverage switch
    {
        Domain.Coverage.COMMERCIAL => "商业险",
        Domain.Coverage.CTPL => "交强险",
        _ => coverage.ToString(),
    };

    /// <summary>战败原因 labels for the reasons of SPEC §2.3 and §3.6.</summary>
    public static string LostReason(string reason) => reason switch
    {
        nameof(Domain.LostReason.PRICE) => "价格因素",
        nameof(Domain.LostReason.INSURED_ELSEWHERE) => "已在他处投保",
        nameof(Domain.LostReason.FRIEND_AT_INSURER) => "亲友在保险公司",
        nameof(Domain.LostReason.VEHICLE_SOLD) => "车辆已出售",
        nameof(Domain.LostReason.SERVICE_COMPLAINT) => "服务投诉",
        nameof(Domain.LostReason.OTHER) => "其他",
        LostReasons.NotContacted => "未跟进",
        LostReasons.NoReason => "未登记原因",
        _ => reason,
    };

    /// <summary>A window's lead range in words: 到期前 61–90 天, 到期后 0–30 天.</summary>
    public static string Window(ExpiryWindowOptions window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.LowerDays > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"到期前 {window.LowerDays}–{window.UpperDays} 天");
        }

        return window.UpperDays <= 0
            ? string.Create(CultureInfo.InvariantCulture, $"到期后 {-window.UpperDays}–{-window.LowerDays} 天")
            : string.Create(CultureInfo.InvariantCulture, $"提前 {window.LowerDays}…{window.UpperDays} 天");
    }

    private static Dictionary<string, string> Index(IEnumerable<(string Code, string Name)> entries)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (code, name) in entries)
        {
            index.TryAdd(code, string.IsNullOrWhiteSpace(name) ? code : name);
        }

        return index;
    }
}
