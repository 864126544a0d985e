using Gadget.Native;
using Microsoft.Win32.SafeHandles;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>The ELF images of mapped files, each read once per run: keyed by the device and
/// inode that /proc/PID/maps gives, which are the same for every process (and container)
/// that maps the file, however each one names it.
///
/// While the profile runs, a file is only opened (through the process that maps it, while it
/// runs); it is read when a frame in it is first named, at the report, after the sampling
/// stopped: reading symbol tables takes milliseconds per library, which would otherwise be
/// taken from the CPUs being profiled. The open descriptor keeps the file readable after
/// the process is gone, or the file deleted.</summary>
public sealed class ElfImageCache : IDisposable
{
    /// <summary>Files held open for the report at most; past this, new files are read at once.</summary>
    public const int MaxOpenFiles = 2048;

    /// <summary>An ELF file larger than this is not read (debug files of the largest programs
    /// are about 1 GiB). Only headers and symbol tables are read, each table at most
    /// <see cref="ElfReader.MaxTableBytes"/>.</summary>
    public const long MaxFileBytes = 2L << 30;

    private readonly Dictionary<(ulong Device, ulong Inode), LazyImage> _images = [];
    private readonly TextWriter? _verbose;
    private int _open;

    public ElfImageCache(TextWriter? verbose = null) => _verbose = verbose;

    /// <summary>Files seen so far.</summary>
    public int Count => _images.Count;

    /// <summary>The image of the file a mapping of <paramref name="pid"/> shows, opened through
    /// the process's own view of it and read when first asked for.</summary>
    public LazyImage Get(int pid, in MemoryMapping mapping)
    {
        var key = (mapping.Device, mapping.Inode);
        if (_images.TryGetValue(key, out var image))
            return image;
        image = Open(pid, mapping);
        _images[key] = image;
        return image;
    }

    private LazyImage Open(int pid, in MemoryMapping mapping)
    {
        // Device files can be mapped executable too: opening one could block or have effects.
        if (mapping.Path.StartsWith("/dev/", StringComparison.Ordinal))
            return LazyImage.None;
        // map_files is the very file mapped, even unlinked or replaced since; the path through
        // the process's root is the fallback (map_files needs CAP_SYS_ADMIN).
        // The fallback resolves the path inside the process's root, never on the host: a
        // container's symlink cannot make ig read a host file (or a FIFO, or a device).
        var processRoot = $"/proc/{pid}/root";
        var file = ConfinedFile.OpenRegular($"/proc/{pid}/map_files/{mapping.Start:x}-{mapping.End:x}", MaxFileBytes, out _);
        if (file is null && !mapping.Deleted)
            file = ConfinedFile.OpenRegular(processRoot, mapping.Path, MaxFileBytes, out _);
        if (file is null)
            return LazyImage.None;
        var image = new LazyImage(() =>
        {
            _open--;
            return TryRead(file, processRoot) is { } read ? WithDebugSymbols(read, processRoot) : null;
        }, file);
        if (++_open > MaxOpenFiles)
            _ = image.Image;
        return image;
    }

    /// <summary>Reads an ELF file of the host; null when it cannot be opened or read, is not a
    /// regular file, is too large, or is malformed.</summary>
    public ElfImage? TryLoad(string path)
    {
        using var file = ConfinedFile.OpenRegular(path, MaxFileBytes, out _);
        return file is null ? null : TryRead(file, path);
    }

    /// <summary>Reads an ELF file at <paramref name="path"/> inside <paramref name="root"/> (a
    /// process's /proc/PID/root), resolved confined to it.</summary>
    public ElfImage? TryLoad(string root, string path)
    {
        using var file = ConfinedFile.OpenRegular(root, path, MaxFileBytes, out _);
        return file is null ? null : TryRead(file, root + path);
    }

    /// <summary>A file that breaks the reader in a way its checks missed costs its symbols, not the run.</summary>
    private ElfImage? TryRead(SafeFileHandle file, string what)
    {
        try
        {
            return ElfReader.TryRead(new FileElfSource(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _verbose?.WriteLine($"profile cpu: reading symbols of {what}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>With a stripped file's build id, its full symbol table may be in a debug file:
    /// in the process's file system, else the host's.</summary>
    private ElfImage WithDebugSymbols(ElfImage image, string processRoot)
    {
        if (image is not { HasSymtab: false, BuildId: { Length: > 2 } id })
            return image;
        var debugPath = $"/usr/lib/debug/.build-id/{id[..2]}/{id[2..]}.debug";
        var debug = TryLoad(processRoot, debugPath) ?? TryLoad(debugPath);
        return debug is { HasSymtab: true } && debug.BuildId == id ? image.WithSymbols(debug.Symbols) : image;
    }

    public void Dispose()
    {
        foreach (var image in _images.Values)
            image.Dispose();
    }

    /// <summary>An image read on first use (from a file held open until then).</summary>
    public sealed class LazyImage : IDisposable
    {
        public static readonly LazyImage None = new(static () => null, null);

        private readonly IDisposable? _resource;
        private Func<ElfImage?>? _load;
        private ElfImage? _image;

        internal LazyImage(Func<ElfImage?> load, IDisposable? resource)
        {
            _load = load;
            _resource = resource;
        }

        /// <summary>The image, read now if it was not yet; null when there is no readable ELF file.</summary>
        public ElfImage? Image
        {
            get
            {
                if (_load is { } load)
                {
                    _load = null;
                    _image = load();
                    _resource?.Dispose();
                }
                return _image;
            }
        }

        public void Dispose() => _resource?.Dispose();
    }
}
