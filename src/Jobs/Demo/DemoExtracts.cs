using System.Globalization;
using System.Text;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Demo;

/// <summary>
/// A generated policy in its final state (a planned cancellation included), with what the
/// canonical <see cref="Domain.Policy"/> does not keep: the customer's ID number, and the VIN as
/// the history extract spells it (now and then lower case or full-width, as insurers' systems do).
/// </summary>
internal sealed record DemoPolicy(Policy Policy, string CustomerIdNo, string VinInHistory);

/// <summary>
/// The extract files of one generation: per source a history file dated
/// <see cref="DemoDataOptions.HistoryEnd"/> and one file per later day through the business date.
/// Each event is written to the file of the day it happened, as the version of the row that
/// file's extract date knows: a policy issued and cancelled before the history ends is one
/// cancelled row; cancelled later, it is sent again, cancelled, in the file of its cancel date.
/// </summary>
/// <remarks>
/// The history file streams to disk; the daily files are small and are kept in memory until
/// <see cref="Complete"/>, so only a handful of files is ever open. Every CSV is closed before
/// its <c>.done</c> marker is written.
/// </remarks>
internal sealed class DemoExtracts : IDisposable
{
    public const string PoliciesSource = "policies";
    public const string ClaimsSource = "claims";
    public const string FollowUpsSource = "followups";
    public const string PinganPoliciesSource = "pingan_policies";
    public const string CpicClaimsSource = "cpic_claims";

    internal static readonly string[] PolicyColumns =
    [
        "policy_no", "insurer_code", "coverage", "business_type", "branch_code", "advisor_id", "vin", "plate_no",
        "customer_name", "customer_phone", "customer_id_no", "issue_date", "effective_date", "expiry_date", "premium",
        "status", "cancel_date", "refund_premium",
    ];

    internal static readonly string[] ClaimColumns =
    [
        "claim_no", "insurer_code", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code", "referred",
        "assessed_amount", "paid_amount", "status", "close_date",
    ];

    internal static readonly string[] FollowUpColumns =
    [
        "followup_id", "insurer_code", "policy_no", "branch_code", "advisor_id", "contact_date", "channel", "outcome",
        "lost_reason", "note",
    ];

    internal static readonly string[] PinganPolicyColumns =
    [
        "保单号", "保险公司", "险种", "业务类型", "门店代码", "业务员工号", "车架号", "车牌号", "被保险人", "联系电话", "证件号码",
        "出单日期", "起保日期", "终保日期", "保费", "保单状态", "退保日期", "退保保费",
    ];

    /// <summary>太保产险's claims list as its dealer portal exports it (.xlsx): sheet 理赔清单, a title row, these headers.</summary>
    internal static readonly string[] CpicClaimColumns =
    [
        "赔案号", "保险公司", "保单号", "车架号", "出险日期", "报案日期", "送修门店", "是否送修", "定损金额", "赔付金额", "案件状态", "结案日期",
    ];

    internal const string CpicSheet = "理赔清单";

    private const string IsoDate = "yyyy-MM-dd";
    private const string PinganDate = "yyyy/MM/dd";
    private const string PinganCode = "PINGAN";
    private const string CpicCode = "CPIC";

    private readonly DateOnly _historyEnd;
    private readonly DateOnly _businessDate;
    private readonly SourceFiles _policies;
    private readonly SourceFiles _claims;
    private readonly SourceFiles _followUps;
    private readonly SourceFiles _pingan;
    private readonly ExcelSourceFiles _cpic;

    public DemoExtracts(string outputDirectory, DemoDataOptions options)
    {
        _historyEnd = options.HistoryEnd;
        _businessDate = options.BusinessDate;
        var inbox = Path.Combine(outputDirectory, "inbox");
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb18030 = Encoding.GetEncoding("GB18030");
        var days = options.DailyExtractDays;
        _policies = new SourceFiles(inbox, PoliciesSource, utf8, "\n", PolicyColumns, _historyEnd, days);
        _claims = new SourceFiles(inbox, ClaimsSource, utf8, "\n", ClaimColumns, _historyEnd, days);
        _followUps = new SourceFiles(inbox, FollowUpsSource, utf8, "\n", FollowUpColumns, _historyEnd, days);
        // An insurer's own export, as its Windows tools write it: GB18030 and CRLF.
        _pingan = new SourceFiles(inbox, PinganPoliciesSource, gb18030, "\r\n", PinganPolicyColumns, _historyEnd, days);
        // An insurer whose portal exports Excel: CPIC's claims, never in the canonical claims files.
        _cpic = new ExcelSourceFiles(inbox, CpicClaimsSource, CpicSheet, "太平洋产险 车商渠道理赔清单", CpicClaimColumns, [8, 9], _historyEnd, days);
    }

    /// <summary>Writes the policy on its issue date and, cancelled later, again on its cancel date.</summary>
    public void Policy(DemoPolicy policy)
    {
        var p = policy.Policy;
        var issued = FileIndex(p.IssueDate);
        if (issued < 0)
        {
            return;
        }

        WritePolicy(policy, issued);
        if (p.CancelDate is { } cancelled && FileIndex(cancelled) is var index and >= 0 && index != issued)
        {
            WritePolicy(policy, index);
        }
    }

