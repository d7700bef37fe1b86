using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary><c>run JOB --date D</c>: run one report job for one business date, now.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var job = new Argument<string>("JOB") { Description = "morning, commission or renewal-review" };
        job.AcceptOnlyFromAmong([.. ReportJobs.All]);
        var date = CommandLineParsing.DateOption("--date", "Business date of the run; default yesterday in business time");
        var branch = new Option<string?>("--branch") { Description = "Only this branch's messages" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Render everything, write and send nothing; list what would be produced and who would receive it" };
        var command = new Command("run", "Run one report job for one business date")
        {
            job, date, branch, dryRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var services = host.Services;
            await services.GetRequiredService<IReportingStore>().MigrateAsync(cancellationToken);
            var businessDate = parse.GetValue(date) ?? services.GetRequiredService<BusinessCalendar>().Yesterday;
            var options = new RunOptions(parse.GetValue(dryRun), parse.GetValue(branch));
            var outcome = await services.GetRequiredService<ReportRunner>().RunAsync(parse.GetRequiredValue(job), businessDate, options, cancellationToken);
            Print(outcome, services.GetRequiredService<IMailTransport>(), options.DryRun);
            return outcome.Succeeded ? 0 : 1;
        });
        return command;
    }

    public static void Print(ReportOutcome outcome, IMailTransport transport, bool dryRun)
    {
        var verb = dryRun ? "would write" : "wrote";
        foreach (var file in outcome.Files)
        {
            Console.WriteLine($"{outcome.Job} {outcome.BusinessDate:yyyy-MM-dd}: {verb} {file}");
        }

        var send = dryRun ? "would send" : "sent";
        foreach (var message in outcome.Messages.Concat(outcome.Alerts))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Job} {outcome.BusinessDate:yyyy-MM-dd}: {send} {message.Key} to {string.Join(", ", message.To)} via {transport.Describe()}: {message.Subject}"));
        }

        if (outcome.Problem is not null)
        {
            Console.Error.WriteLine($"{outcome.Job} {outcome.BusinessDate:yyyy-MM-dd}: {outcome.Problem}");
        }
    }
}
