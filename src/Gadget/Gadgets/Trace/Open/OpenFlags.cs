namespace Gadget.Gadgets.Trace.Open;

/// <summary>Names of open(2) flags and the file mode string, as the reference shows them.</summary>
public static class OpenFlags
{
    private const uint AccessModeMask = 3;
    private const uint Creat = 0x40;
    private const uint Tmpfile = 0x410000;

    private static readonly (uint Bit, byte[] Name)[] Flags =
    [
        (0x40, "O_CREAT"u8.ToArray()), (0x80, "O_EXCL"u8.ToArray()), (0x100, "O_NOCTTY"u8.ToArray()),
        (0x200, "O_TRUNC"u8.ToArray()), (0x400, "O_APPEND"u8.ToArray()), (0x800, "O_NONBLOCK"u8.ToArray()),
        (0x1000, "O_DSYNC"u8.ToArray()), (0x2000, "O_ASYNC"u8.ToArray()), (0x4000, "O_DIRECT"u8.ToArray()),
        (0x8000, "O_LARGEFILE"u8.ToArray()), (0x10000, "O_DIRECTORY"u8.ToArray()), (0x20000, "O_NOFOLLOW"u8.ToArray()),
        (0x40000, "O_NOATIME"u8.ToArray()), (0x80000, "O_CLOEXEC"u8.ToArray()), (0x101000, "O_SYNC"u8.ToArray()),
        (0x200000, "O_PATH"u8.ToArray()), (0x400000, "O_TMPFILE"u8.ToArray()),
    ];

    private static readonly byte[][] AccessModes =
        ["O_RDONLY"u8.ToArray(), "O_WRONLY"u8.ToArray(), "O_RDWR"u8.ToArray(), "O_ACCMODE"u8.ToArray()];

    /// <summary>Writes the flag names (access mode first) as list items.</summary>
    public static void Write(uint flags, IFieldSink sink)
    {
        sink.BeginList();
        sink.ListItem(AccessModes[flags & AccessModeMask]);
        foreach (var (bit, name) in Flags)
        {
            // O_SYNC includes O_DSYNC's bit, O_TMPFILE O_DIRECTORY's: name the composite once.
            if ((flags & bit) == bit && !IsPartOfComposite(flags, bit))
                sink.ListItem(name);
        }
        sink.EndList();
    }

    /// <summary>True when the open can create a file, so its mode means something.</summary>
    public static bool UsesMode(uint flags) => (flags & Creat) != 0 || (flags & Tmpfile) == Tmpfile;

    /// <summary>"-rw-r--r--" for 0644, like Go's fs.FileMode.</summary>
    public static void WriteMode(uint mode, Span<byte> destination)
    {
        destination[0] = (byte)'-';
        ReadOnlySpan<byte> letters = "rwxrwxrwx"u8;
        for (var i = 0; i < 9; i++)
            destination[1 + i] = (mode & (1u << (8 - i))) != 0 ? letters[i] : (byte)'-';
    }

    private static bool IsPartOfComposite(uint flags, uint bit) =>
        (bit == 0x1000 && (flags & 0x101000) == 0x101000) || (bit == 0x10000 && (flags & Tmpfile) == Tmpfile);
}
