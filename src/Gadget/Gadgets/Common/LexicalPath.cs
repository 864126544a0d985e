namespace Gadget.Gadgets.Common;

/// <summary>Resolves "." and ".." in an absolute path by its text alone, as Go's path.Clean
/// does: "/etc/./x" is "/etc/x", "/etc/ssl/../x" is "/etc/x", "//x/" is "/x", and ".." at the
/// root stays there. Without the file system, a ".." after a symbolic link goes back to the
/// link's directory, not to its target's parent: callers use it where the kernel had no
/// answer to give.</summary>
public static class LexicalPath
{
    /// <summary>Writes the clean form of <paramref name="path"/> (UTF-8) to
    /// <paramref name="destination"/>, which must be as long, and returns its length. A path
    /// that is not absolute is copied as it is: there is no root to resolve ".." against.</summary>
    public static int Clean(ReadOnlySpan<byte> path, Span<byte> destination)
    {
        if (path.IsEmpty || path[0] != (byte)'/')
        {
            path.CopyTo(destination);
            return path.Length;
        }
        // Never longer than the path: each segment kept had at least one '/' before it.
        destination[0] = (byte)'/';
        var length = 1;
        var i = 0;
        while (i < path.Length)
        {
            while (i < path.Length && path[i] == (byte)'/')
                i++;
            var start = i;
            while (i < path.Length && path[i] != (byte)'/')
                i++;
            var segment = path[start..i];
            if (segment.IsEmpty || segment.SequenceEqual("."u8))
                continue;
            if (segment.SequenceEqual(".."u8))
            {
                length = Math.Max(1, destination[..length].LastIndexOf((byte)'/'));
                continue;
            }
            if (length > 1)
                destination[length++] = (byte)'/';
            segment.CopyTo(destination[length..]);
            length += segment.Length;
        }
        return length;
    }
}
