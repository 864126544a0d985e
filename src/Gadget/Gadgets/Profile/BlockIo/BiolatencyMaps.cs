using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Gadgets.Profile.BlockIo;

/// <summary>Mirror of struct biolat_key (biolatency.bpf.c): which histogram.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BiolatKey
{
    /// <summary>Operation and flags in the encoding <see cref="RequestFlags"/> names (--per-flag).</summary>
    public uint Flags;
    /// <summary>The disk, major &lt;&lt; 20 | first minor (--per-disk).</summary>
    public uint Dev;
}

/// <summary>The 27 slots of a histogram (BIOLAT_MAX_SLOTS).</summary>
[InlineArray(BiolatHist.SlotCount)]
public struct HistogramSlots
{
    private uint _first;
}

/// <summary>The 32-byte name of a disk (DISK_NAME_LEN), NUL-padded.</summary>
[InlineArray(32)]
public struct DiskNameBytes
{
    private byte _first;
}

/// <summary>Mirror of struct biolat_hist (biolatency.bpf.c): one log2 histogram of microseconds.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BiolatHist
{
    public const int SlotCount = 27;

    public HistogramSlots Slots;
    /// <summary>The disk's name (--per-disk), e.g. "vda".</summary>
    public DiskNameBytes Disk;
}
