using System.Net;
using System.Text;
using Gadget.Gadgets.Common;

namespace Gadget.Tests.Gadgets;

/// <summary>Addresses and durations formatted as the reference (Go) prints them.</summary>
public class NetworkTextTests
{
    private static string Ip(params byte[] address)
    {
        Span<byte> text = stackalloc byte[IpAddressText.MaxLength];
        return Encoding.ASCII.GetString(text[..IpAddressText.Format(address, text)]);
    }

    private static string Duration(long ns)
    {
        Span<byte> text = stackalloc byte[GoDuration.MaxLength];
        return Encoding.UTF8.GetString(text[..GoDuration.Format(ns, text)]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("2001:db8::1")]
    [InlineData("fe80::1:2")]
    [InlineData("2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:0:0:1::1")]
    [InlineData("1::")]
    [InlineData("1:2:3:4:5:6:7:8")]
    public void Addresses_print_like_go(string address) =>
        Assert.Equal(address, Ip(IPAddress.Parse(address).GetAddressBytes()));

    [Fact]
    public void Ipv4_mapped_addresses_print_as_ipv4_and_odd_sizes_print_nothing()
    {
        Assert.Equal("10.1.2.3", Ip(IPAddress.Parse("::ffff:10.1.2.3").GetAddressBytes()));
        Assert.Equal("", Ip(1, 2, 3));
    }

    [Fact]
    public void The_first_of_equal_zero_runs_is_compressed_and_single_zeros_are_not() =>
        Assert.Equal("1::2:0:0:3:4", Ip(0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "1ns")]
    [InlineData(999, "999ns")]
    [InlineData(1_000, "1µs")]
    [InlineData(1_500, "1.5µs")]
    [InlineData(1_234_567, "1.234567ms")]
    [InlineData(20_000_000, "20ms")]
    [InlineData(1_000_000_000, "1s")]
    [InlineData(1_500_000_000, "1.5s")]
    [InlineData(62_500_000_000, "1m2.5s")]
    [InlineData(3_600_000_000_000, "1h0m0s")]
    [InlineData(-1_500, "-1.5µs")]
    [InlineData(long.MinValue, "-2562047h47m16.854775808s")]
    public void Durations_print_like_go(long ns, string expected) => Assert.Equal(expected, Duration(ns));
}
