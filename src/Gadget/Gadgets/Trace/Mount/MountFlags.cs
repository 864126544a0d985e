namespace Gadget.Gadgets.Trace.Mount;

/// <summary>Names of the flags of mount(2) (MS_*) and umount2(2) (MNT_*, UMOUNT_*), by their
/// real bit values. Bits without a name are shown in hex, so nothing is hidden.</summary>
public static class MountFlags
{
    private const ulong MagicMask = 0xffff0000;
    private const ulong MagicValue = 0xc0ed0000;

    private static readonly (ulong Bit, byte[] Name)[] Mount =
    [
        (1ul << 0, "MS_RDONLY"u8.ToArray()), (1ul << 1, "MS_NOSUID"u8.ToArray()), (1ul << 2, "MS_NODEV"u8.ToArray()),
        (1ul << 3, "MS_NOEXEC"u8.ToArray()), (1ul << 4, "MS_SYNCHRONOUS"u8.ToArray()), (1ul << 5, "MS_REMOUNT"u8.ToArray()),
        (1ul << 6, "MS_MANDLOCK"u8.ToArray()), (1ul << 7, "MS_DIRSYNC"u8.ToArray()), (1ul << 8, "MS_NOSYMFOLLOW"u8.ToArray()),
        (1ul << 10, "MS_NOATIME"u8.ToArray()), (1ul << 11, "MS_NODIRATIME"u8.ToArray()), (1ul << 12, "MS_BIND"u8.ToArray()),
        (1ul << 13, "MS_MOVE"u8.ToArray()), (1ul << 14, "MS_REC"u8.ToArray()), (1ul << 15, "MS_SILENT"u8.ToArray()),
        (1ul << 16, "MS_POSIXACL"u8.ToArray()), (1ul << 17, "MS_UNBINDABLE"u8.ToArray()), (1ul << 18, "MS_PRIVATE"u8.ToArray()),
        (1ul << 19, "MS_SLAVE"u8.ToArray()), (1ul << 20, "MS_SHARED"u8.ToArray()), (1ul << 21, "MS_RELATIME"u8.ToArray()),
        (1ul << 22, "MS_KERNMOUNT"u8.ToArray()), (1ul << 23, "MS_I_VERSION"u8.ToArray()), (1ul << 24, "MS_STRICTATIME"u8.ToArray()),
        (1ul << 25, "MS_LAZYTIME"u8.ToArray()), (1ul << 26, "MS_SUBMOUNT"u8.ToArray()), (1ul << 27, "MS_NOREMOTELOCK"u8.ToArray()),
        (1ul << 28, "MS_NOSEC"u8.ToArray()), (1ul << 29, "MS_BORN"u8.ToArray()), (1ul << 30, "MS_ACTIVE"u8.ToArray()),
        (1ul << 31, "MS_NOUSER"u8.ToArray()),
    ];

    private static readonly (ulong Bit, byte[] Name)[] Umount =
    [
        (1, "MNT_FORCE"u8.ToArray()), (2, "MNT_DETACH"u8.ToArray()), (4, "MNT_EXPIRE"u8.ToArray()), (8, "UMOUNT_NOFOLLOW"u8.ToArray()),
    ];

    /// <summary>Writes the names of the flags of <paramref name="operation"/> as list items.</summary>
    public static void Write(MountOperation operation, ulong flags, IFieldSink sink)
    {
        sink.BeginList();
        WriteItems(operation, flags, sink);
        sink.EndList();
    }

    /// <summary>Writes the names as list items of a list already begun.</summary>
    public static void WriteItems(MountOperation operation, ulong flags, IFieldSink sink)
    {
        var table = Mount;
        if (operation == MountOperation.Umount)
        {
            table = Umount;
        }
        else if ((flags & MagicMask) == MagicValue)
        {
            // Old callers tag the flags with a magic number the kernel strips.
            sink.ListItem("MS_MGC_VAL"u8);
            flags &= ~MagicMask;
        }
        foreach (var (bit, name) in table)
        {
            if ((flags & bit) != 0)
            {
                sink.ListItem(name);
                flags &= ~bit;
            }
        }
        if (flags != 0)
        {
            Span<byte> hex = stackalloc byte[18];
            "0x"u8.CopyTo(hex);
            flags.TryFormat(hex[2..], out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
            sink.ListItem(hex[..(2 + written)]);
        }
    }
}
