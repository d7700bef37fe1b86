using System.Text;

namespace Reporting.Jobs.Extract;

/// <summary>Vehicle identification number normalisation (SPEC §2.1).</summary>
public static class Vin
{
    public const int Length = 17;

    /// <summary>
    /// Trim, NFKC (full-width ＬＳＶ… becomes LSV…), upper case. Only the length is checked after
    /// this (SPEC §2.6): a VIN with an I, O or Q is still loaded.
    /// </summary>
    public static string Normalise(string raw)
    {
        var trimmed = raw.Trim();
        if (!IsAsciiUpper(trimmed))
        {
            trimmed = trimmed.Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
        }

        return trimmed;
    }

    private static bool IsAsciiUpper(string s)
    {
        foreach (var c in s)
        {
            if (c > 0x7F || char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
