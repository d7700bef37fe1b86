namespace Reporting.Testing.Builders;

/// <summary>Readable business dates in tests: <c>31.October(2026)</c>.</summary>
public static class Dates
{
    public static DateOnly January(this int day, int year) => new(year, 1, day);

    public static DateOnly February(this int day, int year) => new(year, 2, day);

    public static DateOnly March(this int day, int year) => new(year, 3, day);

    public static DateOnly April(this int day, int year) => new(year, 4, day);

    public static DateOnly May(this int day, int year) => new(year, 5, day);

    public static DateOnly June(this int day, int year) => new(year, 6, day);

    public static DateOnly July(this int day, int year) => new(year, 7, day);

    public static DateOnly August(this int day, int year) => new(year, 8, day);

    public static DateOnly September(this int day, int year) => new(year, 9, day);

    public static DateOnly October(this int day, int year) => new(year, 10, day);

    public static DateOnly November(this int day, int year) => new(year, 11, day);

    public static DateOnly December(this int day, int year) => new(year, 12, day);
}
