using Gadget.Gadgets.Common;

namespace Gadget.Tests.Gadgets.Top;

/// <summary>Byte counts must read as docker/go-units' BytesSize writes them ("%.4g" of the
/// value in powers of 1024), the reference's text for rbytes, wbytes, sent and recv.</summary>
public class ByteSizeTextTests
{
    [Theory]
    [InlineData(0UL, "0B")]
    [InlineData(1UL, "1B")]
    [InlineData(1023UL, "1023B")]
    [InlineData(1024UL, "1KiB")]
    [InlineData(1536UL, "1.5KiB")]
    [InlineData(12345UL, "12.06KiB")]
    [InlineData(307200UL, "300KiB")]
    [InlineData(1048575UL, "1024KiB")] // 1023.999 KiB: four digits round it up, the unit stays
    [InlineData(1048576UL, "1MiB")]
    [InlineData(1234567UL, "1.177MiB")]
    [InlineData(5000000000UL, "4.657GiB")]
    [InlineData(1099511627776UL, "1TiB")]
    [InlineData(ulong.MaxValue, "16EiB")]
    public void Matches_go_units(ulong bytes, string expected) => Assert.Equal(expected, ByteSizeText.ToText(bytes));

    [Theory]
    // Exactly half way: Go rounds the exact value half to even.
    [InlineData(1088UL, "1.062KiB")]  // 1.0625
    [InlineData(1216UL, "1.188KiB")]  // 1.1875: odd, so up
    [InlineData(1089UL, "1.063KiB")]  // 1.06347...
    [InlineData(1112UL, "1.086KiB")]  // 1.0859375
    [InlineData(10304UL, "10.06KiB")] // 10.0625: the fifth digit is a 2
    [InlineData(10272UL, "10.03KiB")] // 10.03125
    [InlineData(10256UL, "10.02KiB")] // 10.015625
    [InlineData(10248UL, "10.01KiB")] // 10.0078125
    [InlineData(10245UL, "10KiB")]    // 10.0048828125 rounds to 10.00, trailing zeros go
    public void Rounds_half_to_even_and_drops_trailing_zeros(ulong bytes, string expected) =>
        Assert.Equal(expected, ByteSizeText.ToText(bytes));

    [Fact]
    public void A_carry_into_a_new_digit_keeps_four_significant_digits()
    {
        // 9.99950027 MiB: "%.4g" gives 10.00, printed "10"; 9.99949932 MiB stays below.
        Assert.Equal("10MiB", ByteSizeText.ToText(10485236UL));
        Assert.Equal("9.999MiB", ByteSizeText.ToText(10485235UL));
        // 99.99511 KiB rounds to 100.0.
        Assert.Equal("100KiB", ByteSizeText.ToText(102395UL));
    }

    [Fact]
    public void Never_longer_than_its_maximum()
    {
        Span<byte> text = stackalloc byte[ByteSizeText.MaxLength];
        for (var bytes = 0UL; bytes < 4 << 20; bytes += 97)
            Assert.InRange(ByteSizeText.Format(bytes, text), 2, ByteSizeText.MaxLength);
        Assert.InRange(ByteSizeText.Format(ulong.MaxValue, text), 2, ByteSizeText.MaxLength);
    }
}
