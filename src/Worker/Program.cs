using System.CommandLine;
using Reporting.Worker.CommandLine;

// The Generic Host of `serve` stops gracefully on SIGTERM and Ctrl+C by itself (finishing a running
// job within its shutdown timeout); System.CommandLine must not kill the process first.
return await ReportingCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
