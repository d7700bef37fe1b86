// SPEC §4 Branch morning email and group email, §7 personal data: load, build, render, address.
using System.Globalization;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Delivery.Chat;

namespace Reporting.Jobs.Reports.MorningEmail;

/// <summary>
/// The morning emails of business date D (data known at the end of D, sent D + 1 at 07:30): one per
/// configured branch, to its managers (<c>morning/yyyy-MM-dd/&lt;branch&gt;</c>), and one to group
/// management (<c>morning/yyyy-MM-dd/group</c>). <see cref="MorningEmailLoader"/> reads the store,
/// <see cref="MorningEmailBuilder"/> builds the models, <see cref="MorningEmailRenderer"/> renders
/// them. Deterministic: the same store content gives identical messages. Nothing here logs: the
/// models carry customer data, masked or not.
/// </summary>
/// <remarks>
/// A branch email whose call list is longer than it shows (<see cref="MorningEmailOptions.CallListRows"/>)
/// carries the whole list as a workbook (<see cref="CallListWorkbook"/>) when
/// <see cref="DeliveryOptions.AttachWorkbooks"/>; otherwise it says the rest is not attached. The
/// workbook is not written to the output folder (the finance share): it holds the branch's
/// customers, masked, and goes only to that branch's managers.
/// </remarks>
public static class MorningReport
{
    public static Task<IReadOnlyList<OutgoingMessage>> BuildAsync(ReportContext context, DateOnly businessDate, CancellationToken cancellationToken = default) =>
        BuildAsync(context, businessDate, TimeZoneInfo.FindSystemTimeZoneById(MorningEmailLoader.DefaultBusinessZone), cancellationToken);

    /// <summary>As above, with the business time zone (<c>Business:TimeZone</c>) for the footer's load times.</summary>
    public static async Task<IReadOnlyList<OutgoingMessage>> BuildAsync(
        ReportContext context, DateOnly businessDate, TimeZoneInfo businessZone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = await MorningEmailLoader.LoadAsync(context, businessDate, businessZone, cancellationToken);
        return Messages(MorningEmailBuilder.Build(input), context);
    }

    /// <summary>
    /// The emails and, from the same models, the chat summaries (<see cref="MorningChat"/>) of
    /// business date D: what the morning job delivers.
    /// </summary>
    public static async Task<MorningOutput> BuildWithChatAsync(
        ReportContext context, DateOnly businessDate, TimeZoneInfo businessZone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var emails = MorningEmailBuilder.Build(await MorningEmailLoader.LoadAsync(context, businessDate, businessZone, cancellationToken));
        return new MorningOutput(Messages(emails, context), MorningChat.Messages(emails));
    }

    /// <summary>The messages of built models: pure, for tests.</summary>
    public static IReadOnlyList<OutgoingMessage> Messages(MorningEmails emails, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(emails);
        ArgumentNullException.ThrowIfNull(context);
        var recipients = context.Reference.Branches
            .GroupBy(b => b.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.First().ManagerEmails], StringComparer.Ordinal);
        // Each branch's email and call-list workbook on its own, several at once (the renderer and
        // the workbook writer share nothing between calls); in branch order, whichever ends first.
        var messages = emails.Branches
            .AsParallel()
            .AsOrdered()
            .Select(built =>
            {
                var email = built with { CallListAttached = built.CallListMore > 0 && context.Delivery.AttachWorkbooks };
                return new OutgoingMessage(
                    Key(email.BusinessDate, email.Branch.Code),
                    recipients.GetValueOrDefault(email.Branch.Code) ?? [],
                    MorningEmailRenderer.Subject(email),
                    MorningEmailRenderer.Render(email),
                    email.CallListAttached
                        ? [new MessageAttachment(email.CallListFileName, OutgoingMessage.WorkbookContentType, CallListWorkbook.Write(email))]
                        : []);
            })
            .ToList();

        var group = emails.Group;
        messages.Add(new OutgoingMessage(
            Key(group.BusinessDate, "group"),
            [.. context.Delivery.GroupRecipients],
            MorningEmailRenderer.Subject(group),
            MorningEmailRenderer.Render(group),
            []));
        return messages;
    }

    private static string Key(DateOnly date, string who) =>
        string.Create(CultureInfo.InvariantCulture, $"morning/{date:yyyy-MM-dd}/{who}");
}

/// <summary>A morning's emails and chat summaries (one per branch and the group's each).</summary>
public sealed record MorningOutput(IReadOnlyList<OutgoingMessage> Emails, IReadOnlyList<OutgoingChatMessage> Chat);
