using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Store;

/// <summary>
/// A version table, as the as-of reads, both providers' loads and the data a load keeps use it:
/// its key (without the ingest), the order it is kept in (<see cref="StoreOrder"/>) and the
/// columns a load writes, in the order both loads write them.
/// </summary>
internal sealed record VersionTable(ExtractDataset Dataset, string Name, string[] Key, string Order, string[] LoadColumns)
{
    public static readonly VersionTable Policies = new(
        ExtractDataset.Policies,
        "policy_versions",
        ["insurer_code", "policy_no"],
        StoreOrder.Policies,
        ["insurer_code", "policy_no", "ingest_id", "extract_date", "line_no", "coverage", "business_type", "branch_code", "advisor_id", "vin",
         "plate_no", "customer_name", "customer_phone", "issue_date", "effective_date", "expiry_date", "premium_fen", "status", "cancel_date", "refund_fen"]);

    public static readonly VersionTable Claims = new(
        ExtractDataset.Claims,
        "claim_versions",
        ["insurer_code", "claim_no"],
        StoreOrder.Claims,
        ["insurer_code", "claim_no", "ingest_id", "extract_date", "line_no", "policy_no", "vin", "loss_date", "report_date", "repair_branch_code",
         "referred", "assessed_fen", "paid_fen", "status", "close_date"]);

    public static readonly VersionTable FollowUps = new(
        ExtractDataset.FollowUps,
        "followup_versions",
        ["followup_id"],
        StoreOrder.FollowUps,
        ["followup_id", "ingest_id", "extract_date", "line_no", "insurer_code", "policy_no", "branch_code", "advisor_id", "contact_date", "channel",
         "outcome", "lost_reason", "note"]);

    /// <summary>The key's columns as a SQL list.</summary>
    public string KeyList => string.Join(", ", Key);

    /// <summary>The load's columns as a SQL list.</summary>
    public string ColumnList => string.Join(", ", LoadColumns);

    /// <summary>The 1-based position of <paramref name="column"/> in the load's columns: where a provider binds it.</summary>
    public int Position(string column) =>
        Array.IndexOf(LoadColumns, column) is var i and >= 0 ? i + 1 : throw new ArgumentException($"{Name} loads no column {column}", nameof(column));
}
