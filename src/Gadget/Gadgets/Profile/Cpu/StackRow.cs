namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>One row of the report: a process (pid, command, mount namespace in the header),
/// a stack it was sampled in, and how many samples found it there.</summary>
public sealed class StackRow : GadgetRow
{
    /// <summary>User-space frames, leaf first (the reference's "userStack" order).</summary>
    public required IReadOnlyList<string> UserStack { get; init; }

    /// <summary>Kernel frames, leaf first.</summary>
    public required IReadOnlyList<string> KernelStack { get; init; }

    public ulong Count { get; init; }
}
