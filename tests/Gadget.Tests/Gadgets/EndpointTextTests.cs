using System.Net;
using System.Text;
using Gadget.Gadgets.Common;

namespace Gadget.Tests.Gadgets;

/// <summary>Endpoints as the reference's columns print them (addresses themselves: NetworkTextTests).</summary>
public class EndpointTextTests
{
    private static string Endpoint(string address, byte version, ushort port)
    {
        var bytes = new AddressBytes();
        IPAddress.Parse(address).GetAddressBytes().CopyTo(bytes);
        Span<byte> text = stackalloc byte[IpAddressText.MaxEndpointLength];
        return Encoding.ASCII.GetString(text[..IpAddressText.FormatEndpoint(bytes, version, port, text)]);
    }

    [Theory]
    [InlineData("127.0.0.1", 4, 0, "127.0.0.1:0")]
    [InlineData("10.20.30.40", 4, 65535, "10.20.30.40:65535")]
    [InlineData("::1", 6, 80, "[::1]:80")]
    [InlineData("2001:db8::ff00:42:8329", 6, 443, "[2001:db8::ff00:42:8329]:443")]
    [InlineData("::ffff:10.1.2.3", 6, 8080, "[10.1.2.3]:8080")] // a v6 socket: brackets, address as Go prints it
    public void Ipv6_endpoints_are_bracketed(string address, byte version, ushort port, string expected) =>
        Assert.Equal(expected, Endpoint(address, version, port));

    [Fact]
    public void The_longest_endpoint_fits()
    {
        Assert.Equal("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535".Length, Endpoint("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6, 65535).Length);
        Assert.True(IpAddressText.MaxEndpointLength >= "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535".Length);
    }
}
