using System.Threading.Channels;
using Gadget.Agent.Protocol;

namespace Gadget.Agent.Server;

/// <summary>The replies of one run on their way from the gadget's thread to the gRPC stream.
/// Bounded: a client that reads slower than the gadget produces makes the gadget's thread wait
/// here, the kernel's ring buffer then fills and the kernel counts what it drops, so the
/// client's totals still add up and the traced workload is never held. Once the client is gone
/// nothing waits: replies are dropped and the run is being stopped.</summary>
internal sealed class ReplyQueue
{
    private const int Capacity = 16;

    private readonly Channel<RunReply> _channel = Channel.CreateBounded<RunReply>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationToken _gone;

    public ReplyQueue(CancellationToken gone) => _gone = gone;

    public ChannelReader<RunReply> Reader => _channel.Reader;

    /// <summary>Queues a reply, waiting while the queue is full (called on the gadget's thread
    /// and on discovery's, never on the stream's).</summary>
    public void Send(RunReply reply)
    {
        if (_gone.IsCancellationRequested || _channel.Writer.TryWrite(reply))
            return;
        try
        {
            _channel.Writer.WriteAsync(reply, _gone).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // The client went away while we waited.
        }
        catch (ChannelClosedException)
        {
            // The run has ended; late warnings have nowhere to go.
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
