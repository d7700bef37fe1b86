namespace Reporting.Jobs.Delivery.Chat;

/// <summary>
/// One chat summary as a report writes it, before any platform: the robots of
/// <see cref="Scope"/> (a branch code or <c>group</c>, <c>Delivery:Chat:&lt;platform&gt;:&lt;scope&gt;</c>)
/// receive it. <see cref="Key"/> names it in the delivery log, as an email's key does (the chat
/// summary of <c>morning/2026-11-21/B01</c> has that key; its recipients are robots, not addresses).
/// </summary>
/// <remarks>
/// <para><see cref="Lines"/> are markdown lines that each stand alone (a heading, a quote, a list
/// item, a sentence), so a summary longer than a platform's limit is cut between two lines: the
/// lines that fit, then <see cref="CutNotice"/>, then <see cref="Footer"/> (<see cref="ChatText.Fit"/>).
/// Never rejected for its length, never cut inside a character.</para>
/// <para>Only counts, rates, targets and names of branches and insurers: a group chat is a wider
/// audience than a manager's inbox, so no customer data of any kind, and no staff either.</para>
/// </remarks>
/// <param name="Key">The delivery log's message key.</param>
/// <param name="Scope">Whose robots receive it: a branch code or <see cref="ChatOptions.GroupScope"/>.</param>
/// <param name="Title">The notification's title (DingTalk shows it in the conversation list).</param>
/// <param name="Lines">The markdown body, one line each.</param>
/// <param name="Footer">The last line of every summary, cut or not: the full report is in the email.</param>
/// <param name="CutNotice">The line put in place of the lines that did not fit.</param>
public sealed record OutgoingChatMessage(
    string Key,
    string Scope,
    string Title,
    IReadOnlyList<string> Lines,
    string Footer,
    string CutNotice);
