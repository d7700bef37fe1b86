using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Metrics;
using Reporting.Worker.Hosting;

namespace Reporting.Worker.CommandLine;

/// <summary>
/// <c>explain --metric renewal|conversion|referral|commission|advisor|lostreasons [--branch B]
/// [--insurer I] [--advisor A] [--month YYYY-MM] [--as-of D] [--format text|csv]</c>: the policy and
/// claim lines behind a <c>metrics</c> figure with each rule's verdict, and totals equal to the
/// metrics rows — the answer to "why is my number this". Loads exactly as <c>metrics</c> does, then
/// formats with <see cref="MetricsExplanation"/>.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var metric = new Option<string>("--metric") { Description = "The figure to explain: " + string.Join(", ", MetricsExplanation.MetricNames), Required = true };
        metric.OneOf([.. MetricsExplanation.MetricNames]);
        var asOf = CommandLineParsing.DateOption("--as-of", "Business date whose data the figures use; default yesterday in business time");
        var month = CommandLineParsing.MonthOption("--month", "Month reported; default the as-of date's month");
        var branch = new Option<string?>("--branch") { Description = "Only this branch's lines (e.g. B01)" };
        var insurer = new Option<string?>("--insurer") { Description = "Only this insurer's lines (renewal, conversion, referral, commission, lostreasons)" };
        var advisor = new Option<string?>("--advisor") { Description = "Only this advisor's lines (renewal, conversion, advisor, lostreasons)" };
        var format = new Option<string>("--format") { Description = "text (tables) or csv", DefaultValueFactory = _ => "text" };
        format.OneOf("text", "csv");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("explain", "List the policy and claim lines behind a metrics figure, with the rule's verdict for each and totals equal to the metrics rows")
        {
            metric, asOf, month, branch, insurer, advisor, format, output,
        };
        command.Validators.Add(result =>
        {
            // The raw token, not GetValue: a value the option's own validator refused must not
            // throw here (it aborted the process before: `explain --metric renewl`, exit 134).
            if (result.GetResult(metric) is not { Tokens: [.., var token] } || !MetricsExplanation.TryParseMetric(token.Value, out var chosen))
            {
                return;
            }

            var applies = MetricsExplanation.FiltersOf(chosen);
            if (result.GetValue(insurer) is not null && !applies.Insurer)
            {
                result.AddError($"--insurer does not apply to --metric {MetricsExplanation.NameOf(chosen)}: its figures are not kept by insurer");
            }

            if (result.GetValue(advisor) is not null && !applies.Advisor)
            {
                result.AddError($"--advisor does not apply to --metric {MetricsExplanation.NameOf(chosen)}: its figures are not kept by advisor");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!MetricsExplanation.TryParseMetric(parse.GetValue(metric), out var chosen))
            {
                throw new UsageException($"--metric must be one of {string.Join(", ", MetricsExplanation.MetricNames)}.");
            }

            using var host = ReportingHost.Build();
            var (date, reported) = MetricsCommand.Resolve(host.Services, parse.GetValue(asOf), parse.GetValue(month));
            var result = await MetricsCommand.ComputeAsync(host.Services, date, reported, cancellationToken);
            var options = host.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
            var filter = new ExplanationFilter(Code(parse.GetValue(branch)), Code(parse.GetValue(insurer)), Code(parse.GetValue(advisor)));
            var explanation = MetricsExplanation.Explain(result, options, chosen, filter);
            var csv = parse.GetValue(format) == "csv";
            if (parse.GetValue(output) is { } file)
            {
                var text = csv ? explanation.ToCsv() : ExplainText.ToText(explanation);
                await File.WriteAllTextAsync(file, text, new UTF8Encoding(false), cancellationToken);
            }
            else if (csv)
            {
                await using var writer = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
                await writer.WriteAsync(explanation.ToCsv().AsMemory(), cancellationToken);
                await writer.FlushAsync(cancellationToken);
            }
            else
            {
                ExplainText.Write(explanation, ConsoleOutput.StandardOutput());
            }

            return 0;
        });
        return command;
    }

    /// <summary>Codes are trimmed; an empty one means no filter.</summary>
    private static string? Code(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
