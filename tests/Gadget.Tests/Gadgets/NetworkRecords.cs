using System.Net;
using Gadget.Gadgets.Common;

namespace Gadget.Tests.Gadgets;

/// <summary>Endpoints for the records of the network gadgets, from readable addresses.</summary>
internal static class NetworkRecords
{
    public static AddressBytes Address(string text)
    {
        var address = IPAddress.Parse(text);
        var bytes = new AddressBytes();
        address.GetAddressBytes().CopyTo(bytes);
        return bytes;
    }

    public static L4Endpoint Endpoint(string address, ushort port) => new()
    {
        Addr = Address(address),
        Port = port,
        Version = IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (byte)4 : (byte)6,
        Proto = 6,
    };
}
