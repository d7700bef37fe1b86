using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reporting.Jobs.Scheduling.Calendar;

/// <summary>What a day is in China's working calendar.</summary>
public enum DayKind
{
    /// <summary>Monday to Friday, no holiday.</summary>
    Workday,

    /// <summary>Saturday or Sunday, not made a workday.</summary>
    Weekend,

    /// <summary>A statutory holiday (法定节假日 and the days moved next to it).</summary>
    Holiday,

    /// <summary>A Saturday or Sunday made a workday by the year's arrangement (调休上班).</summary>
    AdjustedWorkday,
}

/// <summary>One named holiday period of a year's arrangement.</summary>
public sealed record HolidayPeriod(string Name, DateOnly From, DateOnly To);

/// <summary>A year's published arrangement: its holidays and its adjusted workdays, and the notice it comes from.</summary>
public sealed record CalendarYear(int Year, string Notice, IReadOnlyList<HolidayPeriod> Holidays, IReadOnlyList<DateOnly> Workdays);

/// <summary>
/// China's statutory working calendar: the State Council's arrangement of each year (holidays and the
/// weekend days that become workdays, 调休), one file per year in <c>config/calendar/cn-YYYY.json</c>.
/// A year without a file falls back to Saturday/Sunday weekends, which <see cref="HasYear"/> tells so
/// that whoever uses it can say so. Pure: no clock, no I/O after <see cref="Load"/>.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>The file name of a year: <c>cn-2026.json</c>.</summary>
    public const string FilePrefix = "cn-";

    private readonly Dictionary<int, CalendarYear> _years;
    private readonly Dictionary<DateOnly, string> _holidays = [];
    private readonly HashSet<DateOnly> _workdays = [];

    public WorkingCalendar(IEnumerable<CalendarYear> years)
    {
        ArgumentNullException.ThrowIfNull(years);
        _years = years.ToDictionary(y => y.Year);
        foreach (var year in _years.Values)
        {
            foreach (var holiday in year.Holidays)
            {
                for (var day = holiday.From; day <= holiday.To; day = day.AddDays(1))
                {
                    _holidays[day] = holiday.Name;
                }
            }

            _workdays.UnionWith(year.Workdays);
        }
    }

    /// <summary>A calendar without any year: Saturday/Sunday weekends only.</summary>
    public static WorkingCalendar WeekendsOnly { get; } = new([]);

    /// <summary>The years with a published arrangement, in order.</summary>
    public IReadOnlyList<int> Years => [.. _years.Keys.Order()];

    public bool HasYear(int year) => _years.ContainsKey(year);

    public CalendarYear? Year(int year) => _years.GetValueOrDefault(year);

    public DayKind KindOf(DateOnly date) =>
        _holidays.ContainsKey(date) ? DayKind.Holiday
        : _workdays.Contains(date) ? DayKind.AdjustedWorkday
        : date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? DayKind.Weekend
        : DayKind.Workday;

    /// <summary>The holiday's name, for a holiday.</summary>
    public string? HolidayName(DateOnly date) => _holidays.GetValueOrDefault(date);

    public bool IsWorkday(DateOnly date) => KindOf(date) is DayKind.Workday or DayKind.AdjustedWorkday;

    /// <summary>The first workday of a month: 1 Oct 2026 → 8 Oct 2026; 1 Jan 2026 → 4 Jan 2026 (a working Sunday).</summary>
    public DateOnly FirstWorkday(int year, int month)
    {
        var day = new DateOnly(year, month, 1);
        while (!IsWorkday(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>Whether a day passes a job's day rule.</summary>
    public bool Allows(JobDays days, DateOnly date) => days switch
    {
        JobDays.All => true,
        JobDays.Workdays => IsWorkday(date),
        JobDays.FirstWorkday => date == FirstWorkday(date.Year, date.Month),
        _ => throw new ArgumentOutOfRangeException(nameof(days), days, null),
    };

    /// <summary>
    /// The year whose file is missing and matters on <paramref name="today"/>: this year's always,
    /// next year's from 1 December (the State Council publishes in November); null when both are there.
    /// </summary>
    public int? MissingYear(DateOnly today) =>
        !HasYear(today.Year) ? today.Year
        : today.Month == 12 && !HasYear(today.Year + 1) ? today.Year + 1
        : null;

    /// <summary>
    /// The missing year that matters to <paramref name="schedule"/> at <paramref name="now"/>: only
    /// when a job's day rule reads the calendar (<see cref="JobDays.Workdays"/>,
    /// <see cref="JobDays.FirstWorkday"/>), with "today" as it is in that job's time zone (1 December
    /// starts at midnight in Shanghai, not in UTC). Null when nothing is missing or nothing reads it.
    /// </summary>
    public int? MissingYear(SchedulingOptions schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return schedule.Jobs
            .Where(j => j.Days != JobDays.All)
            .Select(j => MissingYear(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, schedule.ZoneOf(j)).DateTime)))
            .FirstOrDefault(year => year is not null);
    }

    /// <summary>The sentence every user of the calendar shows for a missing year.</summary>
    public static string MissingYearText(int year) => string.Create(
        CultureInfo.InvariantCulture,
        $"no working calendar for {year} (config/calendar/{FilePrefix}{year}.json is missing): jobs with Days Workdays or FirstWorkday treat {year} as Saturday/Sunday weekends without holidays; add the year's file from the State Council's notice (docs/operations.md)");

    /// <summary>
    /// Every year file of <paramref name="folder"/> (<c>cn-YYYY.json</c>), each checked; a problem
    /// names the file and the key. A missing folder is an empty calendar.
    /// </summary>
    public static (WorkingCalendar Calendar, IReadOnlyList<string> Problems) Load(string folder)
    {
        var years = new List<CalendarYear>();
        var problems = new List<string>();
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, FilePrefix + "*.json").Order(StringComparer.Ordinal))
            {
                var (year, fileProblems) = CalendarFile.Read(file);
                problems.AddRange(fileProblems);
                if (year is not null)
                {
                    years.Add(year);
                }
            }
        }

        return (new WorkingCalendar(years), problems);
    }
}

