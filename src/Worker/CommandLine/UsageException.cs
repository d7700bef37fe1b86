namespace Reporting.Worker.CommandLine;

/// <summary>
/// The command line asks for something that does not exist (a source, a metric, a job), found
/// after parsing because the names come from configuration. Exit code <see cref="ExitCodes.Usage"/>.
/// </summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
