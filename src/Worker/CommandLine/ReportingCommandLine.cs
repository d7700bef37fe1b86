using System.CommandLine;

namespace Reporting.Worker.CommandLine;

/// <summary>The ops command line: the same executable that runs as the scheduled worker.</summary>
public static class ReportingCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Dealer-channel motor insurance reporting worker: loads insurer extracts, computes renewal, conversion, referral and commission figures, and delivers reports.");
        root.Add(IngestCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(MetricsCommand.Create());
        root.Add(RunCommand.Create());
        root.Add(RunCommand.CreateBackfill());
        root.Add(HistoryCommand.Create());
        root.Add(ExplainCommand.Create());
        root.Add(ServeCommand.Create());
        root.Add(JobsCommand.Create());
        return root;
    }
}
