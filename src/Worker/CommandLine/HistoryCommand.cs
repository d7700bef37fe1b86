using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary><c>history [--job J] [--date D]</c>: the run history and, for one date, the delivery log.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var job = new Option<string?>("--job") { Description = "Only this job" };
        var date = CommandLineParsing.DateOption("--date", "Only this business date (also shows each recipient's delivery)");
        var limit = new Option<int>("--limit") { Description = "How many runs, newest first", DefaultValueFactory = _ => 50 };
        var command = new Command("history", "Show run history (job, business date, trigger, start, end, status, rows, outputs, error) and deliveries")
        {
            job, date, limit,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            await host.Services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var runs = host.Services.GetRequiredService<IRunStore>();
            var businessDate = parse.GetValue(date);
            foreach (var run in await runs.GetRunsAsync(parse.GetValue(job), businessDate, parse.GetValue(limit), cancellationToken))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"#{run.RunId}\t{run.Job}\t{run.BusinessDate:yyyy-MM-dd}\t{run.Trigger}\t{run.StartedAt:yyyy-MM-dd HH:mm:ss}Z\t{run.FinishedAt:HH:mm:ss}Z\t{run.Status}\t{run.Rows}\t{TextSafety.Printable(run.Instance)}\t{TextSafety.Printable(run.Error, RunCommand.ErrorShown)}"));
            }

            if (businessDate is not null)
            {
                foreach (var d in await runs.GetDeliveriesAsync(parse.GetValue(job), businessDate, cancellationToken))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {d.Status}\t{TextSafety.Printable(d.MessageKey, 256)}\t{TextSafety.Printable(d.Recipient, 256)}\tattempts {d.Attempts}\trun #{d.RunId}\t{TextSafety.Printable(d.Error, RunCommand.ErrorShown)}"));
                }
            }

            return 0;
        });
        return command;
    }
}
