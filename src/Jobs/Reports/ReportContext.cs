using Reporting.Jobs.Delivery;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Reports;

/// <summary>
/// What every report builder reads from: the store, the configuration, and an optional banner
/// (e.g. "data incomplete", set by the freshness gate when a deadline passed without an extract).
/// Builders are deterministic: the same store content and arguments give the same bytes.
/// </summary>
/// <remarks><c>Morning</c>: the morning emails' options (<c>Reports:Morning</c>); null means the defaults.</remarks>
public sealed record ReportContext(
    IReportingStore Store,
    SourcesOptions Sources,
    ReferenceDataOptions Reference,
    MetricsOptions Metrics,
    DeliveryOptions Delivery,
    string? Banner = null,
    MorningEmail.MorningEmailOptions? Morning = null);
