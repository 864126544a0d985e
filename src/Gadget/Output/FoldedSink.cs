using System.Text;
using Gadget.Gadgets;
using Gadget.Runtime;

namespace Gadget.Output;

/// <summary>-o folded: each frame of a gadget that samples stacks as folded stacks, one line
/// per stack and nothing else on stdout (warnings go to the diagnostics writer), so that the
/// output pipes straight into flamegraph.pl or loads in speedscope.</summary>
public sealed class FoldedSink : IGadgetSink
{
    private readonly OutputBuffer _output;
    private readonly TextWriter _diagnostics;
    private SinkStart? _start;

    public FoldedSink(OutputBuffer output, TextWriter diagnostics)
    {
        _output = output;
        _diagnostics = diagnostics;
    }

    /// <summary>The one-line error for a gadget that has no stacks to fold.</summary>
    public static void CheckGadget(GadgetDefinition gadget)
    {
        if (gadget is not IFoldedStacks)
            throw new GadgetException($"--output folded is for gadgets that sample stacks (profile cpu), not {gadget.FullName}");
    }

    public void Start(SinkStart start)
    {
        CheckGadget(start.Gadget);
        _start = start;
    }

    /// <summary>Never called: no stream gadget samples stacks.</summary>
    public void Event(in EventRecord record) { }

    public void EndBatch() => _output.Flush();

    public void Frame(Frame frame)
    {
        var text = new StringWriter();
        ((IFoldedStacks)_start!.Gadget).WriteFolded(frame, _start.Parameters, text);
        _output.Write(Encoding.UTF8.GetBytes(text.ToString()));
        _output.Flush();
    }

    public void Lost(ulong count)
    {
        _output.Flush();
        _diagnostics.WriteLine($"WARNING: {count} events lost");
    }

    public void End(RunSummary summary) => _output.Flush();
}
