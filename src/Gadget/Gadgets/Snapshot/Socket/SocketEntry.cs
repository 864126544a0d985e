using System.Runtime.InteropServices;
using Gadget.Gadgets.Common;

namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>Mirror of struct snapshot_socket_entry (snapshot_socket.bpf.c): one TCP or UDP socket.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct SocketEntry
{
    /// <summary>The local end; its Proto says TCP (6) or UDP (17).</summary>
    public L4Endpoint Src;

    /// <summary>The remote end; all zero when the socket is not connected.</summary>
    public L4Endpoint Dst;

    /// <summary>The inode of the socket's file ("socket:[N]" in /proc/PID/fd); 0 when it has none
    /// (time-wait, a connection not accepted yet).</summary>
    public ulong Inode;

    /// <summary>TCP_* of the kernel's tcp_states.h, which UDP sockets use too.</summary>
    public byte State;
}
