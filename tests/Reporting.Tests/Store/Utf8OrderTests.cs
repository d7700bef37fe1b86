using System.Text;
using Reporting.Jobs.Store;

namespace Reporting.Tests.Store;

public sealed class Utf8OrderTests
{
    private static readonly string[] Keys =
    [
        "P1", "P10", "P2", "", "保单001", "ＰＡ１", "\U0001F600", "\uFFFD", "\uE000", "P\U00020000", "P\uFF21", "Pa", "PA",
    ];

    [Test]
    public void Keys_sort_as_their_UTF_8_bytes_do_even_beyond_U_FFFF()
    {
        var byBytes = Keys.OrderBy(k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();

        var byUtf8Order = Keys.ToList();
        byUtf8Order.Sort(Utf8Order.Compare);

        Assert.That(byUtf8Order, Is.EqualTo(byBytes));
        Assert.That(Keys.Order(StringComparer.Ordinal).ToList(), Is.Not.EqualTo(byBytes), "ordinal UTF-16 order differs on these keys");
    }
}
