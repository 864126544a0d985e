using System.Text;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>Names of a request's operation and flags, as biolatency -F prints them
/// ("Sync-Write"), from the encoding biolatency.bpf.c gives them: the operation in the low
/// byte (enum biolat_op), flags above it (enum biolat_flag), whatever the kernel's own numbers.</summary>
public static class RequestFlags
{
    private const uint OpMask = 0xff;

    // enum biolat_op, in order.
    private static readonly string[] Ops =
    [
        "Read", "Write", "Flush", "Discard", "SecureErase", "ZoneAppend", "WriteZeroes",
        "ZoneOpen", "ZoneClose", "ZoneFinish", "ZoneReset", "ZoneResetAll", "DrvIn", "DrvOut",
    ];

    // enum biolat_flag: bit 8 upwards, in the order biolatency prints them.
    private static readonly string[] Flags =
    [
        "NoWait", "Background", "ReadAhead", "PreFlush", "FUA", "Integrity", "Idle",
        "NoMerge", "Priority", "Metadata", "Sync",
    ];

    /// <summary>Bits of the encoding (for tests and callers that build one).</summary>
    public const uint Write = 1, Sync = 1u << 18, Idle = 1u << 14, Fua = 1u << 12, Meta = 1u << 17;

    /// <summary>"Flag-Flag-Op", e.g. "Idle-Sync-Write", in biolatency's order: each set flag
    /// followed by '-', then the operation ("Unknown" for one this encoding has no name for).</summary>
    public static string Name(uint encoded)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Flags.Length; i++)
        {
            if ((encoded & (1u << (8 + i))) != 0)
                text.Append(Flags[i]).Append('-');
        }
        var op = encoded & OpMask;
        text.Append(op < Ops.Length ? Ops[op] : "Unknown");
        return text.ToString();
    }
}
