namespace Reporting.Jobs.Delivery.Chat;

/// <summary>What kind of failure a robot's answer (or its absence) is.</summary>
public enum ChatFailure
{
    /// <summary>HTTP 5xx, a timeout, a connection that failed: retried (<c>Delivery:Retry</c>).</summary>
    Transient,

    /// <summary>The platform's rate limit (WeCom 45009, DingTalk 130101, HTTP 429): waited out (<c>Delivery:Chat:ThrottleWait</c>).</summary>
    Throttled,

    /// <summary>A bad key, a bad signature, a message refused: retrying cannot help, logged FAILED at once.</summary>
    Permanent,
}

/// <summary>
/// A summary could not be delivered to a robot. The message names the platform, the host and the
/// key's hash and the cause (the errcode and errmsg), never the address, the key or the secret.
/// </summary>
public sealed class ChatDeliveryException : Exception
{
    public ChatDeliveryException()
    {
    }

    public ChatDeliveryException(string message)
        : base(message)
    {
    }

    public ChatDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ChatDeliveryException(string message, ChatFailure failure, int? errorCode = null)
        : base(message)
    {
        Failure = failure;
        ErrorCode = errorCode;
    }

    public ChatFailure Failure { get; } = ChatFailure.Permanent;

    /// <summary>The platform's <c>errcode</c>, when it answered with one.</summary>
    public int? ErrorCode { get; }
}
