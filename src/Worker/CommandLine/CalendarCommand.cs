using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Scheduling.Calendar;
using Reporting.Worker.Hosting;
using Spectre.Console;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>calendar [--year Y]</c>: one year of China's working calendar as the schedule applies it — the
/// notice it comes from, the holidays, the adjusted working weekend days (调休), and the workdays of
/// each month. A year without a file says so and shows Saturday/Sunday weekends.
/// </summary>
internal static class CalendarCommand
{
    public static Command Create()
    {
        var year = new Option<int?>("--year") { Description = "The year (default: this year in Business:TimeZone)" };
        var command = new Command("calendar", "Show a year of China's working calendar: holidays, adjusted workdays, the workdays of each month") { year };
        command.SetAction((parse, _) =>
        {
            using var host = ReportingHost.Build();
            var calendar = host.Services.GetRequiredService<WorkingCalendar>();
            var shown = parse.GetValue(year) ?? host.Services.GetRequiredService<BusinessCalendar>().Today.Year;
            if (shown is < 1900 or > 9998)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--year {shown} is not a year this calendar can show (1900–9998)."));
            }

            Write(calendar, shown, ConsoleOutput.StandardOutput());
            return Task.FromResult(0);
        });
        return command;
    }

    public static void Write(WorkingCalendar calendar, int year, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(console);
        if (calendar.Year(year) is { } arrangement)
        {
            console.Line(Invariant($"{year}: {arrangement.Notice}"));
            var holidays = ConsoleOutput.Table(["holiday", "from", "to", "days"]);
            foreach (var h in arrangement.Holidays)
            {
                holidays.AddRow(ConsoleOutput.Cell(h.Name), ConsoleOutput.Cell(Date(h.From)), ConsoleOutput.Cell(Date(h.To)), ConsoleOutput.Cell(Invariant($"{h.To.DayNumber - h.From.DayNumber + 1}")));
            }

            console.WriteTable(holidays);
            console.Line("adjusted workdays (调休上班): " + string.Join(", ", arrangement.Workdays.Select(d => Invariant($"{Date(d)} ({d.DayOfWeek})"))));
        }
        else
        {
            console.Line(WorkingCalendar.MissingYearText(year));
        }

        var months = ConsoleOutput.Table(["month", "workdays", "first workday", "days"]);
        for (var month = 1; month <= 12; month++)
        {
            var days = Enumerable.Range(1, DateTime.DaysInMonth(year, month)).Select(d => new DateOnly(year, month, d)).Where(calendar.IsWorkday).ToList();
            months.AddRow(
                ConsoleOutput.Cell(Invariant($"{year:0000}-{month:00}")),
                ConsoleOutput.Cell(Invariant($"{days.Count}")),
                ConsoleOutput.Cell(Date(calendar.FirstWorkday(year, month))),
                ConsoleOutput.Cell(string.Join(' ', days.Select(d => d.Day.ToString(CultureInfo.InvariantCulture))), 400));
        }

        console.WriteTable(months);
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
