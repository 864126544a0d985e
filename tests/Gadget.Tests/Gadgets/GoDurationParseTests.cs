using Gadget.Gadgets.Common;

namespace Gadget.Tests.Gadgets;

/// <summary>Durations given to flags (--min), read as Go's time.ParseDuration reads them
/// (formatting: NetworkTextTests).</summary>
public class GoDurationParseTests
{
    [Theory]
    [InlineData("0", 0ul)]
    [InlineData("10ns", 10ul)]
    [InlineData("1us", 1_000ul)]
    [InlineData("1µs", 1_000ul)]
    [InlineData("1.5ms", 1_500_000ul)]
    [InlineData("2m30s", 150_000_000_000ul)]
    [InlineData("1h", 3_600_000_000_000ul)]
    [InlineData(".5s", 500_000_000ul)]
    [InlineData("9223372036854775807ns", 9_223_372_036_854_775_807ul)] // the longest Go duration
    public void Parses_like_go(string text, ulong expected)
    {
        Assert.True(GoDuration.TryParse(text, out var nanoseconds));
        Assert.Equal(expected, nanoseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("ms")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("1..2s")]
    [InlineData("3000000h")] // past the 292 years a Go duration holds
    [InlineData("9223372036854775808ns")]
    [InlineData("99999999999999999999s")] // past what decimal holds once in nanoseconds
    [InlineData("2000000h2000000h")] // each part fits, their sum does not
    public void Rejects_what_go_rejects_negatives_and_overflows(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
