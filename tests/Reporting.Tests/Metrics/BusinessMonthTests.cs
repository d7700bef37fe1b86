using Reporting.Jobs.Metrics;
using Reporting.Testing.Builders;

namespace Reporting.Tests.Metrics;

public class BusinessMonthTests
{
    [Test]
    public void Parses_and_prints_year_and_month()
    {
        Assert.That(BusinessMonth.Parse("2026-02").ToString(), Is.EqualTo("2026-02"));
    }

    [TestCase("2026-13")]
    [TestCase("2026-1")]
    [TestCase("October")]
    public void Rejects_text_that_is_not_a_month(string text)
    {
        Assert.That(BusinessMonth.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Last_day_of_february_in_a_leap_year_is_the_29th()
    {
        Assert.That(new BusinessMonth(2028, 2).Last, Is.EqualTo(29.February(2028)));
    }

    [Test]
    public void Eleven_months_before_october_is_november_of_the_year_before()
    {
        Assert.That(new BusinessMonth(2026, 10).AddMonths(-11), Is.EqualTo(new BusinessMonth(2025, 11)));
    }
}
