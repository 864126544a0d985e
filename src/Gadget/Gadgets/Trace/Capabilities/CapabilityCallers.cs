using System.Globalization;

namespace Gadget.Gadgets.Trace.Capabilities;

/// <summary>What a range of kernel code is to the stack walk of capabilities.bpf.c (enum
/// cap_caller_kind there).</summary>
public enum CapabilityCallerKind : uint
{
    Other = 0,
    Check = 1,
    Pass = 2,
    NoAudit = 3,
    InSetId = 4,
}

/// <summary>Mirror of struct cap_caller (capabilities.bpf.c): one code range of the kernel.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
public readonly record struct CapabilityCaller(ulong Start, ulong End, CapabilityCallerKind Kind, uint Pad = 0);

/// <summary>Finds, in /proc/kallsyms, the kernel functions that decide the options of a
/// capability check (CAP_OPT_NOAUDIT, CAP_OPT_INSETID) and those that only pass them on,
/// so the BPF program can tell the options from the kernel stack.</summary>
public static class CapabilityCallers
{
    /// <summary>Entries of the cap_callers map (CAP_CALLERS_MAX).</summary>
    public const int Max = 32;

    private static readonly Dictionary<string, CapabilityCallerKind> Known = new(StringComparer.Ordinal)
    {
        ["cap_capable"] = CapabilityCallerKind.Check,
        ["security_capable"] = CapabilityCallerKind.Pass,
        // kernel/capability.c: the helpers that ask not to be audited...
        ["ns_capable_noaudit"] = CapabilityCallerKind.NoAudit,
        ["has_ns_capability_noaudit"] = CapabilityCallerKind.NoAudit,
        ["has_capability_noaudit"] = CapabilityCallerKind.NoAudit,
        ["ptracer_capable"] = CapabilityCallerKind.NoAudit,
        // ...security/commoncap.c: CAP_SYS_ADMIN for overcommit, on every accounted mapping...
        ["cap_vm_enough_memory"] = CapabilityCallerKind.NoAudit,
        ["security_vm_enough_memory_mm"] = CapabilityCallerKind.NoAudit,
        // ...and the one that checks for setuid/setgid (CAP_OPT_INSETID).
        ["ns_capable_setid"] = CapabilityCallerKind.InSetId,
    };

    private static readonly Lazy<IReadOnlyList<CapabilityCaller>> Current = new(() =>
    {
        try
        {
            using var reader = new StreamReader("/proc/kallsyms");
            return Parse(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    });

    /// <summary>The ranges of the running kernel (read once); empty when its symbols are hidden.</summary>
    public static IReadOnlyList<CapabilityCaller> ForRunningKernel() => Current.Value;

    /// <summary>The ranges of the known functions in kallsyms text: each runs from its address to
    /// the next symbol's. Compiler clones (".cold", ".isra.0") count as the function.</summary>
    public static IReadOnlyList<CapabilityCaller> Parse(TextReader kallsyms)
    {
        var addresses = new List<ulong>(1 << 17);
        var found = new List<(ulong Start, CapabilityCallerKind Kind)>();
        var lookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();
        while (kallsyms.ReadLine() is { } text)
        {
            // "<address> <type> <name>" for the kernel; modules add "\t[module]". Parsed in place:
            // the file has a hundred thousand lines and this runs before the gadget starts.
            var line = text.AsSpan();
            var space = line.IndexOf(' ');
            if (space <= 0 || line.Length < space + 4 || line[space + 2] != ' ' || (line[space + 1] | 0x20) != 't')
                continue;
            var name = line[(space + 3)..];
            if (name.IndexOfAny('\t', ' ') >= 0)
                continue;
            if (!ulong.TryParse(line[..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address) || address == 0)
                continue;
            addresses.Add(address);
            var dot = name.IndexOf('.');
            if (lookup.TryGetValue(dot > 0 ? name[..dot] : name, out var kind))
                found.Add((address, kind));
        }
        addresses.Sort();
        var result = new List<CapabilityCaller>();
        foreach (var (start, kind) in found.Distinct())
        {
            var next = addresses.BinarySearch(start + 1);
            var index = next >= 0 ? next : ~next;
            var end = index < addresses.Count ? addresses[index] : start + 1;
            result.Add(new CapabilityCaller(start, end, kind));
            if (result.Count == Max)
                break;
        }
        return result;
    }
}
