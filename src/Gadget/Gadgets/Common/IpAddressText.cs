using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gadget.Gadgets.Common;

/// <summary>An IPv4 or IPv6 address as the BPF programs store it: 16 bytes, IPv4 in the first 4.</summary>
[InlineArray(16)]
public struct AddressBytes
{
    private byte _first;
}

/// <summary>Formats IP addresses into UTF-8 without allocating, the way Go's net.IP prints them
/// (the reference's format): dotted IPv4; IPv6 with the longest run of zero groups as "::";
/// IPv4-mapped IPv6 addresses as plain IPv4.</summary>
public static class IpAddressText
{
    /// <summary>Enough for any address ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" is 39).</summary>
    public const int MaxLength = 46;

    /// <summary>Enough for "[address]:port".</summary>
    public const int MaxEndpointLength = MaxLength + 8;

    /// <summary>Writes a 4- or 16-byte address; returns the bytes written (0 for other sizes).</summary>
    public static int Format(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        if (address.Length == 4)
            return FormatV4(address, destination);
        if (address.Length != 16)
            return 0;
        if (address[..10].IndexOfAnyExcept((byte)0) < 0 && address[10] == 0xff && address[11] == 0xff)
            return FormatV4(address[12..], destination);
        return FormatV6(address, destination);
    }

    /// <summary>Formats an address stored by a BPF program for IP version 4 or 6.</summary>
    public static int Format(in AddressBytes address, byte ipVersion, Span<byte> destination)
    {
        ReadOnlySpan<byte> bytes = address;
        return ipVersion switch
        {
            4 => FormatV4(bytes[..4], destination),
            6 => Format(bytes, destination),
            _ => 0,
        };
    }

    /// <summary>"a.b.c.d:port", or "[v6]:port" (version 6, as the reference's endpoints print,
    /// even when the address is IPv4-mapped): the brackets keep the port apart from the groups.</summary>
    public static int FormatEndpoint(in AddressBytes address, byte ipVersion, ushort port, Span<byte> destination)
    {
        var length = 0;
        if (ipVersion == 6)
            destination[length++] = (byte)'[';
        length += Format(address, ipVersion, destination[length..]);
        if (ipVersion == 6)
            destination[length++] = (byte)']';
        destination[length++] = (byte)':';
        port.TryFormat(destination[length..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        return length + written;
    }

    private static int FormatV4(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        var length = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
                destination[length++] = (byte)'.';
            address[i].TryFormat(destination[length..], out var written);
            length += written;
        }
        return length;
    }

    private static int FormatV6(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(address[(2 * i)..]);

        // The longest run of two or more zero groups becomes "::" (the first one on a tie).
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < 8 && groups[i] == 0)
                i++;
            if (i - start > bestLength && i - start >= 2)
                (bestStart, bestLength) = (start, i - start);
        }

        var length = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                destination[length++] = (byte)':';
                destination[length++] = (byte)':';
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength)
                destination[length++] = (byte)':';
            groups[i].TryFormat(destination[length..], out var written, "x");
            length += written;
        }
        return length;
    }
}
