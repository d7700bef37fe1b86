using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Extract.Pull;

/// <summary>
/// Whether a name a server lists may become a file of the drop folder: one plain name, never a
/// path. A server is outside text; a name it sends could otherwise write outside the folder
/// (<c>../x.csv</c>, <c>/etc/x</c>, <c>..\x.csv</c>) or carry characters that drive a terminal.
/// </summary>
public static class RemoteName
{
    /// <summary>The longest name most file systems take (ext4, XFS): 255 bytes.</summary>
    public const int MaxBytes = 255;

    /// <summary>Why the name is refused, or null when it is a safe file name.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "an empty name";
        }

        if (name is "." or "..")
        {
            return "a relative path (.. or .), not a file name";
        }

        if (name[0] is '/' or '\\' || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'))
        {
            return "an absolute path, not a file name";
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return name.Split('/', '\\').Any(part => part == "..")
                ? "a path that leaves the folder (..), not a file name"
                : "a path (it has a / or \\ separator), not a file name";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return string.Create(CultureInfo.InvariantCulture, $"a control character (U+{(int)c:X4}) in the name");
            }

            if (char.IsSurrogatePair(name, i))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"an unpaired surrogate (U+{(int)c:X4}) in the name");
            }
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a name longer than {MaxBytes} bytes");
        }

        return null;
    }
}
