namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// Markup that <see cref="HtmlTemplateContext"/> writes into a page as it is, unencoded. The only
/// one there is: a page's body, as its own template rendered it (every value in it already
/// encoded), inserted by <see cref="EmailRenderer"/> into the layout. The constructor is private
/// and <see cref="FromRenderedTemplate"/> is internal and called only by the renderer, so no
/// model, data or template can make one: <c>grep -rn "TrustedHtml.FromRenderedTemplate" src</c>
/// lists every producer.
/// </summary>
public sealed class TrustedHtml
{
    private TrustedHtml(string html) => Html = html;

    public string Html { get; }

    internal static TrustedHtml FromRenderedTemplate(string html) => new(html);

    /// <summary>Written as its length only, so a template that prints it by mistake shows nothing of it.</summary>
    public override string ToString() => $"TrustedHtml({Html.Length} chars)";
}
