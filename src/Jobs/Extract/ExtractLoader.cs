using System.Data.Common;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Reporting.Jobs.Domain;
using Reporting.Jobs.Hosting;
using Reporting.Jobs.Reference;
using Reporting.Jobs.Store;

namespace Reporting.Jobs.Extract;

public enum LoadOutcome
{
    /// <summary>Rows are in the store (perhaps with rejects below the threshold).</summary>
    Loaded,

    /// <summary>The same content was loaded before; nothing changed.</summary>
    AlreadyLoaded,

    /// <summary>The file failed as a whole; nothing from it was loaded.</summary>
    Failed,

    /// <summary>A drop-folder file without its completeness marker: left for a later scan.</summary>
    Waiting,
}

/// <summary>What happened to one file or query run.</summary>
public sealed record LoadResult(
    string Source,
    string FileName,
    LoadOutcome Outcome,
    DateOnly? ExtractDate,
    long? IngestId,
    LoadCounts? Counts,
    string? Error,
    IReadOnlyList<RowIssue> Issues);

/// <summary>How a file loaded by hand differs from one found in a drop folder.</summary>
/// <param name="ExtractDate">The extract date when the file name does not carry it (SPEC §2.5).</param>
/// <param name="IgnoreMarker">Load a file that has no <c>.done</c> marker beside it.</param>
public sealed record LoadFileOptions(DateOnly? ExtractDate = null, bool IgnoreMarker = false);

/// <summary>
/// Extract → store: reads a file or query, validates every row (SPEC §2.6), and writes the valid
/// rows in one transaction per file, or nothing at all when the file fails as a whole.
/// </summary>
/// <param name="store">The store the rows and the ledger go to.</param>
/// <param name="reference">Branches, advisors and insurers rows are checked against.</param>
/// <param name="time">The clock of the ledger's timings.</param>
/// <param name="logger">One line per file.</param>
/// <param name="calendar">The business time zone, for the extract lag metric (<see cref="ReportingTelemetry"/>); without it no lag is recorded.</param>
public sealed partial class ExtractLoader(IReportingStore store, ReferenceDataOptions reference, TimeProvider time, ILogger<ExtractLoader> logger, BusinessCalendar? calendar = null)
{
    private const int IssuesInMessage = 3;

    /// <summary>Loads one file of a drop-folder source (CSV or Excel, by its Format). A failure is recorded in the ledger and returned, not thrown.</summary>
    public async Task<LoadResult> LoadFileAsync(SourceOptions source, string path, LoadFileOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var activity = ReportingTelemetry.StartLoadActivity(source.Name, Path.GetFileName(path));
        return Measured(activity, await LoadFileCoreAsync(source, path, options, progress, cancellationToken));
    }

    /// <summary>Runs a database source's query for <paramref name="from"/>..<paramref name="to"/>; the extract date is <paramref name="to"/>.</summary>
    public async Task<LoadResult> LoadQueryAsync(SourceOptions source, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var activity = ReportingTelemetry.StartLoadActivity(source.Name, DatabaseExtractReader.Describe(source, from, to));
        return Measured(activity, await LoadQueryCoreAsync(source, from, to, cancellationToken));
    }

    /// <summary>
    /// A load's metrics: rows loaded and rejected as the ledger counts them, and, for a load that
    /// went in, how long after the end of its extract date (midnight in the business time zone,
    /// the earliest a day's extract can be complete) it was loaded.
    /// </summary>
    private LoadResult Measured(System.Diagnostics.Activity? activity, LoadResult result)
    {
        activity?.SetTag(ReportingTelemetry.StatusTag, result.Outcome.ToString());
        if (result.Counts is { } counts)
        {
            ReportingTelemetry.Loaded(result.Source, counts.RowsLoaded, counts.RowsRejected);
            activity?.SetTag("rows_loaded", counts.RowsLoaded).SetTag("rows_rejected", counts.RowsRejected);
        }

        if (result.Outcome == LoadOutcome.Failed)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
        }

        if (result.Outcome == LoadOutcome.Loaded && result.ExtractDate is { } date && calendar is not null)
        {
            var endOfDate = date.AddDays(1).ToDateTime(TimeOnly.MinValue);
            var expected = new DateTimeOffset(endOfDate, calendar.Zone.GetUtcOffset(endOfDate));
            // An extract loaded before its date ended (an intraday drop) counts as no lag.
            var lag = time.GetUtcNow() - expected;
            ReportingTelemetry.ExtractLoadedAfter(result.Source, lag < TimeSpan.Zero ? TimeSpan.Zero : lag);
        }

