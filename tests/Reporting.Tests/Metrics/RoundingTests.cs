using System.Globalization;
using Reporting.Jobs.Metrics;

namespace Reporting.Tests.Metrics;

/// <summary>SPEC §3: money 2 dp and rates 4 dp, half away from zero; null for a zero denominator.</summary>
public class RoundingTests
{
    private static decimal Dec(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    [TestCase("2.345", "2.35")]
    [TestCase("-2.345", "-2.35")]
    [TestCase("2.335", "2.34")]
    [TestCase("2.3449", "2.34")]
    [TestCase("599.9994", "600.00")]
    public void Money_rounds_to_the_fen_half_away_from_zero(string amount, string rounded)
    {
        Assert.That(Rounding.Money(Dec(amount)), Is.EqualTo(Dec(rounded)));
    }

    [TestCase("0.12345", "0.1235")]
    [TestCase("-0.12345", "-0.1235")]
    [TestCase("0.66666", "0.6667")]
    public void Rate_rounds_to_four_decimals_half_away_from_zero(string rate, string rounded)
    {
        Assert.That(Rounding.Rate(Dec(rate)), Is.EqualTo(Dec(rounded)));
    }

    [Test]
    public void Rate_with_a_zero_denominator_is_null()
    {
        Assert.That(Rounding.Rate(5m, 0m), Is.Null);
    }

    [Test]
    public void Rate_of_one_in_eight_is_0_125()
    {
        Assert.That(Rounding.Rate(1m, 8m), Is.EqualTo(0.125m));
    }
}
