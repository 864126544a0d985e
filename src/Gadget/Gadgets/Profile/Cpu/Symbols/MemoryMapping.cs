using System.Globalization;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>One line of /proc/PID/maps: an address range of a process and what is mapped there.</summary>
/// <param name="Device">The file's device, (major &lt;&lt; 32) | minor; 0 for anonymous memory.</param>
/// <param name="Path">The file's path in the process's mount namespace, a pseudo-path such as
/// "[vdso]", or empty; without the " (deleted)" the kernel appends to unlinked files.</param>
public readonly record struct MemoryMapping(ulong Start, ulong End, ulong Offset, bool Executable, ulong Device, ulong Inode, string Path, bool Deleted)
{
    private const string DeletedSuffix = " (deleted)";

    /// <summary>Whether a file backs the mapping (the vDSO and anonymous memory have none).</summary>
    public bool IsFile => Inode != 0 && Path.StartsWith('/');

    public bool Contains(ulong address) => address >= Start && address < End;

    /// <summary>Parses "start-end perms offset major:minor inode [path]"; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out MemoryMapping mapping)
    {
        mapping = default;
        if (!TakeField(ref line, out var range) || !TakeField(ref line, out var perms) || !TakeField(ref line, out var offsetText) ||
            !TakeField(ref line, out var deviceText) || !TakeField(ref line, out var inodeText))
            return false;
        var dash = range.IndexOf('-');
        var colon = deviceText.IndexOf(':');
        if (dash <= 0 || colon <= 0 || perms.Length < 4 ||
            !Hex(range[..dash], out var start) || !Hex(range[(dash + 1)..], out var end) || end < start ||
            !Hex(offsetText, out var offset) ||
            !Hex(deviceText[..colon], out var major) || !Hex(deviceText[(colon + 1)..], out var minor) ||
            !ulong.TryParse(inodeText, NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            return false;
        var path = line.TrimStart(' ');
        var deleted = path.EndsWith(DeletedSuffix, StringComparison.Ordinal);
        if (deleted)
            path = path[..^DeletedSuffix.Length];
        mapping = new MemoryMapping(start, end, offset, perms[2] == 'x', (major << 32) | minor, inode, path.ToString(), deleted);
        return true;
    }

    /// <summary>The executable mappings of a maps file, in address order.</summary>
    public static List<MemoryMapping> ParseExecutable(TextReader maps)
    {
        var mappings = new List<MemoryMapping>();
        while (maps.ReadLine() is { } line)
        {
            // Most lines are data: skip them before parsing ("start-end rwxp ...").
            var space = line.IndexOf(' ');
            if (space < 0 || line.Length < space + 5 || line[space + 3] != 'x')
                continue;
            if (TryParse(line, out var mapping) && mapping.Executable)
                mappings.Add(mapping);
        }
        mappings.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return mappings;
    }

    private static bool TakeField(ref ReadOnlySpan<char> line, out ReadOnlySpan<char> field)
    {
        line = line.TrimStart(' ');
        var space = line.IndexOf(' ');
        field = space < 0 ? line : line[..space];
        line = space < 0 ? [] : line[space..];
        return !field.IsEmpty;
    }

    private static bool Hex(ReadOnlySpan<char> text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}
