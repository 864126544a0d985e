using System.Runtime.InteropServices;
using Gadget.Native;

namespace Gadget.Cli.Handlers;

/// <summary>When a run ends: Ctrl-C (SIGINT), SIGTERM, the --timeout, or the caller's token,
/// whichever comes first. A second signal during shutdown is harmless: it may arrive on the
/// signal thread after the run has disposed of this.</summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals(TimeSpan? timeout, CancellationToken cancellation = default)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (timeout is { } after)
            _stop.CancelAfter(after);
        InterruptSignal.StopIgnoring();
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _stop.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run had already ended.
        }
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }
}
