using Reporting.Worker.CommandLine;

// Every command ends in its own sentences and an exit code of ExitCodes, never a stack trace.
return await CommandRunner.RunAsync(ReportingCommandLine.Create(), args);
