// SPEC §1 "Months are calendar months in business time": the period of every monthly figure of §3.
using System.Globalization;

namespace Reporting.Jobs.Metrics;

/// <summary>A calendar month of business dates, printed and parsed as <c>YYYY-MM</c>.</summary>
/// <remarks>
/// <c>BusinessMonth.Parse("2026-10").AddMonths(-11)</c> is 2025-11: the 12 months ending with
/// 2026-10 run from 2025-11-01 to 2026-10-31 inclusive.
/// </remarks>
public readonly record struct BusinessMonth : IComparable<BusinessMonth>
{
    public BusinessMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    /// <summary>The first business date of the month.</summary>
    public DateOnly First => new(Year, Month, 1);

    /// <summary>The last business date of the month.</summary>
    public DateOnly Last => new(Year, Month, DateTime.DaysInMonth(Year, Month));

    public static BusinessMonth Of(DateOnly date) => new(date.Year, date.Month);

    public bool Contains(DateOnly date) => date.Year == Year && date.Month == Month;

    public BusinessMonth AddMonths(int months)
    {
        var first = First.AddMonths(months);
        return new BusinessMonth(first.Year, first.Month);
    }

    /// <summary>Parses <c>YYYY-MM</c> (e.g. <c>2026-10</c>).</summary>
    public static BusinessMonth Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var month))
        {
            throw new FormatException($"'{text}' is not a month in the form YYYY-MM.");
        }

        return month;
    }

    public static bool TryParse(string? text, out BusinessMonth month)
    {
        month = default;
        if (text is null
            || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            return false;
        }

        month = Of(first);
        return true;
    }

    public int CompareTo(BusinessMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(BusinessMonth left, BusinessMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(BusinessMonth left, BusinessMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(BusinessMonth left, BusinessMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(BusinessMonth left, BusinessMonth right) => left.CompareTo(right) >= 0;

    public override string ToString() => First.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
