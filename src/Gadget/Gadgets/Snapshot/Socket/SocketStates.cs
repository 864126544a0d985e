namespace Gadget.Gadgets.Snapshot.Socket;

/// <summary>The STATUS of a socket, as the reference names it: the kernel's TCP states, and for
/// UDP, which uses only two of them, ACTIVE (connected) and INACTIVE.</summary>
public static class SocketStates
{
    public const byte IpprotoTcp = 6;
    public const byte IpprotoUdp = 17;

    // include/net/tcp_states.h, from TCP_ESTABLISHED = 1.
    private static readonly byte[][] TcpNames =
    [
        "ESTABLISHED"u8.ToArray(), "SYN_SENT"u8.ToArray(), "SYN_RECV"u8.ToArray(), "FIN_WAIT1"u8.ToArray(),
        "FIN_WAIT2"u8.ToArray(), "TIME_WAIT"u8.ToArray(), "CLOSE"u8.ToArray(), "CLOSE_WAIT"u8.ToArray(),
        "LAST_ACK"u8.ToArray(), "LISTEN"u8.ToArray(), "CLOSING"u8.ToArray(), "NEW_SYN_RECV"u8.ToArray(),
    ];

    private const byte TcpEstablished = 1;
    private const byte TcpClose = 7;

    /// <summary>The name of <paramref name="state"/> for the protocol; empty for a state the
    /// protocol does not have (the reference refuses those; a snapshot shows the others).</summary>
    public static ReadOnlySpan<byte> Name(byte protocol, byte state)
    {
        if (protocol == IpprotoUdp)
        {
            return state switch
            {
                TcpEstablished => "ACTIVE"u8,
                TcpClose => "INACTIVE"u8,
                _ => [],
            };
        }
        return state >= 1 && state <= TcpNames.Length ? TcpNames[state - 1] : [];
    }

    /// <summary>"TCP" or "UDP" (the reference's PROTOCOL column).</summary>
    public static ReadOnlySpan<byte> Protocol(byte protocol) => protocol switch
    {
        IpprotoTcp => "TCP"u8,
        IpprotoUdp => "UDP"u8,
        _ => [],
    };
}