    /// <summary>Writes the claim on its report date and, closed later, again on its close date.</summary>
    public void Claim(Claim claim)
    {
        var reported = FileIndex(claim.ReportDate);
        if (reported < 0)
        {
            return;
        }

        WriteClaim(claim, reported);
        if (claim.CloseDate is { } closed && FileIndex(closed) is var index and >= 0 && index != reported)
        {
            WriteClaim(claim, index);
        }
    }

    public void FollowUp(FollowUp followUp)
    {
        var index = FileIndex(followUp.ContactDate);
        if (index < 0)
        {
            return;
        }

        var w = _followUps.Writer(index);
        w.Text(followUp.FollowUpId);
        w.Text(followUp.InsurerCode);
        w.Text(followUp.PolicyNo);
        w.Text(followUp.BranchCode);
        w.Text(followUp.AdvisorId);
        w.Date(followUp.ContactDate, IsoDate);
        w.Text(Name(followUp.Channel));
        w.Text(Name(followUp.Outcome));
        w.Text(followUp.LostReason is { } reason ? Name(reason) : null);
        w.Text(followUp.Note);
        w.EndRow();
    }

    /// <summary>Writes the files and their markers; returns what each source received.</summary>
    public IReadOnlyList<DemoSourceSummary> Complete() =>
        [_policies.Complete(), _claims.Complete(), _followUps.Complete(), _pingan.Complete(), _cpic.Complete()];

    public void Dispose()
    {
        _policies.Dispose();
        _claims.Dispose();
        _followUps.Dispose();
        _pingan.Dispose();
        _cpic.Dispose();
    }

    /// <summary>0 for the history file, n for the n-th day after it, −1 after the business date.</summary>
    private int FileIndex(DateOnly date) =>
        date > _businessDate ? -1 : date <= _historyEnd ? 0 : date.DayNumber - _historyEnd.DayNumber;

    private DateOnly ExtractDate(int index) => _historyEnd.AddDays(index);

    private void WritePolicy(DemoPolicy policy, int index)
    {
        var p = policy.Policy;
        var extractDate = ExtractDate(index);
        var cancelled = p.CancelDate is { } c && c <= extractDate;
        var vin = index == 0 ? policy.VinInHistory : p.Vin;
        if (string.Equals(p.InsurerCode, PinganCode, StringComparison.Ordinal))
        {
            var g = _pingan.Writer(index);
            g.Text(p.PolicyNo);
            g.Text(p.InsurerCode);
            g.Text(p.Coverage == Coverage.CTPL ? "交强险" : "商业险");
            g.Text(p.BusinessType switch
            {
                BusinessType.NEW_CAR => "新保",
                BusinessType.RENEWAL => "续保",
                _ => "转保",
            });
            g.Text(p.BranchCode);
            g.Text(p.AdvisorId);
            g.Text(vin);
            g.Text(p.PlateNo);
            g.Text(p.CustomerName);
            g.Text(p.CustomerPhone);
            g.Text(policy.CustomerIdNo);
            g.Date(p.IssueDate, PinganDate);
            g.Date(p.EffectiveDate, PinganDate);
            g.Date(p.ExpiryDate, PinganDate);
            g.Amount(p.Premium);
            g.Text(cancelled ? "退保" : "有效");
            g.Date(cancelled ? p.CancelDate : null, PinganDate);
            g.Amount(cancelled ? p.RefundPremium : null);
            g.EndRow();
            return;
        }

        var w = _policies.Writer(index);
        w.Text(p.PolicyNo);
        w.Text(p.InsurerCode);
        w.Text(Name(p.Coverage));
        w.Text(Name(p.BusinessType));
        w.Text(p.BranchCode);
        w.Text(p.AdvisorId);
        w.Text(vin);
        w.Text(p.PlateNo);
        w.Text(p.CustomerName);
        w.Text(p.CustomerPhone);
        w.Text(policy.CustomerIdNo);
        w.Date(p.IssueDate, IsoDate);
        w.Date(p.EffectiveDate, IsoDate);
        w.Date(p.ExpiryDate, IsoDate);
        w.Amount(p.Premium);
        w.Text(cancelled ? "CANCELLED" : "ACTIVE");
        w.Date(cancelled ? p.CancelDate : null, IsoDate);
        w.Amount(cancelled ? p.RefundPremium : null);
        w.EndRow();
    }

