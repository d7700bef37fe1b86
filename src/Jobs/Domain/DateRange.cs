namespace Reporting.Jobs.Domain;

/// <summary>An inclusive range of business dates.</summary>
public readonly record struct DateRange(DateOnly From, DateOnly To)
{
    public bool Contains(DateOnly date) => date >= From && date <= To;

    /// <summary>The smallest range holding both.</summary>
    public DateRange Union(DateRange other) =>
        new(From < other.From ? From : other.From, To > other.To ? To : other.To);
}
