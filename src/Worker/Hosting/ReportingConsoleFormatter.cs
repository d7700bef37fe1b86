using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Worker.Hosting;

/// <summary>Options of <see cref="ReportingConsoleFormatter"/>: the levels configuration sets, to know when Debug is on.</summary>
public sealed class ReportingConsoleFormatterOptions : ConsoleFormatterOptions
{
    public LogLevels? Levels { get; set; }
}

/// <summary>
/// One line per event (<c>HH:mm:ss info: Category[id] message</c>), like the simple console
/// formatter, with two differences: every line is escaped with <see cref="TextSafety.Printable"/>
/// (file names and causes come from outside), and an exception is shown as its type and message
/// only, its stack trace written only when the category logs at Debug or Trace
/// (<c>Logging__LogLevel__Reporting=Debug</c>).
/// </summary>
public sealed class ReportingConsoleFormatter(IOptionsMonitor<ReportingConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "reporting";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        var exception = logEntry.Exception;
        if (string.IsNullOrEmpty(message) && exception is null)
        {
            return;
        }

        var settings = options.CurrentValue;
        var line = new StringBuilder();
        if (settings.TimestampFormat is { } format)
        {
            var now = settings.UseUtcTimestamp ? TimeProvider.System.GetUtcNow() : TimeProvider.System.GetLocalNow();
            line.Append(now.ToString(format, CultureInfo.InvariantCulture));
        }

        line.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category)
            .Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(OneLine(message));
        if (exception is not null)
        {
            if (settings.Levels?.TracesFor(logEntry.Category) == true)
            {
                line.AppendLine();
                foreach (var traceLine in exception.ToString().Split('\n'))
                {
                    line.Append("    ").AppendLine(TextSafety.Printable(traceLine.TrimEnd('\r'), int.MaxValue));
                }

                textWriter.Write(line.ToString());
                return;
            }

            line.Append(string.IsNullOrEmpty(message) ? "" : ": ").Append(Summary(exception));
        }

        textWriter.WriteLine(line.ToString());
    }

    /// <summary>An exception and its inner exceptions as <c>Type: message ---&gt; Type: message</c>, escaped, on one line.</summary>
    public static string Summary(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {OneLine(e.Message)}");
        }

        return string.Join(" ---> ", parts);
    }

    /// <summary>A multi-line text on one line, each line escaped.</summary>
    public static string OneLine(string? text) => string.IsNullOrEmpty(text)
        ? ""
        : string.Join(" ", text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => TextSafety.Printable(l, 1000)));

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
