namespace Gadget.Gadgets.Profile.Cpu.Rendering;

/// <summary>One sampled stack as the renderers see it: the process's command, its frames
/// (leaf first, as the kernel walks them and the reference's JSON lists them) and how many
/// samples found it.</summary>
public sealed record SampledStack(string Comm, IReadOnlyList<string> UserStack, IReadOnlyList<string> KernelStack, ulong Count)
{
    /// <summary>Every frame from the root down: the user stack from main (or _start) to the
    /// frame that entered the kernel, then the kernel stack from its entry to the leaf.</summary>
    public IEnumerable<(string Name, bool Kernel)> FramesFromRoot()
    {
        for (var i = UserStack.Count - 1; i >= 0; i--)
            yield return (UserStack[i], false);
        for (var i = KernelStack.Count - 1; i >= 0; i--)
            yield return (KernelStack[i], true);
    }
}
