namespace Reporting.Jobs.Domain;

/// <summary>交强险 (compulsory third-party liability) or 商业险 (commercial).</summary>
public enum Coverage
{
    CTPL,
    COMMERCIAL,
}

/// <summary>新保 / 续保 / 转保 as the insurer reports it; informational only (SPEC §2.1).</summary>
public enum BusinessType
{
    NEW_CAR,
    RENEWAL,
    TRANSFER_IN,
}

public enum PolicyStatus
{
    ACTIVE,
    CANCELLED,
}

public enum ClaimStatus
{
    OPEN,
    CLOSED,
    WITHDRAWN,
}

public enum ContactChannel
{
    SMS,
    PHONE,
    VISIT,
    WECHAT,
}

public enum FollowUpOutcome
{
    NO_ANSWER,
    CALLBACK,
    QUOTED,
    WON,
    LOST,
}

/// <summary>战败原因 recorded on a <see cref="FollowUpOutcome.LOST"/> follow-up (SPEC §2.3).</summary>
public enum LostReason
{
    PRICE,
    INSURED_ELSEWHERE,
    FRIEND_AT_INSURER,
    VEHICLE_SOLD,
    SERVICE_COMPLAINT,
    OTHER,
}
