using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gadget.Native;

/// <summary>Receives the records of a ring buffer, straight from its memory.</summary>
public interface IRingBufferConsumer
{
    /// <summary>Handles one record; the span is only valid during the call.</summary>
    void OnRecord(ReadOnlySpan<byte> record);
}

/// <summary>The user-space side of a BPF ring buffer map, read through libbpf: poll waits on
/// its epoll descriptor, consume hands every available record to the consumer.</summary>
public sealed unsafe class RingBuffer : IDisposable
{
    private readonly RingBufferHandle _handle;
    private GCHandle _self;
    private readonly IRingBufferConsumer _consumer;
    private Exception? _consumerError;

    public RingBuffer(BpfMap map, IRingBufferConsumer consumer)
    {
        _consumer = consumer;
        _self = GCHandle.Alloc(this);
        var rb = Interop.Libbpf.ring_buffer__new(map.Fd, &OnSample, GCHandle.ToIntPtr(_self), null);
        if (rb == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            _self.Free();
            LibbpfException.Throw($"opening ring buffer {map.Name}", errno);
        }
        _handle = new RingBufferHandle(rb);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for a wake-up, then consumes what is ready.
    /// Returns the number of records handled.</summary>
    public int Poll(int timeoutMs)
    {
        var result = Interop.Libbpf.ring_buffer__poll(_handle, timeoutMs);
        return Check(result, "polling");
    }

    /// <summary>Consumes every record available now, without waiting.</summary>
    public int Consume()
    {
        var result = Interop.Libbpf.ring_buffer__consume(_handle);
        return Check(result, "consuming");
    }

    private int Check(int result, string what)
    {
        if (_consumerError is { } error)
        {
            _consumerError = null;
            ExceptionDispatchInfoThrow(error);
        }
        if (result == -4 /* EINTR */)
            return 0;
        LibbpfException.ThrowIfError(result, $"{what} the ring buffer");
        return result;
    }

    private static void ExceptionDispatchInfoThrow(Exception e) =>
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();

    [UnmanagedCallersOnly]
    private static int OnSample(IntPtr context, void* data, nuint size)
    {
        var self = Unsafe.As<RingBuffer>(GCHandle.FromIntPtr(context).Target!);
        try
        {
            self._consumer.OnRecord(new ReadOnlySpan<byte>(data, (int)size));
            return 0;
        }
        catch (Exception e)
        {
            // Stop consuming and rethrow on the managed side of the poll.
            self._consumerError = e;
            return -1;
        }
    }

    public void Dispose()
    {
        _handle.Dispose();
        if (_self.IsAllocated)
            _self.Free();
    }
}
