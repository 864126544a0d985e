using Gadget.Gadgets.Profile.Cpu.Symbols;
using Gadget.Native;

namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>Takes the samples out of the kernel (the counts map and the stacks it refers to)
/// once a second and at the end, and adds them up by raw stack in user space. Taking them
/// often keeps the stack map nearly empty: a stack whose hash bucket holds another stack is
/// lost (bpf_get_stackid returns -EEXIST), so the fewer stacks it holds, the fewer are lost.
/// It also lets the symbolizer read each sampled process's memory map while it still runs.</summary>
internal sealed class StackCollector
{
    private const int EFAULT = 14, EEXIST = 17;

    private readonly BpfMap _counts;
    private readonly BpfMap _stacks;
    private readonly UserSymbolizer _symbolizer;
    private readonly ulong[] _buffer;
    private readonly Dictionary<RawStack, ulong> _samples = [];
    private readonly List<uint> _taken = [];
    private readonly List<KeyValuePair<ProfileCpuKey, ulong>> _entries = [];
    // The stacks read in this collection and in the one before, by id (see ReadStack).
    private Dictionary<uint, ulong[]> _current = [];
    private Dictionary<uint, ulong[]> _previous = [];

    public StackCollector(BpfMap counts, BpfMap stacks, UserSymbolizer symbolizer)
    {
        _counts = counts;
        _stacks = stacks;
        _symbolizer = symbolizer;
        _buffer = new ulong[StackTraceMap.Depth(stacks)];
    }

    /// <summary>The samples so far, by raw stack.</summary>
    public IReadOnlyDictionary<RawStack, ulong> Samples => _samples;

    /// <summary>Samples whose user or kernel stack the kernel could not keep (its bucket of the
    /// stack map held another stack), or that was gone when read. They count, with the stack
    /// that could be read.</summary>
    public ulong SamplesWithLostStacks { get; private set; }

    /// <summary>Moves what the kernel gathered since the last call into <see cref="Samples"/>.</summary>
    public void Collect()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
        _taken.Clear();
        _entries.Clear();
        // Read and deleted in one step per batch: a sample counted meanwhile stays for the next time.
        _counts.TakeAll(_entries);
        foreach (var (key, count) in _entries)
        {
            if (count == 0)
                continue;
            var lost = false;
            var user = ReadStack(key.UserStackId, ref lost);
            var kernel = ReadStack(key.KernStackId, ref lost);
            if (key.KernelIp != 0 && (kernel.Length == 0 || kernel[0] != key.KernelIp) && key.KernStackId >= 0)
                kernel = [key.KernelIp, .. kernel]; // the interrupted address, where the walk left it out (bcc's fix)
            if (lost)
                SamplesWithLostStacks += count;
            var stack = new RawStack(key.MntnsId, key.Pid, key.Comm, user, kernel);
            _samples[stack] = _samples.GetValueOrDefault(stack) + count;
            if (user.Length > 0)
                _symbolizer.Track((int)key.Pid, user);
        }
        // Stacks are freed once read, so that the map holds only what came since.
        foreach (var id in _taken)
            _stacks.Delete(id);
    }

    /// <summary>The addresses of a stack id of the key; empty when the key has none.
    ///
    /// A stack deleted after the last collection took the counts can still be named by a key
    /// counted in between: then its bucket is empty now (nothing has hashed there since, or the
    /// same stack was kept again at the same id), and what the id held is the copy kept from
    /// the collection before.</summary>
    private ulong[] ReadStack(int id, ref bool lost)
    {
        if (id < 0)
        {
            // -1: not asked for (-U, -K); -EFAULT: none (a kernel thread's user stack, a
            // sample in user mode's kernel stack). -EEXIST is the one that is lost.
            lost |= id == -EEXIST;
            return [];
        }
        var stackId = (uint)id;
        if (_current.TryGetValue(stackId, out var known))
            return known;
        ulong[] frames;
        var count = StackTraceMap.Read(_stacks, stackId, _buffer);
        if (count >= 0)
        {
            frames = _buffer[..count];
            _taken.Add(stackId);
        }
        else if (_previous.TryGetValue(stackId, out var kept))
        {
            frames = kept;
        }
        else
        {
            lost = true;
            frames = [];
        }
        _current[stackId] = frames;
        return frames;
    }
}
