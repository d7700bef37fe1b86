using Reporting.Jobs.Domain;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Extract;

/// <summary>
/// The rows' side of a load: one row after validation (<see cref="ParsedRow"/>), the counts and
/// issues of a file as its rows go by (<see cref="Tally"/>), and the fault that ends a load.
/// </summary>
public sealed partial class ExtractLoader
{
    /// <summary>A fault that is not a rejected row or a bad file: where the load was and what it was doing.</summary>
    private sealed class LoadFaultException(int line, string stage, Exception inner) : Exception(inner.Message, inner)
    {
        public int Line { get; } = line;

        public string Stage { get; } = stage;
    }

    /// <summary>A valid row on its way to the store.</summary>
    private readonly record struct Valid(int Line, object Record);

    /// <summary>
    /// One row after validation: a record, or the reason it is rejected, or a totals line.
    /// <see cref="Lines"/> is how many physical lines it spans (<see cref="ExtractRow.Lines"/>).
    /// </summary>
    private readonly record struct ParsedRow(int Line, object? Record, RowIssue? Reject, bool IsTotals, int Lines)
    {
        /// <param name="row">The row as read.</param>
        /// <param name="parser">The source's validation.</param>
        /// <param name="columnLabels">How a reject names its column, when the file has its own names (Excel); else the canonical name.</param>
        public static ParsedRow Parse(ExtractRow row, RowParser parser, IReadOnlyDictionary<string, string>? columnLabels = null)
        {
            if (row.IsTotals)
            {
                return new ParsedRow(row.Line, null, null, true, row.Lines);
            }

            if (row.Problem is { } problem)
            {
                return Rejected(row, problem);
            }

            try
            {
                object record = parser.Dataset switch
                {
                    ExtractDataset.Policies => parser.ParsePolicy(row.Fields),
                    ExtractDataset.Claims => parser.ParseClaim(row.Fields),
                    _ => parser.ParseFollowUp(row.Fields),
                };
                return new ParsedRow(row.Line, record, null, false, row.Lines);
            }
            catch (RowRejectedException ex)
            {
                return Rejected(row, new RowIssue(row.Line, Label(columnLabels, ex.Column), ex.Message, ex.Value));
            }
        }

        /// <summary>A rejected record over several lines says which: they are all lost with it.</summary>
        private static ParsedRow Rejected(ExtractRow row, RowIssue issue)
        {
            if (row.Lines > 1)
            {
                issue = issue with
                {
                    Reason = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{issue.Reason} (one record over lines {row.Line}–{row.Line + row.Lines - 1}, each counted as a rejected row)"),
                };
            }

            return new ParsedRow(row.Line, null, issue, false, row.Lines);
        }
    }

    /// <summary>A canonical column as an issue names it: its label in the file (an Excel header and column letter), else its name.</summary>
    private static string Label(IReadOnlyDictionary<string, string>? columnLabels, string column) =>
        columnLabels is not null && columnLabels.TryGetValue(column, out var label) ? label : column;

    /// <summary>Counts and issues of one file as its rows go by.</summary>
    private sealed class Tally(ReferenceDataOptions reference, IReadOnlyDictionary<string, string>? columnLabels = null)
    {
        private readonly HashSet<string> _branches = reference.Branches.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        private readonly HashSet<string> _advisors = reference.Advisors.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        private readonly HashSet<string> _insurers = reference.Insurers.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<(string Column, string Code), (int FirstLine, int Count)> _unknown = [];
        private readonly Dictionary<(string, string), long> _keys = [];
        private readonly List<RowIssue> _rejects = [];
        private readonly List<RowIssue> _skipped = [];

        public long RowsRead { get; private set; }

        public long RowsRejected { get; private set; }

        public IReadOnlyList<RowIssue> Issues => [.. _rejects, .. _skipped, .. Warnings()];

        public void Read(ParsedRow row)
        {
            // A rejected record counts every line it spans, on both sides of the threshold's ratio:
            // lines swallowed by a stray quote are rows lost, not one.
            RowsRead += row.Record is null && !row.IsTotals ? row.Lines : 1;
            switch (row.Record)
            {
                case Policy policy:
                    Check("branch_code", policy.BranchCode, _branches, row.Line);
                    Check("advisor_id", policy.AdvisorId, _advisors, row.Line);
                    Check("insurer_code", policy.InsurerCode, _insurers, row.Line);
                    _keys[(policy.InsurerCode, policy.PolicyNo)] = SqlFen(policy.Premium);
                    break;
                case Claim claim:
                    Check("repair_branch_code", claim.RepairBranchCode, _branches, row.Line);
                    Check("insurer_code", claim.InsurerCode, _insurers, row.Line);
                    _keys[(claim.InsurerCode, claim.ClaimNo)] = 0;
                    break;
                case FollowUp followUp:
                    Check("branch_code", followUp.BranchCode, _branches, row.Line);
                    Check("advisor_id", followUp.AdvisorId, _advisors, row.Line);
                    Check("insurer_code", followUp.InsurerCode, _insurers, row.Line);
                    _keys[("", followUp.FollowUpId)] = 0;
                    break;
                case null when row.IsTotals:
                    _skipped.Add(new RowIssue(row.Line, "*", "totals line (合计) skipped", null, IssueSeverity.Warning));
                    break;
                default:
                    Reject(row.Reject!, row.Lines);
                    break;
            }
        }

        public LoadCounts Counts()
        {
            var loaded = _keys.Count;
            var valid = RowsRead - RowsRejected - _skipped.Count;
            return new LoadCounts(RowsRead, loaded, RowsRejected, valid - loaded, _skipped.Count, _unknown.Count + _skipped.Count, _keys.Values.Sum() / 100m);
        }

        private static long SqlFen(decimal yuan) => checked((long)(yuan * 100m));

        private void Reject(RowIssue issue, int lines)
        {
            RowsRejected += lines;
            if (_rejects.Count < SqlReportingStore.MaxStoredIssues)
            {
                _rejects.Add(issue);
            }
        }

        /// <summary>Unknown reference codes are loaded and reported once per code, not per row (SPEC §2.6).</summary>
        private void Check(string column, string? code, HashSet<string> known, int line)
        {
            if (code is null || known.Count == 0 || known.Contains(code))
            {
                return;
            }

            _unknown[(column, code)] = _unknown.TryGetValue((column, code), out var seen) ? (seen.FirstLine, seen.Count + 1) : (line, 1);
        }

        private IEnumerable<RowIssue> Warnings() => _unknown
            .OrderBy(u => u.Value.FirstLine)
            .Select(u => new RowIssue(u.Value.FirstLine, Label(columnLabels, u.Key.Column), $"unknown {u.Key.Column} (not in config/reference.json), in {u.Value.Count} row(s); loaded", TextSafety.Printable(u.Key.Code), IssueSeverity.Warning));
    }
}
