namespace Gadget.Gadgets;

/// <summary>A gadget whose frames are sampled stacks (profile cpu): `-o folded` writes them as
/// folded stacks, the input of flamegraph.pl and speedscope.</summary>
public interface IFoldedStacks
{
    /// <summary>Writes the frame's stacks, one "root;...;leaf count" line each. Runs where the
    /// output is written, so it reads nothing but the frame.</summary>
    void WriteFolded(Frame frame, ParameterValues parameters, TextWriter output);
}
