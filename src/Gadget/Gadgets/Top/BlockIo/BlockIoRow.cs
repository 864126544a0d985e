namespace Gadget.Gadgets.Top.BlockIo;

/// <summary>One row of top block-io: the I/O a process did on one disk, reads or writes,
/// in one interval. The header carries the process (pid, comm, mount namespace).</summary>
public sealed class BlockIoRow : GadgetRow
{
    public bool Write { get; init; }
    public int Major { get; init; }
    public int Minor { get; init; }
    public ulong Bytes { get; init; }

    /// <summary>Microseconds the requests spent from issue to the device to completion, summed.</summary>
    public ulong MicroSecs { get; init; }

    public uint Operations { get; init; }
}
