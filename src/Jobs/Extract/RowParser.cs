using System.Globalization;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Turns canonical fields into domain records, applying the validation rules of SPEC §2.6. A row
/// that breaks a rule is rejected with the column and the reason; the first broken rule wins.
/// </summary>
public sealed class RowParser
{
    /// <summary>
    /// The largest amount a row may carry, in yuan: ten million. A motor premium, a refund or an
    /// assessed repair value of one vehicle stays far below it; a number above it is a column slip
    /// (a policy number pasted into the premium), and rejecting it keeps every sum of stored fen
    /// exact and far from overflow (docs/loading.md, "Amounts").
    /// </summary>
    public const decimal MaxAmount = 10_000_000.00m;

    private readonly IReadOnlyList<string> _columns;
    private readonly bool[] _freeText;
    private readonly string[] _dateFormats;
    private readonly Dictionary<string, int> _index;

    public RowParser(ExtractDataset dataset, IReadOnlyList<string> dateFormats)
    {
        Dataset = dataset;
        _columns = CanonicalColumns.For(dataset);
        _freeText = [.. _columns.Select(CanonicalColumns.FreeText.Contains)];
        _dateFormats = [.. dateFormats];
        _index = _columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    public ExtractDataset Dataset { get; }

    /// <summary>Parses a row or throws <see cref="RowRejectedException"/>.</summary>
    internal Policy ParsePolicy(string[] f)
    {
        CheckCharacters(f);
        var policyNo = Key(f, "policy_no");
        var insurer = Key(f, "insurer_code");
        var coverage = Enum<Coverage>(f, "coverage");
        var businessType = Enum<BusinessType>(f, "business_type");
        var vin = VinOf(f, "vin");
        var issue = Date(f, "issue_date");
        var effective = Date(f, "effective_date");
        var expiry = Date(f, "expiry_date");
        var premium = Amount(f, "premium");
        var status = Enum<PolicyStatus>(f, "status");
        var cancel = OptionalDate(f, "cancel_date");
        var refund = OptionalAmount(f, "refund_premium") ?? 0m;
        if (expiry < effective)
        {
            Reject("expiry_date", "expiry_date is before effective_date " + effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f);
        }

        if (status == PolicyStatus.CANCELLED && cancel is null)
        {
            Reject("cancel_date", "a CANCELLED policy needs a cancel_date", f);
        }

        if (refund > premium)
        {
            Reject("refund_premium", "refund_premium is above premium " + premium.ToString("0.00", CultureInfo.InvariantCulture), f);
        }

        // customer_id_no is present (the header check requires it) but deliberately not kept: no
        // output may show it (SPEC §7), so the store never holds it.
        return new Policy(
            insurer, policyNo, coverage, businessType, Optional(f, "branch_code"), Optional(f, "advisor_id"), vin,
            Optional(f, "plate_no"), Optional(f, "customer_name"), Optional(f, "customer_phone"),
            issue, effective, expiry, premium, status, cancel, refund);
    }

    internal Claim ParseClaim(string[] f)
    {
        CheckCharacters(f);
        var claimNo = Key(f, "claim_no");
        var insurer = Key(f, "insurer_code");
        var policyNo = Required(f, "policy_no");
        var vin = VinOf(f, "vin");
        var loss = Date(f, "loss_date");
        var report = Date(f, "report_date");
        var referred = YesNo(f, "referred");
        var assessed = Amount(f, "assessed_amount");
        var paid = Amount(f, "paid_amount");
        var status = Enum<ClaimStatus>(f, "status");
        var close = OptionalDate(f, "close_date");
        return new Claim(insurer, claimNo, policyNo, vin, loss, report, Optional(f, "repair_branch_code"), referred, assessed, paid, status, close);
    }

    internal FollowUp ParseFollowUp(string[] f)
    {
        CheckCharacters(f);
        var id = Key(f, "followup_id");
        var insurer = Required(f, "insurer_code");
        var policyNo = Required(f, "policy_no");
        var contact = Date(f, "contact_date");
        var channel = Enum<ContactChannel>(f, "channel");
        var outcome = Enum<FollowUpOutcome>(f, "outcome");
        LostReason? reason = null;
        if (f[_index["lost_reason"]].Length > 0)
        {
            reason = Enum<LostReason>(f, "lost_reason");
        }
        else if (outcome == FollowUpOutcome.LOST)
        {
            Reject("lost_reason", "lost_reason is required when outcome is LOST", f);
        }

        return new FollowUp(id, insurer, policyNo, Optional(f, "branch_code"), Optional(f, "advisor_id"), contact, channel, outcome, reason, Optional(f, "note"));
    }

    private string Field(string[] f, string column) => f[_index[column]];

    /// <summary>The character rules of every field (<see cref="FieldText"/>), before any other rule.</summary>
    private void CheckCharacters(string[] f)
    {
        for (var i = 0; i < f.Length; i++)
        {
            if (FieldText.Problem(f[i], _freeText[i]) is { } problem)
            {
                Reject(_columns[i], problem, f);
            }
        }
    }

    private string Key(string[] f, string column)
    {
        var value = Field(f, column);
        if (value.Length == 0)
        {
            Reject(column, "missing key", f);
        }

        return value;
    }

    private string Required(string[] f, string column)
    {
        var value = Field(f, column);
        if (value.Length == 0)
        {
            Reject(column, "missing value", f);
        }

        return value;
    }

    private string? Optional(string[] f, string column)
    {
        var value = Field(f, column);
        return value.Length == 0 ? null : value;
    }

    private string VinOf(string[] f, string column)
    {
        var vin = Vin.Normalise(Field(f, column));
        if (vin.Length != Vin.Length)
        {
            Reject(column, $"VIN must be {Vin.Length} characters after normalisation, has {vin.Length}", f);
        }

        return vin;
    }

    private DateOnly Date(string[] f, string column)
    {
        var value = Field(f, column);
        if (value.Length == 0)
        {
            Reject(column, "missing date", f);
        }

        return ParseDate(f, column, value);
    }

    private DateOnly? OptionalDate(string[] f, string column)
    {
        var value = Field(f, column);
        return value.Length == 0 ? null : ParseDate(f, column, value);
    }

    private DateOnly ParseDate(string[] f, string column, string value)
    {
        if (!DateOnly.TryParseExact(value, _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Reject(column, "unparsable date (expected " + string.Join(" or ", _dateFormats) + ")", f);
        }

        return date;
    }

    private decimal Amount(string[] f, string column)
    {
        var value = Field(f, column);
        if (value.Length == 0)
        {
            Reject(column, "missing amount", f);
        }

        return ParseAmount(f, column, value);
    }

    private decimal? OptionalAmount(string[] f, string column)
    {
        var value = Field(f, column);
        return value.Length == 0 ? null : ParseAmount(f, column, value);
    }

    /// <summary>Yuan with at most 2 decimals, not negative, at most <see cref="MaxAmount"/>; "1,234.00" and "¥12" are rejected.</summary>
    private decimal ParseAmount(string[] f, string column, string value)
    {
        if (!decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            Reject(column, "unparsable amount", f);
        }

        if (amount < 0)
        {
            Reject(column, "negative amount", f);
        }

        if (decimal.Round(amount, 2) != amount)
        {
            Reject(column, "amount has more than 2 decimals", f);
        }

        if (amount > MaxAmount)
        {
            Reject(column, "amount above the plausible maximum of 10000000.00 yuan for one vehicle", f);
        }

        return amount;
    }

    private bool YesNo(string[] f, string column)
    {
        var value = Field(f, column);
        if (value == "Y")
        {
            return true;
        }

        if (value != "N")
        {
            Reject(column, "expected Y or N", f);
        }

        return false;
    }

    private TEnum Enum<TEnum>(string[] f, string column)
        where TEnum : struct, Enum
    {
        var value = Field(f, column);
        if (value.Length == 0)
        {
            Reject(column, "missing value", f);
        }

        // Exact names only: numbers ("1") and other casings are not valid codes.
        if (EnumCodes<TEnum>.ByName.TryGetValue(value, out var parsed))
        {
            return parsed;
        }

        Reject(column, "not one of " + EnumCodes<TEnum>.List, f);
        return default;
    }

    private void Reject(string column, string reason, string[] f) =>
        throw new RowRejectedException(column, reason, CanonicalColumns.Personal.Contains(column) ? null : TextSafety.Printable(f[_index[column]]));

    private static class EnumCodes<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<string, TEnum> ByName =
            System.Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), v => v, StringComparer.Ordinal);

        public static readonly string List = string.Join(", ", ByName.Keys);
    }
}
