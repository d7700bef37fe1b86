namespace Reporting.Jobs.Hosting;

/// <summary>
/// Turns the clock into business dates in the business time zone (<c>Business:TimeZone</c>,
/// default Asia/Shanghai, SPEC §1). Only the edges ask it — the command line and the scheduler —
/// and then pass the business date down as an argument.
/// </summary>
public sealed class BusinessCalendar(TimeProvider time, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone => zone;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    /// <summary>The latest complete business date: its extracts arrive early the next morning.</summary>
    public DateOnly Yesterday => Today.AddDays(-1);
}
