using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Extract;

/// <summary>
/// One data row of an extract after header mapping: the canonical fields in canonical order,
/// trimmed, empty as <c>""</c>, the source's own enum values already mapped.
/// </summary>
/// <param name="Line">Physical line where the row starts (the header is line 1), or the row number of a query.</param>
/// <param name="Fields">Canonical fields, indexed like <see cref="CanonicalColumns.For"/>.</param>
/// <param name="Problem">A structural problem (wrong field count, bad quoting) that rejects the row.</param>
/// <param name="IsTotals">A 合计 / 总计 totals line some insurer exports end with: skipped, not rejected.</param>
/// <param name="Lines">
/// The physical lines the row spans: more than one only for a quoted field with line breaks. A
/// rejected row counts as every line it spans (a stray quote that swallowed 896 rows into one
/// record is 897 rejected rows, not one).
/// </param>
public sealed record ExtractRow(int Line, string[] Fields, RowIssue? Problem = null, bool IsTotals = false, int Lines = 1);
