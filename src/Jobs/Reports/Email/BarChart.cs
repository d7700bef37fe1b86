namespace Reporting.Jobs.Reports.Email;

/// <summary>One cell of a bar's track: a width in percent of the track and a colour.</summary>
public sealed record BarSegment(int Width, string Colour);

/// <summary>A bar drawn as a row of table cells (<see cref="BarChart"/>); the widths add up to 100.</summary>
public sealed record BarTrack(IReadOnlyList<BarSegment> Segments);

/// <summary>
/// Bar charts for emails, built from HTML table cells with inline colours: they show in Outlook,
/// QQ Mail, 163 and Foxmail with images blocked (no script, no SVG, no image). A bar is a track of
/// 100 percent: the value's share in its colour, the rest in <see cref="Track"/>; a target is a
/// one-percent cell in <see cref="TargetColour"/> at the target's place, so the targets of rows one
/// above the other form a line across the chart. The template only writes the cells
/// (<c>bar</c> in Layout/Sections); every width is computed here.
/// </summary>
public static class BarChart
{
    /// <summary>A rate at or above its target.</summary>
    public const string Good = "#16a34a";

    /// <summary>A rate below its target.</summary>
    public const string BelowTarget = "#dc2626";

    /// <summary>A value without a target (conversion by window).</summary>
    public const string Neutral = "#2563eb";

    /// <summary>The empty rest of a track.</summary>
    public const string Track = "#e5e7eb";

    /// <summary>The target line.</summary>
    public const string TargetColour = "#111827";

    /// <summary>
    /// The bar of <paramref name="value"/> on a scale of 0 to <paramref name="scale"/> (1 for a rate),
    /// in <paramref name="colour"/>, with the target's marker when there is one. A null value draws
    /// an empty track; values outside the scale are clamped to it.
    /// </summary>
    public static BarTrack Of(decimal? value, decimal? target, string colour, decimal scale = 1m)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var bar = value is { } v ? Percent(v, scale) : 0;
        var cells = new string[100];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = i < bar ? colour : Track;
        }

        if (target is { } t)
        {
            cells[Math.Min(Percent(t, scale), 99)] = TargetColour;
        }

        var segments = new List<BarSegment>();
        foreach (var cell in cells)
        {
            if (segments.Count > 0 && segments[^1].Colour == cell)
            {
                segments[^1] = segments[^1] with { Width = segments[^1].Width + 1 };
            }
            else
            {
                segments.Add(new BarSegment(1, cell));
            }
        }

        return new BarTrack(segments);
    }

    /// <summary>A rate's bar against its target: green at or above it, red below.</summary>
    public static BarTrack Rate(decimal? rate, decimal target) =>
        Of(rate, target, rate is { } r && r < target ? BelowTarget : Good);

    private static int Percent(decimal value, decimal scale) =>
        (int)Math.Round(Math.Clamp(value / scale, 0m, 1m) * 100m, MidpointRounding.AwayFromZero);
}
