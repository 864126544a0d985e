using Gadget.Agent.Client;
using Gadget.Output;

namespace Gadget.Cli.Handlers;

/// <summary>Runs a gadget through an agent (--remote) into the same sinks as a local run, so the
/// output and the summary line are the same; Ctrl-C and SIGTERM stop the gadget on the node.</summary>
public static class RemoteGadgetHandler
{
    public static int Run(GadgetArgs args, RemoteTarget target, ICliConsole console, CancellationToken cancellation = default)
    {
        using var stop = new StopSignals(null, cancellation);
        var request = new RemoteRunRequest(args.Gadget, args.Parameters, args.Containers.Selector, args.Output, args.Timeout, args.RingBufferBytes, args.Verbose);
        // Checked before the sink is made: bad input is one line with nothing before it.
        args.Output.Check(args.Gadget);
        var sink = args.Output.CreateSink(console.Out, console.Error, console.Terminal);
        var summary = RemoteRun.Run(target, request, sink, console.Error, args.Verbose ? console.Error : null, stop.Token, console.OutputClosed);
        console.Error.WriteLine(SummaryLine.Format(summary));
        return ExitCodes.Success;
    }
}
