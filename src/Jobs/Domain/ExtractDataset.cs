namespace Reporting.Jobs.Domain;

/// <summary>The three kinds of extract the worker loads (SPEC §2.1–§2.3); each has its own table.</summary>
public enum ExtractDataset
{
    Policies,
    Claims,
    FollowUps,
}

/// <summary>
/// The canonical column names of each dataset, in SPEC order. A source's own headers are mapped
/// onto these by configuration; every one must be present after mapping (SPEC §2.6).
/// </summary>
public static class CanonicalColumns
{
    public static readonly IReadOnlyList<string> Policies =
    [
        "policy_no", "insurer_code", "coverage", "business_type", "branch_code", "advisor_id", "vin",
        "plate_no", "customer_name", "customer_phone", "customer_id_no", "issue_date", "effective_date",
        "expiry_date", "premium", "status", "cancel_date", "refund_premium",
    ];

    public static readonly IReadOnlyList<string> Claims =
    [
        "claim_no", "insurer_code", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code",
        "referred", "assessed_amount", "paid_amount", "status", "close_date",
    ];

    public static readonly IReadOnlyList<string> FollowUps =
    [
        "followup_id", "insurer_code", "policy_no", "branch_code", "advisor_id", "contact_date", "channel",
        "outcome", "lost_reason", "note",
    ];

    /// <summary>Columns that hold personal data (SPEC §7): their values never appear in rejects or logs.</summary>
    public static readonly IReadOnlySet<string> Personal = new HashSet<string>(StringComparer.Ordinal)
    {
        "customer_name", "customer_phone", "customer_id_no", "plate_no", "note",
    };

    /// <summary>
    /// Free-text columns: the only ones whose values may span lines (a quoted field with line
    /// breaks) and hold format characters such as a zero-width joiner (docs/loading.md, "Characters").
    /// </summary>
    public static readonly IReadOnlySet<string> FreeText = new HashSet<string>(StringComparer.Ordinal) { "note" };

    public static IReadOnlyList<string> For(ExtractDataset dataset) => dataset switch
    {
        ExtractDataset.Policies => Policies,
        ExtractDataset.Claims => Claims,
        ExtractDataset.FollowUps => FollowUps,
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset, null),
    };
}
