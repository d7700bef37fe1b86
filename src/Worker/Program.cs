using Reporting.Worker.CommandLine;

return await ReportingCommandLine.Create().Parse(args).InvokeAsync();
