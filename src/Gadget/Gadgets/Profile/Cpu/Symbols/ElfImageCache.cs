namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>The ELF images of mapped files, each read once per run: keyed by the device and
/// inode that /proc/PID/maps gives, which are the same for every process (and container)
/// that maps the file, however each one names it.</summary>
public sealed class ElfImageCache
{
    private readonly Dictionary<(ulong Device, ulong Inode), ElfImage?> _images = [];
    private readonly TextWriter? _verbose;

    public ElfImageCache(TextWriter? verbose = null) => _verbose = verbose;

    /// <summary>Files read (or tried) so far.</summary>
    public int Count => _images.Count;

    /// <summary>The image of the file a mapping of <paramref name="pid"/> shows, read through
    /// the process's own view of it; null when it cannot be read or is no ELF file.</summary>
    public ElfImage? Get(int pid, in MemoryMapping mapping)
    {
        var key = (mapping.Device, mapping.Inode);
        if (_images.TryGetValue(key, out var image))
            return image;
        image = Load(pid, mapping);
        _images[key] = image;
        return image;
    }

    private ElfImage? Load(int pid, in MemoryMapping mapping)
    {
        // Device files can be mapped executable too: opening one could block or have effects.
        if (mapping.Path.StartsWith("/dev/", StringComparison.Ordinal))
            return null;
        // map_files is the very file mapped, even unlinked or replaced since; the path through
        // the process's root is the fallback (map_files needs CAP_SYS_ADMIN).
        var image = TryLoad($"/proc/{pid}/map_files/{mapping.Start:x}-{mapping.End:x}");
        if (image is null && !mapping.Deleted)
            image = TryLoad($"/proc/{pid}/root{mapping.Path}");
        if (image is { HasSymtab: false, BuildId: { Length: > 2 } id })
        {
            // A stripped file may have its full symbol table in a debug file named by its build id.
            var debugPath = $"/usr/lib/debug/.build-id/{id[..2]}/{id[2..]}.debug";
            var debug = TryLoad($"/proc/{pid}/root{debugPath}") ?? TryLoad(debugPath);
            if (debug is { HasSymtab: true } && debug.BuildId == id)
                image = image.WithSymbols(debug.Symbols);
        }
        return image;
    }

    /// <summary>Reads an ELF file; null when it cannot be opened or read, or is malformed. A
    /// file that breaks the reader in a way its checks missed costs its symbols, not the run.</summary>
    public ElfImage? TryLoad(string path)
    {
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return ElfReader.TryRead(new FileElfSource(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _verbose?.WriteLine($"profile cpu: reading symbols of {path}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
