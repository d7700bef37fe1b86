namespace Reporting.Jobs.Hosting;

/// <summary>
/// Where things are. <see cref="Home"/> holds <c>config/</c>: the current directory when it has
/// one (a repository checkout), else the executable's folder (published output).
/// </summary>
public sealed class ReportingPaths
{
    public ReportingPaths(string home, string dataFolder)
    {
        Home = Path.GetFullPath(home);
        DataFolder = Path.GetFullPath(Path.Combine(Home, dataFolder));
    }

    public string Home { get; }

    public string ConfigFolder => Path.Combine(Home, "config");

    /// <summary>The data folder: drop folders, the SQLite store, outputs. <c>Data:Folder</c>, default <c>data</c>.</summary>
    public string DataFolder { get; }

    public static string FindHome(string? explicitHome = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }

        var current = Directory.GetCurrentDirectory();
        return Directory.Exists(Path.Combine(current, "config")) ? current : AppContext.BaseDirectory;
    }

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(DataFolder, path));
}
