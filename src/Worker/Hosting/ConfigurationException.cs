namespace Reporting.Worker.Hosting;

/// <summary>
/// The configuration cannot be used: a JSON file that does not parse, a value that does not bind
/// or validate, a store connection string that is not one. Thrown while the host is built, before
/// any work; exit code <see cref="CommandLine.ExitCodes.Configuration"/>.
/// </summary>
public sealed class ConfigurationException : Exception
{
    public ConfigurationException()
    {
    }

    public ConfigurationException(string message)
        : base(message)
    {
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
