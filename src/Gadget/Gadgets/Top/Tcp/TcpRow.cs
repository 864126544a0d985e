using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Top.Tcp;

/// <summary>One row of top tcp: what one process sent and received on one connection in an interval.</summary>
public sealed class TcpRow : GadgetRow
{
    public L4Endpoint Src;
    public L4Endpoint Dst;
    public ulong NetnsId;
    public ulong Sent;
    public ulong Received;

    /// <summary>Builds the row of one entry of the kernel's stats map.</summary>
    public static TcpRow From(in TcptopKey key, in TcptopValue value, ulong timestamp)
    {
        var row = new TcpRow
        {
            Src = key.Src,
            Dst = key.Dst,
            NetnsId = key.NetnsId,
            Sent = value.Sent,
            Received = value.Received,
        };
        row.Header.Timestamp = timestamp;
        row.Header.MntnsId = key.MntnsId;
        row.Header.Pid = key.Pid;
        row.Header.Comm = key.Comm;
        return row;
    }
}
