using Microsoft.Extensions.Logging;

namespace Reporting.Testing.Logging;

/// <summary>
/// Every line logged through <see cref="Provider"/> (formatted message, and the exception's whole
/// text when there is one), to check what logs say and what they never say.
/// </summary>
public sealed class CapturedLogs
{
    private readonly List<string> _lines = [];

    /// <summary>Every line so far: <c>Level Category: message</c>, then the exception if any.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>All lines as one text.</summary>
    public string Text => string.Join("\n", Lines);

    /// <summary>The provider to add to a host's logging (<c>builder.Logging.AddProvider(logs.Provider)</c>).</summary>
    public ILoggerProvider Provider => new CapturingProvider(this);

    /// <summary>A typed logger writing here, for a class constructed by hand.</summary>
    public ILogger<T> For<T>() => new Logger<T>(new LoggerFactory([Provider]));

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private sealed class CapturingProvider(CapturedLogs logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
    }
}
