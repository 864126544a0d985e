using System.Globalization;

namespace Gadget.Gadgets.Trace.Dns;

/// <summary>The --ports of trace dns: which TCP/UDP ports carry DNS, as the bitmap the BPF
/// program tests (struct dns_port_set: bit p%8 of byte p/8 for port p).</summary>
public static class DnsPorts
{
    public const int BitmapBytes = 65536 / 8;

    /// <summary>The ports of a --ports value list, or a <see cref="GadgetException"/> naming the bad one.</summary>
    public static IReadOnlyList<ushort> Parse(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
            throw new GadgetException("--ports: name at least one port (DNS uses 53)");
        var ports = new List<ushort>(values.Count);
        foreach (var value in values)
        {
            if (!ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
                throw new GadgetException($"invalid value \"{value}\" for --ports: expected port numbers from 1 to 65535, separated by commas");
            ports.Add(port);
        }
        return ports;
    }

    public static byte[] ToBitmap(IEnumerable<ushort> ports)
    {
        var bitmap = new byte[BitmapBytes];
        foreach (var port in ports)
            bitmap[port >> 3] |= (byte)(1 << (port & 7));
        return bitmap;
    }
}
