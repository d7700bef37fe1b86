namespace Reporting.Testing;

/// <summary>Finds the checkout the tests run from, so they read the real <c>config/</c>.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reporting.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("Reporting.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Config => Path.Combine(Root, "config");
}
