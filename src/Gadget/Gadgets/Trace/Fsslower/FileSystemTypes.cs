namespace Gadget.Gadgets.Trace.Fsslower;

/// <summary>The file system types the kernel has registered, as /proc/filesystems lists them
/// ("nodev\ttmpfs", "\text4"): the names struct file_system_type carries, which --filesystem
/// is matched against in the kernel.</summary>
public static class FileSystemTypes
{
    public const string ProcPath = "/proc/filesystems";

    /// <summary>The type name of one /proc/filesystems line; false for blank or malformed lines.</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, out ReadOnlySpan<char> name)
    {
        // The optional "nodev" flag and the name are separated by a tab; the name has no blanks.
        var tab = line.LastIndexOf('\t');
        name = (tab >= 0 ? line[(tab + 1)..] : line).Trim();
        return !name.IsEmpty && name.IndexOfAny(' ', '\t') < 0;
    }

    /// <summary>Every name in the text of /proc/filesystems, in its order.</summary>
    public static List<string> Parse(string text)
    {
        var names = new List<string>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (TryParseLine(line, out var name))
                names.Add(name.ToString());
        }
        return names;
    }

    /// <summary>The types of the running kernel (empty when /proc/filesystems cannot be read).</summary>
    public static List<string> Current()
    {
        try
        {
            return Parse(File.ReadAllText(ProcPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