/// <summary>How a scheduled job treats days (<c>Scheduling:Jobs:N:Days</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobDays>))]
public enum JobDays
{
    /// <summary>Every day the cron names: 4S stores open at weekends (the morning email).</summary>
    All,

    /// <summary>Workdays only: no weekends or holidays, but the adjusted working weekend days.</summary>
    Workdays,

    /// <summary>A monthly job of the 1st, on the first workday of each month instead.</summary>
    FirstWorkday,
}

/// <summary>One <c>cn-YYYY.json</c> file as written, and its checks.</summary>
internal static class CalendarFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static (CalendarYear? Year, IReadOnlyList<string> Problems) Read(string path)
    {
        var name = Domain.TextSafety.Printable(Path.GetFileName(path), 255);
        FileModel? model;
        try
        {
            model = JsonSerializer.Deserialize<FileModel>(File.ReadAllText(path), Json);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return (null, [$"calendar file {name} cannot be read: {Domain.TextSafety.Printable(ex.Message, 200)}"]);
        }

        if (model is null)
        {
            return (null, [$"calendar file {name} is empty"]);
        }

        var problems = new List<string>();
        var expected = Path.GetFileNameWithoutExtension(path)[WorkingCalendar.FilePrefix.Length..];
        if (model.Year.ToString(CultureInfo.InvariantCulture) != expected)
        {
            problems.Add($"calendar file {name}: Year '{model.Year}' is not the year of its name");
        }

        if (string.IsNullOrWhiteSpace(model.Notice))
        {
            problems.Add($"calendar file {name}: Notice is empty; name the notice the dates come from");
        }

        var holidays = new List<HolidayPeriod>();
        var off = new HashSet<DateOnly>();
        for (var i = 0; i < model.Holidays.Count; i++)
        {
            var h = model.Holidays[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"Holidays:{i}");
            if (string.IsNullOrWhiteSpace(h.Name))
            {
                problems.Add($"calendar file {name}: {key}:Name is empty");
            }

            if (h.From > h.To)
            {
                problems.Add(Text($"calendar file {name}: {key}: From '{h.From:yyyy-MM-dd}' is after To '{h.To:yyyy-MM-dd}'"));
                continue;
            }

            if (h.From.Year != model.Year || h.To.Year != model.Year)
            {
                problems.Add(Text($"calendar file {name}: {key}: '{h.From:yyyy-MM-dd}'..'{h.To:yyyy-MM-dd}' is not in {model.Year}"));
                continue;
            }

            for (var day = h.From; day <= h.To; day = day.AddDays(1))
            {
                if (!off.Add(day))
                {
                    problems.Add(Text($"calendar file {name}: {key}: '{day:yyyy-MM-dd}' is in two holidays"));
                }
            }

            holidays.Add(new HolidayPeriod(h.Name.Trim(), h.From, h.To));
        }

        for (var i = 0; i < model.Workdays.Count; i++)
        {
            var day = model.Workdays[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"Workdays:{i}");
            if (day.Year != model.Year)
            {
                problems.Add(Text($"calendar file {name}: {key} '{day:yyyy-MM-dd}' is not in {model.Year}"));
            }
            else if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                problems.Add(Text($"calendar file {name}: {key} '{day:yyyy-MM-dd}' is a {day.DayOfWeek}, not a Saturday or Sunday made a workday"));
            }
            else if (off.Contains(day))
            {
                problems.Add(Text($"calendar file {name}: {key} '{day:yyyy-MM-dd}' is also a holiday"));
            }
        }

        return problems.Count > 0 ? (null, problems) : (new CalendarYear(model.Year, model.Notice!.Trim(), holidays, [.. model.Workdays.Order()]), problems);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed class FileModel
    {
        public int Year { get; set; }

        public string? Notice { get; set; }

        public List<HolidayModel> Holidays { get; set; } = [];

        public List<DateOnly> Workdays { get; set; } = [];
    }

    private sealed class HolidayModel
    {
        public string Name { get; set; } = "";

        public DateOnly From { get; set; }

        public DateOnly To { get; set; }
    }
}
