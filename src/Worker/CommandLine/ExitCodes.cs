namespace Reporting.Worker.CommandLine;

/// <summary>
/// The exit codes of every command, sysexits-style (<c>man 3 sysexits</c>). The one place they are
/// defined: <see cref="FailureClassifier"/> maps exceptions onto them, the README's "Exit codes"
/// table and docs/operations.md list them, and <c>ops/reporting-worker.service</c> stops
/// restarting <c>serve</c> on the ones a restart cannot fix.
/// </summary>
public static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>The work ran and part of it failed: a file FAILED to load, a job run FAILED (see <c>history</c>).</summary>
    public const int WorkFailed = 1;

    /// <summary>EX_USAGE: a bad option or argument, an unknown source, metric or job.</summary>
    public const int Usage = 64;

    /// <summary>EX_DATAERR: the store file is corrupt, truncated or not a database.</summary>
    public const int DataError = 65;

    /// <summary>EX_UNAVAILABLE: the PostgreSQL store cannot be reached (refused, timed out, host unknown).</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: anything unexpected, a defect of the worker.</summary>
    public const int Internal = 70;

    /// <summary>EX_CANTCREAT: the store or a folder cannot be created or written (missing or read-only folder, no permission).</summary>
    public const int CannotCreate = 73;

    /// <summary>EX_IOERR: an input/output error: the disk is full, or the device failed.</summary>
    public const int IoError = 74;

    /// <summary>EX_TEMPFAIL: the store stayed locked for the whole wait, or PostgreSQL timed a lock out: try again later.</summary>
    public const int TemporaryFailure = 75;

    /// <summary>EX_CONFIG: invalid configuration (a value, a JSON file that does not parse, PostgreSQL login or database).</summary>
    public const int Configuration = 78;

    /// <summary>Stopped by Ctrl+C before the work finished (128 + SIGINT, as a shell reports it).</summary>
    public const int Interrupted = 130;

    /// <summary>The codes a restart of <c>serve</c> cannot fix: systemd's <c>RestartPreventExitStatus=</c>.</summary>
    public static IReadOnlyList<int> NotFixedByRestart => [Usage, DataError, CannotCreate, Configuration];
}
