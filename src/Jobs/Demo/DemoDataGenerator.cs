namespace Reporting.Jobs.Demo;

/// <summary>
/// Writes the demo extracts the worker loads: a seeded, deterministic simulation of a Guangdong
/// dealer group (<see cref="DemoDealerGroup"/>) over <see cref="DemoDataOptions.HistoryYears"/>
/// years, through <see cref="DemoDataOptions.BusinessDate"/>.
/// </summary>
/// <remarks>
/// <para>Layout, under <c>&lt;outputDirectory&gt;/inbox/&lt;source&gt;/</c>:</para>
/// <list type="bullet">
/// <item><c>policies</c>, <c>claims</c>, <c>followups</c>: the canonical columns of SPEC §2.1–2.3
/// in SPEC order, UTF-8 without BOM, comma, <c>\n</c>, ISO dates, two-decimal amounts, quoted
/// only where RFC 4180 needs it.</item>
/// <item><c>pingan_policies</c>: 平安产险's own policy extract — GB18030, CRLF, Chinese headers,
/// <c>yyyy/MM/dd</c> dates, 交强险/商业险, 新保/续保/转保, 有效/退保. PINGAN policies appear only
/// here, never in <c>policies</c>.</item>
/// <item><c>cpic_claims</c>: 太保产险's claims as its dealer portal exports them (.xlsx, see
/// <see cref="ExcelSourceFiles"/>): sheet 理赔清单, a title row above the header, Chinese headers,
/// date cells, 是/否 and 未决/已结案/注销, a 合计 row at the end. CPIC claims appear only here, never
/// in <c>claims</c>.</item>
/// </list>
/// <para>Each source gets <c>&lt;source&gt;_YYYYMMDD.csv</c> (<c>.xlsx</c>) for the history (dated
/// <see cref="DemoDataOptions.HistoryEnd"/>, holding everything that happened on or before it)
/// and one file per later day through the business date, each with an empty <c>.done</c> marker
/// written after the file is complete. A row never describes anything after its file's date:
/// a cancellation is a second row of the policy in the file of its cancel date, a claim's
/// closing a second row in the file of its close date; what happens on one day (or before the
/// history ends) is folded into one row.</para>
/// <para>Files of the same name are overwritten; other files in the folders are left alone, so
/// generate into an empty folder.</para>
/// </remarks>
public static class DemoDataGenerator
{
    public static DemoDataSummary Generate(string outputDirectory, DemoDataOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var group = DemoDealerGroup.Create(options);
        using var extracts = new DemoExtracts(outputDirectory, options);
        var simulation = new DemoSimulation(options, group, extracts);
        simulation.Run(cancellationToken);
        var sources = extracts.Complete();
        return new DemoDataSummary(
            Path.Combine(outputDirectory, "inbox"),
            options.HistoryEnd,
            options.BusinessDate,
            sources,
            simulation.Vehicles,
            simulation.Policies,
            simulation.Claims,
            simulation.FollowUps);
    }
}
