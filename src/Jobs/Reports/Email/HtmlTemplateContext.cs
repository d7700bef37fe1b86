// SPEC §7 "templates escape every value": the escaping is the context's, not each template's.
using System.Globalization;
using System.Reflection;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Reporting.Jobs.Reports.Email;

/// <summary>
/// The Scriban context every email template renders in. The template's literal text (its HTML) is
/// written as it is; every value an expression <c>{{ … }}</c> writes goes through
/// <see cref="Write(SourceSpan, object)"/>, which HTML-encodes it (<see cref="HtmlText.Encode"/>),
/// so there is no way for a template to print a value raw and nothing for an author to forget
/// (<c>html.escape</c> does not exist here). The one exception is a <see cref="TrustedHtml"/>,
/// which only the renderer makes.
/// </summary>
/// <remarks>
/// <para>Strict, in production as in tests: an unknown variable or function, a member a model does
/// not have, or a member of a null value throws a <see cref="Scriban.Syntax.ScriptRuntimeException"/>
/// naming the template, line and column, and the run fails instead of sending an email with holes.</para>
/// <para>The builtins are only <see cref="EmailFunctions"/>: Scriban's own library (<c>date.now</c>,
/// <c>include</c>, <c>html.escape</c>…) is not there, so a template reads no clock and no file.
/// Templates see only public properties of the models (<see cref="TemplateContext.MemberFilter"/>),
/// with Scriban's names: <c>Cohort.BelowTarget</c> is <c>cohort.below_target</c>.</para>
/// </remarks>
public sealed class HtmlTemplateContext : TemplateContext
{
    public HtmlTemplateContext(ScriptObject functions)
        : base(functions)
    {
        StrictVariables = true;
        EnableRelaxedMemberAccess = false;
        EnableRelaxedTargetAccess = false;
        EnableRelaxedFunctionAccess = false;
        EnableRelaxedIndexerAccess = false;
        EnableNullIndexer = false;
        MemberFilter = member => member is PropertyInfo;
        // No loop limit: a call list may have thousands of rows, and every loop is over a finite model list.
        LoopLimit = 0;
        LimitToString = 0;
        NewLine = "\n";
        PushCulture(CultureInfo.InvariantCulture);
    }

    public override TemplateContext Write(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => this,
        TrustedHtml trusted => Write(trusted.Html),
        _ => Write(HtmlText.Encode(ObjectToString(textAsObject) ?? "")),
    };

    public override ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => ValueTask.FromResult<TemplateContext>(this),
        TrustedHtml trusted => WriteAsync(trusted.Html),
        _ => WriteAsync(HtmlText.Encode(ObjectToString(textAsObject) ?? "")),
    };
}
