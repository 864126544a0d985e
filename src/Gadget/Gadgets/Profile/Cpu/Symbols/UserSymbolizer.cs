using System.Globalization;

namespace Gadget.Gadgets.Profile.Cpu.Symbols;

/// <summary>Names the user-space frames of sampled processes, from the ELF files each one maps
/// (read through the process itself, so a container's own files are used, and a PIE
/// executable or library is found wherever it was loaded).
///
/// A process's memory map is read when its first stack is seen, and again when a later stack
/// has an address outside what was read (a library opened since, an exec). That happens at
/// each collection of the kernel maps, once a second, while the process most likely still
/// runs; a process that was gone before its first collection keeps raw addresses. Files are
/// opened then, and read at the report (<see cref="ElfImageCache"/>).</summary>
public sealed class UserSymbolizer : IDisposable
{
    private const long RereadAfterMs = 1000;

    private readonly Dictionary<int, ProcessImages> _processes = [];
    private readonly ElfImageCache _images;
    private readonly string _procRoot;

    public UserSymbolizer(ElfImageCache? images = null, string procRoot = "/proc")
    {
        _images = images ?? new ElfImageCache();
        _procRoot = procRoot;
    }

    /// <summary>Processes whose memory map could not be read when first seen (gone already).</summary>
    public int UnreadableProcesses { get; private set; }

    /// <summary>Makes sure the memory map read of <paramref name="pid"/> covers these addresses,
    /// reading it (again) when it does not.</summary>
    public void Track(int pid, ReadOnlySpan<ulong> addresses)
    {
        if (_processes.TryGetValue(pid, out var process))
        {
            // Stack walks end in garbage that no mapping holds: read again for a library
            // mapped since, but at most once a second.
            if (process.Gone || process.Covers(addresses) || Environment.TickCount64 - process.ReadAt < RereadAfterMs)
                return;
        }
        var fresh = ProcessImages.Read(_procRoot, pid, _images);
        if (fresh is null)
        {
            if (process is null)
            {
                _processes[pid] = ProcessImages.Unreadable;
                UnreadableProcesses++;
            }
            return; // keep what was read while it lived
        }
        _processes[pid] = fresh;
    }

    /// <summary>True when the process's memory map was read and no executable mapping holds
    /// the call before this return address: a frame-pointer walk that went past the last frame
    /// (through code built without frame pointers) reads such values off the stack. Nothing is
    /// known of a process whose map could not be read: false.</summary>
    public bool IsOutsideCode(int pid, ulong returnAddress) =>
        _processes.TryGetValue(pid, out var process) && !process.Gone && !process.TryFind(returnAddress - 1, out _, out _);

    /// <summary>The name of a frame: the function, else "file+0xaddress" (the address in the
    /// file's own terms, for addr2line), else the raw address when nothing is known of it.
    /// Frames after the first are return addresses: the call is the byte before.</summary>
    public string Name(int pid, ulong address, bool returnAddress)
    {
        var lookup = returnAddress && address > 0 ? address - 1 : address;
        if (!_processes.TryGetValue(pid, out var process) || !process.TryFind(lookup, out var mapping, out var image))
            return Raw(address);
        var fileOffset = lookup - mapping.Start + mapping.Offset;
        var file = mapping.Path.Length > 0 ? Path.GetFileName(mapping.Path) : "[anon]";
        if (image is null)
            return mapping.IsFile ? $"{file}+0x{fileOffset.ToString("x", CultureInfo.InvariantCulture)}" : Raw(address);
        if (!image.TryFileOffsetToAddress(fileOffset, out var elfAddress))
            return $"{file}+0x{fileOffset.ToString("x", CultureInfo.InvariantCulture)}";
        if (image.Symbols.TryFind(elfAddress, out var symbol))
            return symbol.Name;
        return $"{file}+0x{elfAddress.ToString("x", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Closes the files held open for the report.</summary>
    public void Dispose() => _images.Dispose();

    private static string Raw(ulong address) => "0x" + address.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The executable mappings of one process and the image behind each.</summary>
    private sealed class ProcessImages
    {
        public static readonly ProcessImages Unreadable = new([], []) { Gone = true };

        private readonly MemoryMapping[] _mappings;
        private readonly ElfImageCache.LazyImage[] _images;

        private ProcessImages(MemoryMapping[] mappings, ElfImageCache.LazyImage[] images)
        {
            _mappings = mappings;
            _images = images;
        }

        public bool Gone { get; private init; }

        /// <summary>When the map was read (Environment.TickCount64).</summary>
        public long ReadAt { get; } = Environment.TickCount64;

        public static ProcessImages? Read(string procRoot, int pid, ElfImageCache cache)
        {
            List<MemoryMapping> mappings;
            try
            {
                using var maps = new StreamReader($"{procRoot}/{pid}/maps");
                mappings = MemoryMapping.ParseExecutable(maps);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (mappings.Count == 0)
                return null; // a zombie, or gone between open and read
            var images = new ElfImageCache.LazyImage[mappings.Count];
            for (var i = 0; i < mappings.Count; i++)
            {
                images[i] = mappings[i] switch
                {
                    { IsFile: true } m => cache.Get(pid, m),
                    { Path: "[vdso]" } => Vdso.Lazy,
                    _ => ElfImageCache.LazyImage.None,
                };
            }
            return new ProcessImages([.. mappings], images);
        }

        public bool Covers(ReadOnlySpan<ulong> addresses)
        {
            foreach (var address in addresses)
            {
                if (Find(address) < 0 && Find(address - 1) < 0)
                    return false;
            }
            return true;
        }

        public bool TryFind(ulong address, out MemoryMapping mapping, out ElfImage? image)
        {
            var index = Find(address);
            mapping = index >= 0 ? _mappings[index] : default;
            image = index >= 0 ? _images[index].Image : null;
            return index >= 0;
        }

        private int Find(ulong address)
        {
            int low = 0, high = _mappings.Length - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var mapping = _mappings[middle];
                if (address < mapping.Start)
                    high = middle - 1;
                else if (address >= mapping.End)
                    low = middle + 1;
                else
                    return middle;
            }
            return -1;
        }
    }
}
