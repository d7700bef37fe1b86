namespace Reporting.Templates;

/// <summary>
/// Anchor for the email templates embedded in this assembly (the Scriban <c>*.sbn-html</c> files beside it).
/// </summary>
public static class TemplateAssembly
{
    /// <summary>Reads one embedded template by its path under <c>src/Templates</c>, e.g. <c>MorningEmail.sbn-html</c>, <c>Layout/EmailLayout.sbn-html</c>.</summary>
    public static string Read(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var assembly = typeof(TemplateAssembly).Assembly;
        var resource = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith("." + fileName.Replace('/', '.'), StringComparison.Ordinal))
            ?? throw new FileNotFoundException($"Template '{fileName}' is not embedded in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Every embedded template, by its path under <c>src/Templates</c> (for tests that check them all).</summary>
    public static IReadOnlyList<string> Names()
    {
        const string Prefix = "Reporting.Templates.";
        return [.. typeof(TemplateAssembly).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sbn-html", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".sbn-html".Length].Replace('.', '/') + ".sbn-html")
            .Order(StringComparer.Ordinal)];
    }
}
