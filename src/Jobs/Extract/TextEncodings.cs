using System.Text;

namespace Reporting.Jobs.Extract;

/// <summary>
/// Strict decoders for the encodings extracts come in. Strict means undecodable bytes throw
/// instead of becoming U+FFFD: a GB18030 file read as UTF-8 must fail, not load mojibake.
/// </summary>
public static class TextEncodings
{
    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Resolve(string name)
    {
        switch (name.Trim().ToUpperInvariant())
        {
            case "UTF-8":
            case "UTF8":
            case "UTF-8-BOM":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            case "GB18030":
                return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            default:
                throw new ArgumentException($"unknown encoding '{name}' (use utf-8 or gb18030)", nameof(name));
        }
    }

    /// <summary>GB18030 with replacement instead of exceptions, for writing demo files.</summary>
    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");
}