    private void WriteClaim(Claim claim, int index)
    {
        var closed = claim.CloseDate is { } c && c <= ExtractDate(index);
        if (string.Equals(claim.InsurerCode, CpicCode, StringComparison.Ordinal))
        {
            _cpic.Row(
                index,
                claim.ClaimNo,
                claim.InsurerCode,
                claim.PolicyNo,
                claim.Vin,
                claim.LossDate,
                claim.ReportDate,
                claim.RepairBranchCode,
                claim.Referred ? "是" : "否",
                claim.AssessedAmount,
                closed ? claim.PaidAmount : 0m,
                !closed ? "未决" : claim.Status == ClaimStatus.WITHDRAWN ? "注销" : claim.Status == ClaimStatus.CLOSED ? "已结案" : "未决",
                closed ? claim.CloseDate : null);
            return;
        }

        var w = _claims.Writer(index);
        w.Text(claim.ClaimNo);
        w.Text(claim.InsurerCode);
        w.Text(claim.PolicyNo);
        w.Text(claim.Vin);
        w.Date(claim.LossDate, IsoDate);
        w.Date(claim.ReportDate, IsoDate);
        w.Text(claim.RepairBranchCode);
        w.Text(claim.Referred ? "Y" : "N");
        w.Amount(claim.AssessedAmount);
        w.Amount(closed ? claim.PaidAmount : 0m);
        w.Text(closed ? Name(claim.Status) : "OPEN");
        w.Date(closed ? claim.CloseDate : null, IsoDate);
        w.EndRow();
    }

    private static string Name(Coverage value) => value == Coverage.CTPL ? "CTPL" : "COMMERCIAL";

    private static string Name(BusinessType value) => value switch
    {
        BusinessType.NEW_CAR => "NEW_CAR",
        BusinessType.RENEWAL => "RENEWAL",
        _ => "TRANSFER_IN",
    };

    private static string Name(ClaimStatus value) => value switch
    {
        ClaimStatus.OPEN => "OPEN",
        ClaimStatus.CLOSED => "CLOSED",
        _ => "WITHDRAWN",
    };

    private static string Name(ContactChannel value) => value switch
    {
        ContactChannel.SMS => "SMS",
        ContactChannel.PHONE => "PHONE",
        ContactChannel.VISIT => "VISIT",
        _ => "WECHAT",
    };

    private static string Name(FollowUpOutcome value) => value switch
    {
        FollowUpOutcome.NO_ANSWER => "NO_ANSWER",
        FollowUpOutcome.CALLBACK => "CALLBACK",
        FollowUpOutcome.QUOTED => "QUOTED",
        FollowUpOutcome.WON => "WON",
        _ => "LOST",
    };

    private static string Name(LostReason value) => value switch
    {
        LostReason.PRICE => "PRICE",
        LostReason.INSURED_ELSEWHERE => "INSURED_ELSEWHERE",
        LostReason.FRIEND_AT_INSURER => "FRIEND_AT_INSURER",
        LostReason.VEHICLE_SOLD => "VEHICLE_SOLD",
        LostReason.SERVICE_COMPLAINT => "SERVICE_COMPLAINT",
        _ => "OTHER",
    };

    /// <summary>The files of one source: the history file on disk, the daily files in memory.</summary>
    private sealed class SourceFiles : IDisposable
    {
        private readonly string _source;
        private readonly string _directory;
        private readonly Encoding _encoding;
        private readonly string _newLine;
        private readonly string[] _columns;
        private readonly DateOnly _historyEnd;
        private readonly CsvRowWriter?[] _writers;
        private readonly Stream?[] _streams;

        public SourceFiles(
            string inbox, string source, Encoding encoding, string newLine, string[] columns, DateOnly historyEnd, int days)
        {
            _source = source;
            _directory = Path.Combine(inbox, source);
            _encoding = encoding;
            _newLine = newLine;
            _columns = columns;
            _historyEnd = historyEnd;
            _writers = new CsvRowWriter?[days + 1];
            _streams = new Stream?[days + 1];
            Directory.CreateDirectory(_directory);
            // Every file exists, header only on a day without events: an empty extract says
            // "nothing happened", a missing one says "late".
            for (var i = 0; i < _writers.Length; i++)
            {
                Writer(i);
            }
        }

        public CsvRowWriter Writer(int index)
        {
            if (_writers[index] is { } writer)
            {
                return writer;
            }

            Stream stream = index == 0
                ? new FileStream(FilePath(0), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16)
                : new MemoryStream();
            _streams[index] = stream;
            writer = new CsvRowWriter(stream, _encoding, _newLine, leaveOpen: true);
            writer.Header(_columns);
            _writers[index] = writer;
            return writer;
        }

        public DemoSourceSummary Complete()
        {
            var files = new List<string>(_writers.Length);
            long rows = 0;
            for (var i = 0; i < _writers.Length; i++)
            {
                var writer = Writer(i);
                rows += writer.Rows;
                writer.Dispose();
                _writers[i] = null;
                var path = FilePath(i);
                using (var stream = _streams[i]!)
                {
                    if (stream is MemoryStream memory)
                    {
                        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                        memory.WriteTo(file);
                    }
                }

                _streams[i] = null;
                File.WriteAllBytes(path + ".done", []);
                files.Add(path);
            }

            return new DemoSourceSummary(_source, files, rows);
        }

        public void Dispose()
        {
            for (var i = 0; i < _writers.Length; i++)
            {
                _writers[i]?.Dispose();
                _streams[i]?.Dispose();
            }
        }

        private string FilePath(int index) =>
            Path.Combine(
                _directory,
                $"{_source}_{_historyEnd.AddDays(index).ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.csv");
    }
}
