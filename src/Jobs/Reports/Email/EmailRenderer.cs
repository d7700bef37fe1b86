// SPEC §4 emails "render well in common mail clients", §7 "templates escape every value".
using System.Collections.Concurrent;
using System.Reflection;
using Reporting.Templates;
using Scriban;
using Scriban.Runtime;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// Renders every report email: the report's body template (<c>src/Templates/*.sbn-html</c>) with
/// its model, then the shared layout (<c>Layout/EmailLayout.sbn-html</c>: frame, banner, header,
/// data-freshness footer) around it. Both render in an <see cref="HtmlTemplateContext"/>: every
/// value encoded, strict. Templates are read from the Templates assembly and parsed once, on
/// first use, then shared (a parsed <see cref="Template"/> renders on any thread). Deterministic:
/// the same model gives the same bytes (no clock, invariant formatting, LF line ends).
/// </summary>
/// <remarks>
/// A body template sees its model's public properties as variables (<c>BusinessDate</c> is
/// <c>business_date</c>), the functions of <see cref="EmailFunctions"/>, and those defined in
/// <c>Layout/Sections.sbn-html</c> (<c>section_heading</c>). The layout sees <c>page</c> (an
/// <see cref="EmailPage"/>) and <c>body</c>, the rendered body as <see cref="TrustedHtml"/>.
/// </remarks>
public static class EmailRenderer
{
    public const string LayoutTemplate = "Layout/EmailLayout.sbn-html";

    public const string SectionsTemplate = "Layout/Sections.sbn-html";

    /// <summary>The parsed templates by file name; a template that does not parse throws on first use, naming file, line and column.</summary>
    private static readonly ConcurrentDictionary<string, Template> Templates = new(StringComparer.Ordinal);

    /// <summary>The functions every template may call: the formats and the layout's own (<c>section_heading</c>).</summary>
    private static readonly Lazy<ScriptObject> Functions = new(() =>
    {
        var functions = EmailFunctions.Create();
        var context = new HtmlTemplateContext(functions);
        context.PushGlobal(functions);
        Parse(SectionsTemplate).Render(context);
        context.PopGlobal();
        functions.IsReadOnly = true;
        return functions;
    });

    /// <summary>An email: <paramref name="template"/> rendered with <paramref name="model"/>, inside the layout for <paramref name="page"/>.</summary>
    public static string Render(string template, EmailPage page, object model)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(model);
        var body = RenderTemplate(Get(template), model);
        var html = RenderTemplate(Get(LayoutTemplate), new LayoutModel(page, TrustedHtml.FromRenderedTemplate(body)));
        return Normalise(html);
    }

    /// <summary>A template by file name, parsed once.</summary>
    internal static Template Get(string fileName) => Templates.GetOrAdd(fileName, Parse);

    /// <summary>Parses template text; a syntax error throws with the file, line and column.</summary>
    internal static Template Parse(string fileName, string text)
    {
        var template = Template.Parse(text, fileName);
        return template.HasErrors
            ? throw new InvalidOperationException($"The email template {fileName} does not parse: {string.Join("; ", template.Messages)}")
            : template;
    }

    /// <summary>One template with one model, in the strict, encoding context.</summary>
    internal static string RenderTemplate(Template template, object model)
    {
        var context = new HtmlTemplateContext(Functions.Value);
        var globals = new ScriptObject();
        globals.Import(model, ScriptMemberImportFlags.Property, member => member is PropertyInfo);
        context.PushGlobal(globals);
        return template.Render(context);
    }

    private static Template Parse(string fileName) => Parse(fileName, TemplateAssembly.Read(fileName));

    /// <summary>LF line ends and no trailing spaces, whatever the checkout did to the templates.</summary>
    private static string Normalise(string html) =>
        string.Join('\n', html.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd()));

    /// <summary>What the layout template sees.</summary>
    private sealed record LayoutModel(EmailPage Page, TrustedHtml Body);
}
