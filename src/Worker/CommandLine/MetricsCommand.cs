using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Store;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>metrics --as-of D --month YYYY-MM --format json|csv</c>: prints the numbers of SPEC §3 in the
/// form of SPEC §4.1, from the same computation every report uses.
/// </summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var asOf = CommandLineParsing.DateOption("--as-of", "Business date whose data the figures use; default yesterday in business time");
        var month = CommandLineParsing.MonthOption("--month", "Month reported: cohort, commission, advisor and referral month; default the as-of date's month");
        var format = new Option<string>("--format") { Description = "json or csv", DefaultValueFactory = _ => "json" };
        format.OneOf("json", "csv");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("metrics", "Print the metrics of SPEC §3 for a month as of a business date, as JSON or CSV")
        {
            asOf, month, format, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ReportingHost.Build();
            var (date, reported) = Resolve(host.Services, parse.GetValue(asOf), parse.GetValue(month));
            var report = await ComputeAsync(host.Services, date, reported, cancellationToken);
            await using var writer = parse.GetValue(output) is { } file
                ? new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false))
                : new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
            if (parse.GetValue(format) == "csv")
            {
                MetricsExport.WriteCsv(report.Report, writer);
            }
            else
            {
                MetricsExport.WriteJson(report.Report, writer);
            }

            await writer.FlushAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>The as-of date (default yesterday) and the month (default the as-of date's month).</summary>
    public static (DateOnly AsOf, BusinessMonth Month) Resolve(IServiceProvider services, DateOnly? asOf, BusinessMonth? month)
    {
        var date = asOf ?? services.GetRequiredService<BusinessCalendar>().Yesterday;
        return (date, month ?? BusinessMonth.Of(date));
    }

    public static async Task<MetricsResult> ComputeAsync(IServiceProvider services, DateOnly asOf, BusinessMonth month, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IReportingStore>();
        await store.MigrateAsync(cancellationToken);
        var options = services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var input = await MetricsInputQuery.LoadAsync(store, asOf, month, options, cancellationToken);
        return MetricsCalculator.Calculate(input);
    }
}
