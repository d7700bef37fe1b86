using Reporting.Jobs.Reports.Email;

namespace Reporting.Tests.Reports.Email;

public sealed class BarChartTests
{
    [Test]
    public void A_rate_below_its_target_is_a_red_bar_with_the_target_marker_after_it()
    {
        var track = BarChart.Rate(0.664m, 0.70m);

        Assert.That(track.Segments, Is.EqualTo(new BarSegment[]
        {
            new(66, BarChart.BelowTarget), new(4, BarChart.Track), new(1, BarChart.TargetColour), new(29, BarChart.Track),
        }));
    }

    [Test]
    public void A_rate_above_its_target_is_a_green_bar_the_marker_crosses()
    {
        var track = BarChart.Rate(0.75m, 0.70m);

        Assert.That(track.Segments, Is.EqualTo(new BarSegment[]
        {
            new(70, BarChart.Good), new(1, BarChart.TargetColour), new(4, BarChart.Good), new(25, BarChart.Track),
        }));
    }

    [Test]
    public void A_rate_exactly_at_its_target_is_green()
    {
        Assert.That(BarChart.Rate(0.70m, 0.70m).Segments[0].Colour, Is.EqualTo(BarChart.Good));
    }

    [Test]
    public void No_rate_is_an_empty_track_with_the_target_marker()
    {
        var track = BarChart.Rate(null, 0.70m);

        Assert.That(track.Segments, Is.EqualTo(new BarSegment[] { new(70, BarChart.Track), new(1, BarChart.TargetColour), new(29, BarChart.Track) }));
    }

    [TestCase(1.2, 100)]
    [TestCase(-0.1, 0)]
    [TestCase(0.005, 1)]
    [TestCase(0.004, 0)]
    public void Values_are_clamped_to_the_scale_and_rounded_to_whole_percent(double value, int width)
    {
        var track = BarChart.Of((decimal)value, null, BarChart.Neutral);

        Assert.That(track.Segments.Where(s => s.Colour == BarChart.Neutral).Sum(s => s.Width), Is.EqualTo(width));
        Assert.That(track.Segments.Sum(s => s.Width), Is.EqualTo(100));
    }

    [Test]
    public void A_target_at_the_top_of_the_scale_stays_inside_the_track()
    {
        var track = BarChart.Rate(0.5m, 1m);

        Assert.That(track.Segments[^1], Is.EqualTo(new BarSegment(1, BarChart.TargetColour)));
        Assert.That(track.Segments.Sum(s => s.Width), Is.EqualTo(100));
    }
}
