using System.Globalization;

namespace Reporting.Jobs.Delivery.Chat;

/// <summary>
/// Fits a summary into a platform's limit without ever being rejected for its length: whole lines
/// while they fit, then the summary's cut notice and footer in place of the rest. A cut falls
/// between two lines, so never inside a UTF-8 sequence, a surrogate pair or a markdown mark; a
/// single line too long on its own is cut between two text elements (<see cref="StringInfo"/>).
/// Deterministic: the same summary and limit give the same text.
/// </summary>
public static class ChatText
{
    /// <summary>
    /// The markdown of <paramref name="message"/>: its lines and footer joined with
    /// <paramref name="separator"/>, or, when <paramref name="size"/> of that is over
    /// <paramref name="limit"/>, the longest run of leading lines that fits with the cut notice and
    /// the footer after it.
    /// </summary>
    /// <param name="message">The summary.</param>
    /// <param name="separator">Between two lines: <c>\n</c> (WeCom), <c>\n\n</c> (DingTalk, whose markdown joins single line breaks).</param>
    /// <param name="size">What the limit counts, e.g. the UTF-8 bytes of the text, or of the request body that carries it.</param>
    /// <param name="limit">The most <paramref name="size"/> may be.</param>
    public static string Fit(OutgoingChatMessage message, string separator, Func<string, int> size, int limit)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(size);
        var whole = string.Join(separator, message.Lines.Append(message.Footer));
        if (size(whole) <= limit)
        {
            return whole;
        }

        // The most leading lines that fit with the notice and the footer (size grows with the lines kept).
        int low = 0, high = message.Lines.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (size(Cut(message, middle, separator)) <= limit)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var cut = Cut(message, low, separator);
        return size(cut) <= limit ? cut : Prefix(cut, size, limit);
    }

    private static string Cut(OutgoingChatMessage message, int kept, string separator) =>
        string.Join(separator, message.Lines.Take(kept).Append(message.CutNotice).Append(message.Footer));

    /// <summary>The longest prefix of whole text elements whose size fits (a limit smaller than any summary's notice and footer).</summary>
    private static string Prefix(string text, Func<string, int> size, int limit)
    {
        var ends = new List<int>();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            ends.Add(elements.ElementIndex + ((string)elements.Current).Length);
        }

        int low = 0, high = ends.Count;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (size(text[..ends[middle - 1]] + "…") <= limit)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low == 0 ? "" : text[..ends[low - 1]] + "…";
    }
}
