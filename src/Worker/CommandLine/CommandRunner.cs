using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// Parses and runs one command so that it always ends in its own sentences and a documented exit
/// code (<see cref="ExitCodes"/>), never in a .NET stack trace: a usage error prints what is wrong
/// and exits 64; an exception is classified by <see cref="FailureClassifier"/>, printed as one line
/// on standard error, and written with its stack trace to the log at Debug level only
/// (<c>Logging__LogLevel__Reporting=Debug</c>).
/// </summary>
public static class CommandRunner
{
    /// <summary>The log category of a command's failure.</summary>
    public const string LogCategory = "Reporting.Worker.CommandLine";

    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (Exception ex)
        {
            // A validator that throws is a defect of this command line, not of the user's input.
            return Report(ex, FailureClassifier.Internal(ex));
        }

        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            return Usage(parse);
        }

        try
        {
            // The Generic Host of `serve` stops gracefully on SIGTERM and Ctrl+C by itself (finishing a
            // running job within its shutdown timeout); System.CommandLine must not kill the process
            // first. Exceptions come here, not to System.CommandLine's handler, which prints traces.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return Report(ex, FailureClassifier.Classify(ex, Store()));
        }
    }

    /// <summary>Every parse error on one line, then where the options are listed; exit code 64.</summary>
    private static int Usage(ParseResult parse)
    {
        var command = CommandPath(parse.CommandResult);
        var errors = string.Join("; ", parse.Errors.Select(e => ReportingConsoleFormatter.OneLine(e.Message.Replace("\t", " ", StringComparison.Ordinal)).TrimEnd('.')).Distinct(StringComparer.Ordinal));
        Console.Out.Flush();
        Console.Error.WriteLine($"{command}: {errors}. Run '{command} --help' for the options.");
        return ExitCodes.Usage;
    }

    private static int Report(Exception exception, CommandFailure failure)
    {
        Console.Out.Flush();
        LogTrace(exception, failure.ExitCode);
        Console.Error.WriteLine(failure.Message);
        return failure.ExitCode;
    }

    /// <summary>
    /// The exception with its stack trace, through the console log at Debug level: written only when
    /// the configuration the command ran with turns Debug on for <see cref="LogCategory"/>.
    /// </summary>
    private static void LogTrace(Exception exception, int exitCode)
    {
        var configuration = Configuration();
        var levels = new LogLevels(configuration);
        if (!levels.TracesFor(LogCategory))
        {
            return;
        }

        using (var factory = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddConsole(o =>
            {
                o.FormatterName = ReportingConsoleFormatter.FormatterName;
                o.LogToStandardErrorThreshold = LogLevel.Trace;
            });
            logging.AddConsoleFormatter<ReportingConsoleFormatter, ReportingConsoleFormatterOptions>(o =>
            {
                o.TimestampFormat = "HH:mm:ss ";
                o.Levels = levels;
            });
        }))
        {
            factory.CreateLogger(LogCategory).LogDebug(exception, "The command failed with exit code {ExitCode}", exitCode);
        }
    }

    /// <summary>The store the failed command worked on, when configuration names a valid one.</summary>
    private static StoreTarget? Store()
    {
        if (ReportingHost.Last is { Store: { } store })
        {
            return store;
        }

        return StoreTarget.TryFrom(Configuration(), ReportingHost.Last?.Home ?? Home());
    }

    /// <summary>The configuration the command's host composed; when the host was never built, the same sources, skipping files that do not parse.</summary>
    private static IConfiguration Configuration()
    {
        if (ReportingHost.Last is { } last)
        {
            return last.Configuration;
        }

        var builder = new ConfigurationBuilder();
        ReportingHost.Compose(builder, Home(), interactive: true, overrides: null, tolerant: true);
        return builder.Build();
    }

    private static string Home() => ReportingPaths.FindHome(Environment.GetEnvironmentVariable("REPORTING_HOME"));

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Add(c.Parent is null ? "Reporting.Worker" : c.Command.Name);
            }
        }

        names.Reverse();
        return TextSafety.Printable(string.Join(" ", names), 200);
    }
}
