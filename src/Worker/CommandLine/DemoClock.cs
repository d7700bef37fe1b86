namespace Reporting.Worker.CommandLine;

/// <summary>
/// The clock of <c>demo</c>: the real one until <see cref="StartAt"/>, then the morning after the
/// demo's business date, moving on at the real pace. The store records each extract's load time
/// and the emails' freshness footer shows it to the minute; with the real clock two demo runs a
/// minute apart wrote different emails. From a fixed start (07:00, before the morning email's
/// 07:30) the loads of a demo, done within seconds, carry the same times on every run, so the same
/// seed and date give byte-identical emails and workbooks.
/// </summary>
internal sealed class DemoClock : TimeProvider
{
    private TimeSpan _offset = TimeSpan.Zero;

    /// <summary>The local time in the business zone the demo's morning starts at.</summary>
    public static readonly TimeOnly MorningStart = new(7, 0);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;

    /// <summary>From now on, the clock reads <see cref="MorningStart"/> on the day after <paramref name="businessDate"/> in <paramref name="zone"/>, and moves on from there.</summary>
    public void StartAt(DateOnly businessDate, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = businessDate.AddDays(1).ToDateTime(MorningStart);
        var start = new DateTimeOffset(local, zone.GetUtcOffset(local));
        _offset = start - System.GetUtcNow();
    }
}
