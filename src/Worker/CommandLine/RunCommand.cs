using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Scheduling;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary><c>run JOB --date D</c> and <c>backfill JOB --from D1 --to D2</c>: run a job now, through the same executor as the schedule.</summary>
internal static class RunCommand
{
    public static Command Create(JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var job = JobArgument(jobs);
        var date = CommandLineParsing.DateOption("--date", "Business date of the run; default yesterday in business time");
        var (branch, dryRun, resend) = RunOptions();
        var command = new Command("run", "Run one job for one business date: " + jobs.NamesInWords)
        {
            job, date, branch, dryRun, resend,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var businessDate = parse.GetValue(date) ?? host.Services.GetRequiredService<BusinessCalendar>().Yesterday;
            var run = await ExecuteAsync(host.Services, parse.GetRequiredValue(job), businessDate, RunTrigger.Manual, parse.GetValue(branch), parse.GetValue(dryRun), parse.GetValue(resend), cancellationToken);
            return run.Status is RunStatus.Failed ? 1 : 0;
        });
        return command;
    }

    public static Command CreateBackfill(JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var job = JobArgument(jobs);
        var from = CommandLineParsing.DateOption("--from", "First business date");
        var to = CommandLineParsing.DateOption("--to", "Last business date");
        from.Required = true;
        to.Required = true;
        var (branch, dryRun, resend) = RunOptions();
        var command = new Command("backfill", "Run one job for every business date of a range, oldest first")
        {
            job, from, to, branch, dryRun, resend,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var failed = 0;
            for (var day = parse.GetValue(from)!.Value; day <= parse.GetValue(to)!.Value; day = day.AddDays(1))
            {
                var run = await ExecuteAsync(host.Services, parse.GetRequiredValue(job), day, RunTrigger.Backfill, parse.GetValue(branch), parse.GetValue(dryRun), parse.GetValue(resend), cancellationToken);
                failed += run.Status is RunStatus.Failed ? 1 : 0;
            }

            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    public static async Task<JobRun> ExecuteAsync(
        IServiceProvider services, string job, DateOnly businessDate, RunTrigger trigger, string? branch, bool dryRun, bool resend, CancellationToken cancellationToken)
    {
        var run = await services.GetRequiredService<IJobExecutor>().ExecuteAsync(
            new JobRequest(job, businessDate, trigger, new Jobs.Reports.RunOptions(dryRun, branch), resend), cancellationToken);
        Print(run, dryRun);
        return run;
    }

    /// <summary>Longest run error shown; the whole text is in <c>history</c>.</summary>
    public const int ErrorShown = 2000;

    public static void Print(JobRun run, bool dryRun)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run.Job} {run.BusinessDate:yyyy-MM-dd}: run #{run.RunId} {run.Status}{(dryRun ? " (dry run: nothing written or sent)" : "")}, {run.Rows} {(run.Job == IngestJob.JobName ? "rows loaded" : dryRun ? "messages rendered" : "messages sent")}"));
        if (run.Outputs is not null)
        {
            Console.WriteLine("  outputs: " + TextSafety.Printable(run.Outputs, ErrorShown));
        }

        if (run.Error is not null)
        {
            Console.Error.WriteLine("  error: " + TextSafety.Printable(run.Error, ErrorShown));
        }
    }

    /// <summary>The JOB argument: one of the registered jobs, which its description and its usage error list.</summary>
    private static Argument<string> JobArgument(JobRegistry jobs)
    {
        var job = new Argument<string>("JOB") { Description = jobs.NamesInWords };
        return job.OneOf([.. jobs.Names]);
    }

    private static (Option<string?> Branch, Option<bool> DryRun, Option<bool> Resend) RunOptions() =>
    (
        new Option<string?>("--branch") { Description = "Only this branch's messages" },
        new Option<bool>("--dry-run") { Description = "Render everything, write and send nothing; list what would be produced and who would receive it" },
        new Option<bool>("--resend") { Description = "Send again to recipients who already received this job and date's messages" }
    );
}