        return result;
    }

    private async Task<LoadResult> LoadFileCoreAsync(SourceOptions source, string path, LoadFileOptions? options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        options ??= new LoadFileOptions();
        var fileName = Path.GetFileName(path);
        var shown = Shown(fileName);
        if (Directory.Exists(path))
        {
            return Failed(source, fileName, null, $"{Shown(path)} is a directory, not an extract file; name the files in it");
        }

        if (!File.Exists(path))
        {
            return Failed(source, fileName, null, $"{shown}: file not found ({Shown(path)})");
        }

        if (!options.IgnoreMarker && !File.Exists(source.MarkerPathFor(path)))
        {
            return Failed(source, fileName, null,
                $"{shown}: no completeness marker {Shown(Path.GetFileName(source.MarkerPathFor(path)))} beside it; the drop may still be copying " +
                "(load a file by hand without one with --ignore-marker)");
        }

        var extractDate = options.ExtractDate;
        if (extractDate is null)
        {
            var name = new ExtractFileName(source.EffectiveFilePattern).Read(fileName);
            if (name.Date is null)
            {
                return Failed(source, fileName, null, $"{shown}: no extract date: {name.Problem}; give it with --extract-date");
            }

            extractDate = name.Date;
        }

        string sha;
        try
        {
            sha = await Sha256Async(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(source, fileName, extractDate, $"{shown}: cannot be read: {Shown(ex.Message, 200)}");
        }

        var header = new LoadHeader(source.Name, source.Dataset, fileName, extractDate.Value, sha, time.GetUtcNow());
        IExtractFileReader reader;
        try
        {
            // The source's Format chooses the reader; both yield the same canonical rows.
            reader = source.IsExcel ? ExcelExtractReader.Open(path, source) : CsvExtractReader.Open(path, source);
        }
        catch (ExtractFileException ex)
        {
            return await FailAsync(source, header, new Tally(reference), ex.Message, [], cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync(source, header, new Tally(reference), $"{shown}: cannot be read: {Shown(ex.Message, 200)}", [], cancellationToken);
        }

        using (reader)
        {
            return await LoadRowsAsync(source, header, reader.Rows(), () => progress?.Report(reader.Length == 0 ? 1 : (double)reader.BytesRead / reader.Length), reader.ColumnLabels, cancellationToken);
        }
    }

    /// <summary>
    /// Loads every complete file of a drop-folder source (CSV or Excel) that is not loaded yet, in order of
    /// extract date, then file name (SPEC §2.5). Files without a marker are reported as waiting; a
    /// file whose name matches the pattern with a date that is no date is reported as failed. A
    /// file that fails does not stop the scan: the next file loads.
    /// </summary>
    public async Task<IReadOnlyList<LoadResult>> ScanAsync(SourceOptions source, string folder, IProgress<(string File, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            return [Failed(source, folder, null, $"drop folder {Shown(folder)} of source {source.Name} does not exist")];
        }

        var pattern = new ExtractFileName(source.EffectiveFilePattern);
        var named = Directory.EnumerateFiles(folder)
            .Select(f => (Path: f, Name: pattern.Read(f)))
            .Where(f => f.Name.Matches)
            .ToList();
        var results = named
            .Where(f => f.Name.Date is null)
            .OrderBy(f => Path.GetFileName(f.Path), StringComparer.Ordinal)
            .Select(f => Failed(source, Path.GetFileName(f.Path), null, $"{Shown(Path.GetFileName(f.Path))}: no extract date: {f.Name.Problem}; rename the file"))
            .ToList();
        var files = named
            .Where(f => f.Name.Date is not null)
            .OrderBy(f => f.Name.Date)
            .ThenBy(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
        foreach (var (file, name) in files)
        {
            if (!File.Exists(source.MarkerPathFor(file)))
            {
                results.Add(new LoadResult(source.Name, Path.GetFileName(file), LoadOutcome.Waiting, name.Date, null, null, "no completeness marker yet", []));
                continue;
            }

            var fileProgress = progress is null ? null : new Progress<double>(f => progress.Report((Path.GetFileName(file), f)));
            results.Add(await LoadFileAsync(source, file, new LoadFileOptions(name.Date), fileProgress, cancellationToken));
        }

        return results;
    }

    private async Task<LoadResult> LoadQueryCoreAsync(SourceOptions source, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var name = DatabaseExtractReader.Describe(source, from, to);
        DatabaseExtractReader reader;
        try
        {
            reader = DatabaseExtractReader.Open(source, from, to);
        }
        catch (ExtractFileException ex)
        {
            var failedHeader = new LoadHeader(source.Name, source.Dataset, name, to, "", time.GetUtcNow());
            return await FailAsync(source, failedHeader, new Tally(reference), ex.Message, [], cancellationToken);
        }

        using (reader)
        {
            // A query has no file to hash; the hash of its rows makes a rerun with the same result a no-op.
            List<ExtractRow> rows;
            try
            {
                rows = reader.Rows().ToList();
            }
            catch (DbException ex)
            {
                var failedHeader = new LoadHeader(source.Name, source.Dataset, name, to, "", time.GetUtcNow());
                return await FailAsync(source, failedHeader, new Tally(reference), $"{name}: {reader.ReadFailure(ex)}", [], cancellationToken);
            }

            var sha = HashRows(rows);
            var header = new LoadHeader(source.Name, source.Dataset, name, to, sha, time.GetUtcNow());
            return await LoadRowsAsync(source, header, rows, null, cancellationToken);
        }
    }

    private static string HashRows(IEnumerable<ExtractRow> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var row in rows)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(string.Join('\u001f', row.Fields) + "\u001e"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>Outside text (a file name, a provider's message) as a message may show it.</summary>
    private static string Shown(string text, int maxLength = 255) => TextSafety.Printable(text, maxLength);

    private static LoadResult Failed(SourceOptions source, string fileName, DateOnly? date, string error) =>
        new(source.Name, fileName, LoadOutcome.Failed, date, null, null, error, []);

    /// <summary>
    /// Validates and writes a file's rows in one transaction. Whatever faults on the way (reading,
    /// validating, writing, committing) fails the file: the transaction is rolled back, which
    /// releases the store's write lock, and the ledger records the file FAILED with the cause.
    /// Only a store that cannot even record the failure throws.
    /// </summary>
    internal Task<LoadResult> LoadRowsAsync(SourceOptions source, LoadHeader header, IEnumerable<ExtractRow> rows, Action? reportProgress, CancellationToken cancellationToken) =>
        LoadRowsAsync(source, header, rows, reportProgress, null, cancellationToken);

    /// <param name="source">The source.</param>
    /// <param name="header">The ledger line's identity.</param>
    /// <param name="rows">The rows, in file order.</param>
    /// <param name="reportProgress">Called as batches go in.</param>
    /// <param name="columnLabels">How issues name each canonical column (an Excel file's header and column letter); null: the canonical name.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is kept.</param>
    internal async Task<LoadResult> LoadRowsAsync(
        SourceOptions source, LoadHeader header, IEnumerable<ExtractRow> rows, Action? reportProgress, IReadOnlyDictionary<string, string>? columnLabels, CancellationToken cancellationToken)
    {
        var tally = new Tally(reference, columnLabels);
        var parser = new RowParser(source.Dataset, source.EffectiveDateFormats);
        var load = await store.BeginLoadAsync(header, cancellationToken);
        if (load is null)
        {
            var existing = await store.FindLoadedAsync(header, cancellationToken);
            logger.LogInformation("{Source} {File}: same content already loaded (ingest {IngestId}); nothing to do", header.Source, Shown(header.FileName), existing?.IngestId);
            return new LoadResult(source.Name, header.FileName, LoadOutcome.AlreadyLoaded, header.ExtractDate, existing?.IngestId, null, null, []);
        }

        string? failure = null;
        LoadCounts? counts = null;
        await using (load)
        {
            // Two stages on two cores: decoding, validating and counting on a worker thread, writing
            // to the store on this one, which only binds and steps. Rows keep their order; batches
            // of rows cross a bounded channel, which keeps memory flat. A fault in either stage ends
            // both: the producer completes the channel with its fault, the writer cancels the producer.
            var channel = Channel.CreateBounded<Valid[]>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Run(() => ProduceAsync(rows, parser, columnLabels, tally, channel.Writer, stop.Token), CancellationToken.None);
            var line = 0;
            try
            {
                while (await channel.Reader.WaitToReadAsync(cancellationToken))
                {
                    while (channel.Reader.TryRead(out var batch))
                    {
                        foreach (var row in batch)
                        {
                            line = row.Line;
                            switch (row.Record)
                            {
                                case Policy policy:
                                    load.Add(policy, row.Line);
                                    break;
                                case Claim claim:
                                    load.Add(claim, row.Line);
                                    break;
                                case FollowUp followUp:
                                    load.Add(followUp, row.Line);
                                    break;
                            }
                        }

                        reportProgress?.Invoke();
                    }
                }

                await producer;
                reportProgress?.Invoke();
                if (tally.RowsRead > 0 && (double)tally.RowsRejected / tally.RowsRead > source.RejectThreshold)
                {
                    var first = string.Join("; ", tally.Issues.Where(i => i.Severity == IssueSeverity.Reject).Take(IssuesInMessage));
                    failure = string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"{Shown(header.FileName)}: {tally.RowsRejected} of {tally.RowsRead} rows rejected ({(double)tally.RowsRejected / tally.RowsRead:P2}), above the threshold of {source.RejectThreshold:P2}; nothing loaded. First: {first}");
                }
                else
                {
                    counts = tally.Counts();
                    await load.CommitAsync(counts, tally.Issues, time.GetUtcNow(), cancellationToken);
                }
            }
            catch (ExtractFileException ex)
            {
                failure = ex.Message;
            }
            catch (LoadFaultException ex)
            {
                failure = Fault(header, ex.Line, ex.Stage, ex.InnerException!);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = Fault(header, counts is null ? line : null, counts is null ? "writing to the store" : "committing", ex);
            }
            finally
            {
                await stop.CancelAsync();
                await producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (failure is not null)
            {
                // The producer has finished: the tally is complete up to the failure. Roll back
                // now, before the failure is recorded on another connection.
                await RollBackAsync(load, header);
            }
        }

        if (failure is not null)
        {
            return await FailAsync(source, header, tally, failure, tally.Issues, cancellationToken);
        }

        logger.LogInformation(
            "{Source} {File} (extract {ExtractDate}): {Loaded} rows loaded, {Rejected} rejected, {Duplicates} duplicates, {Warnings} warnings",
            header.Source, Shown(header.FileName), header.ExtractDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), counts!.RowsLoaded, counts.RowsRejected, counts.RowsDuplicate, counts.Warnings);
        return new LoadResult(source.Name, header.FileName, LoadOutcome.Loaded, header.ExtractDate, load.IngestId, counts, null, tally.Issues);
    }

    /// <summary>The message of a load that faulted: the file, the line reached, the stage and the cause, escaped.</summary>
    private string Fault(LoadHeader header, int? line, string stage, Exception cause)
    {
        logger.LogDebug(cause, "{Source} {File}: the load faulted while {Stage}", header.Source, Shown(header.FileName), stage);
        var where = line is > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Shown(header.FileName)}, line {line}") : Shown(header.FileName);
        return $"{where}: the load failed while {stage}: {Shown(cause.Message, 200)} ({cause.GetType().Name}); nothing loaded";
    }

    private async Task RollBackAsync(IExtractLoad load, LoadHeader header)
    {
        try
        {
            await load.DisposeAsync();
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidOperationException)
        {
            // The transaction ends with its connection either way; recording the failure will tell
            // whether the store is still usable.
            logger.LogWarning("{Source} {File}: rolling back the failed load: {Error}", header.Source, Shown(header.FileName), Shown(ex.Message, 200));
        }
    }

    /// <summary>
    /// Parses and counts rows, and passes the valid ones on in batches. Whatever ends it completes
    /// the channel: normally, with a file-level failure (undecodable bytes), or with a fault of any
    /// kind (wrapped with the line it reached), so the writer never waits for rows that will not come.
    /// </summary>
    private static async Task ProduceAsync(
        IEnumerable<ExtractRow> rows, RowParser parser, IReadOnlyDictionary<string, string>? columnLabels, Tally tally, ChannelWriter<Valid[]> writer, CancellationToken cancellationToken)
    {
        const int BatchSize = 1024;
        var line = 0;
        try
        {
            var batch = new Valid[BatchSize];
            var count = 0;
            foreach (var row in rows)
            {
                line = row.Line;
                var parsed = ParsedRow.Parse(row, parser, columnLabels);
                tally.Read(parsed);
                if (parsed.Record is { } record)
                {
                    batch[count++] = new Valid(parsed.Line, record);
                    if (count == BatchSize)
                    {
                        await writer.WriteAsync(batch, cancellationToken);
                        batch = new Valid[BatchSize];
                        count = 0;
                    }
                }
            }

            if (count > 0)
            {
                await writer.WriteAsync(batch[..count], cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception ex) when (ex is ExtractFileException or OperationCanceledException)
        {
            writer.Complete(ex);
        }
        catch (Exception ex)
        {
            writer.Complete(new LoadFaultException(line, "reading and validating", ex));
        }
    }

    private async Task<LoadResult> FailAsync(SourceOptions source, LoadHeader header, Tally tally, string error, IReadOnlyList<RowIssue> issues, CancellationToken cancellationToken)
    {
        // Nothing of a failed file is stored, so the ledger says 0 loaded; rows read, rejected and
        // skipped are what reading found before the failure.
        var counts = tally.Counts() with { RowsLoaded = 0, RowsDuplicate = 0, Premium = 0m };
        var id = await store.RecordFailureAsync(header, counts, error, issues, cancellationToken);
        logger.LogWarning("{Source} {File}: failed as a whole, nothing loaded: {Error}", header.Source, Shown(header.FileName), error);
        return new LoadResult(source.Name, header.FileName, LoadOutcome.Failed, header.ExtractDate, id, counts, error, issues);
    }
}
