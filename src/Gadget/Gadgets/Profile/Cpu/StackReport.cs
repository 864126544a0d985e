using System.Text;
using Gadget.Gadgets.Profile.Cpu.Symbols;

namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>Turns the raw samples into the report's rows: frames named (kernel ones from
/// kallsyms, user ones from each process's files), samples whose stacks read the same once
/// named added up (the addresses of one hot loop differ, its frames do not), and rows in the
/// reference's order: fewest samples first, so the hottest stack ends the report.</summary>
internal static class StackReport
{
    /// <summary>Where every stack of a process or thread starts: the C library's entry points
    /// (glibc, musl). They are built without frame pointers, so what a walk finds above them is
    /// whatever the stack holds there, not callers.</summary>
    private static readonly HashSet<string> Roots = new(StringComparer.Ordinal)
    {
        "_start", "__libc_start_main", "__libc_start_call_main", "__libc_start_main_impl", "libc_start_main_stage2",
        "start_thread", "thread_start", "clone", "__clone", "clone3", "__clone3", "__clone_internal",
    };

    public static List<StackRow> Build(IReadOnlyDictionary<RawStack, ulong> samples, UserSymbolizer user, KernelSymbols kernel, ulong timestamp)
    {
        var rows = new Dictionary<(ulong, uint, string, string), (CommBytes Comm, string[] User, string[] Kernel, ulong Count)>();
        var key = new StringBuilder();
        foreach (var (stack, count) in samples)
        {
            // A walk that runs past the outermost frame ends in values that are no return addresses.
            var depth = stack.User.Length;
            for (var i = 1; i < depth; i++)
            {
                if (user.IsOutsideCode((int)stack.Pid, stack.User[i]))
                    depth = i;
            }
            var userFrames = new string[depth];
            for (var i = 0; i < userFrames.Length; i++)
            {
                userFrames[i] = user.Name((int)stack.Pid, stack.User[i], returnAddress: i > 0);
                if (Roots.Contains(userFrames[i]))
                {
                    userFrames = userFrames[..(i + 1)];
                    break;
                }
            }
            var kernelFrames = new string[stack.Kernel.Length];
            for (var i = 0; i < kernelFrames.Length; i++)
                kernelFrames[i] = kernel.Name(i > 0 ? stack.Kernel[i] - 1 : stack.Kernel[i]);
            key.Clear();
            key.AppendJoin('\n', userFrames).Append('\0').AppendJoin('\n', kernelFrames);
            var id = (stack.MntnsId, stack.Pid, stack.Comm, key.ToString());
            rows[id] = rows.TryGetValue(id, out var row) ? row with { Count = row.Count + count } : (stack.CommBytes, userFrames, kernelFrames, count);
        }
        var result = new List<StackRow>(rows.Count);
        foreach (var ((mntns, pid, _, _), (comm, userFrames, kernelFrames, count)) in rows)
        {
            var row = new StackRow { UserStack = userFrames, KernelStack = kernelFrames, Count = count };
            row.Header.Timestamp = timestamp;
            row.Header.MntnsId = mntns;
            row.Header.Pid = pid;
            row.Header.Comm = comm;
            result.Add(row);
        }
        result.Sort(Compare);
        return result;
    }

    /// <summary>Fewest samples first (the reference's order); then by process and frames, so
    /// equal counts come in the same order every time.</summary>
    private static int Compare(StackRow a, StackRow b)
    {
        var result = a.Count.CompareTo(b.Count);
        if (result == 0)
            result = a.Header.Pid.CompareTo(b.Header.Pid);
        if (result == 0)
            result = ((ReadOnlySpan<byte>)a.Header.Comm).SequenceCompareTo(b.Header.Comm);
        if (result == 0)
            result = string.CompareOrdinal(string.Join('\n', a.UserStack), string.Join('\n', b.UserStack));
        if (result == 0)
            result = string.CompareOrdinal(string.Join('\n', a.KernelStack), string.Join('\n', b.KernelStack));
        return result;
    }
}
