using System.Text;

namespace Gadget.Gadgets.Profile.Cpu.Rendering;

/// <summary>Folded stacks, the input format of flamegraph.pl and speedscope: one line per
/// distinct stack, "comm;root;...;leaf count", identical stacks of several processes merged,
/// lines in order (as stackcollapse writes them).</summary>
public static class FoldedStacks
{
    public static void Write(IEnumerable<SampledStack> stacks, TextWriter output)
    {
        var lines = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var line = new StringBuilder();
        foreach (var stack in stacks)
        {
            line.Clear();
            Append(line, stack.Comm);
            foreach (var (name, _) in stack.FramesFromRoot())
            {
                line.Append(';');
                Append(line, name);
            }
            var key = line.ToString();
            lines[key] = lines.GetValueOrDefault(key) + stack.Count;
        }
        foreach (var (stack, count) in lines.OrderBy(static l => l.Key, StringComparer.Ordinal))
        {
            output.Write(stack);
            output.Write(' ');
            output.Write(count);
            output.Write('\n');
        }
    }

    /// <summary>A frame as the format allows it: ';' separates frames and a line ends the
    /// stack, so both become something else; an empty name would vanish.</summary>
    private static void Append(StringBuilder line, string name)
    {
        if (name.Length == 0)
        {
            line.Append("[unknown]");
            return;
        }
        foreach (var c in name)
            line.Append(c is ';' ? ':' : char.IsControl(c) ? '?' : c);
    }
}
