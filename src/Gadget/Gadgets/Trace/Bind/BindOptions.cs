namespace Gadget.Gadgets.Trace.Bind;

/// <summary>The OPTS column: one letter per socket option in force at bind time, a dot when
/// it is not, in the reference's order (bcc's bindsnoop): r R N T F.</summary>
public static class BindOptions
{
    // Bits of bind_event.opts (BIND_OPT_* in bind.bpf.c), from the last letter to the first.
    public const byte Freebind = 1 << 0;     // F: IP_FREEBIND
    public const byte Transparent = 1 << 1;  // T: IP_TRANSPARENT
    public const byte NoPort = 1 << 2;       // N: IP_BIND_ADDRESS_NO_PORT
    public const byte ReuseAddress = 1 << 3; // R: SO_REUSEADDR
    public const byte ReusePort = 1 << 4;    // r: SO_REUSEPORT

    public const int Length = 5;

    private static ReadOnlySpan<byte> Letters => "rRNTF"u8;

    /// <summary>Writes the five letters (e.g. ".R..." for SO_REUSEADDR alone).</summary>
    public static void Write(byte opts, Span<byte> destination)
    {
        for (var i = 0; i < Length; i++)
            destination[i] = (opts & (1 << (Length - 1 - i))) != 0 ? Letters[i] : (byte)'.';
    }
}
