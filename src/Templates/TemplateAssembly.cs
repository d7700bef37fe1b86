namespace Reporting.Templates;

/// <summary>
/// Anchor for the email templates embedded in this assembly (the <c>*.hbs</c> files beside it).
/// </summary>
public static class TemplateAssembly
{
    /// <summary>Reads one embedded template by its file name, e.g. <c>MorningEmail.hbs</c>.</summary>
    public static string Read(string fileName)
    {
        var assembly = typeof(TemplateAssembly).Assembly;
        var resource = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new FileNotFoundException($"Template '{fileName}' is not embedded in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
