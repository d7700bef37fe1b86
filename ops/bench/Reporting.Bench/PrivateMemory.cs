using System.Globalization;

namespace Reporting.Bench;

/// <summary>
/// The highest private resident memory of this process (Linux's <c>RssAnon</c>, the managed heap
/// and native allocations, not file pages) from <see cref="StartSampling"/> on, sampled every 10 ms.
/// The kernel keeps a high-water mark of the whole resident set only (<c>VmHWM</c>, peak_mb), which
/// also counts every page of the store file a read maps, once per mapping.
/// </summary>
internal static class PrivateMemory
{
    private static long _peakKilobytes = -1;

    /// <summary>The peak so far, or null when sampling never started or /proc is not there.</summary>
    public static double? PeakMegabytes
    {
        get
        {
            Sample();
            var peak = Interlocked.Read(ref _peakKilobytes);
            return peak < 0 ? null : peak / 1024.0;
        }
    }

    public static void StartSampling()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return;
        }

        Interlocked.Exchange(ref _peakKilobytes, 0);
        var thread = new Thread(() =>
        {
            while (true)
            {
                Sample();
                Thread.Sleep(10);
            }
        })
        { IsBackground = true, Name = "private memory sampler" };
        thread.Start();
    }

    private static void Sample()
    {
        if (Interlocked.Read(ref _peakKilobytes) < 0)
        {
            return;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                long seen;
                while (kilobytes > (seen = Interlocked.Read(ref _peakKilobytes)) && Interlocked.CompareExchange(ref _peakKilobytes, kilobytes, seen) != seen)
                {
                }

                return;
            }
        }
    }
}
