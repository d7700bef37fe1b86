// SPEC §3 preamble and §3.7: money to 0.01 yuan per line, rates to 4 decimals, half away from zero; null for a zero denominator.
namespace Reporting.Jobs.Metrics;

/// <summary>The two roundings of SPEC §3.</summary>
/// <remarks>
/// Half away from zero, not banker's: 2.345 yuan is 2.35 and −2.345 is −2.35 (banker's rounding,
/// .NET's default, would give 2.34). A rate 2 / 3 is 0.6667; 1 / 8 is 0.1250. Totals are sums of
/// rounded lines, never rounded sums: three lines of 0.333 are 0.33 each and total 0.99, not 1.00.
/// </remarks>
public static class Rounding
{
    public static decimal Money(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static decimal Rate(decimal rate) => Math.Round(rate, 4, MidpointRounding.AwayFromZero);

    /// <summary><c>numerator / denominator</c> unrounded, or <c>null</c> when the denominator is exactly 0.</summary>
    public static decimal? Ratio(decimal numerator, decimal denominator) =>
        denominator == 0m ? null : numerator / denominator;

    /// <summary>The rounded rate <c>numerator / denominator</c>, or <c>null</c> when the denominator is 0.</summary>
    public static decimal? Rate(decimal numerator, decimal denominator) =>
        Ratio(numerator, denominator) is { } ratio ? Rate(ratio) : null;
}
