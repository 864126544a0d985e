using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Runs a gadget in this process, for real, with JSON output parsed back into
/// elements the test can wait for. Disposing stops the gadget and frees its kernel objects.</summary>
internal sealed class GadgetSession : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly JsonLineStream _output = new();
    private readonly ManualResetEventSlim _attached = new();
    private Exception? _failure;

    private ContainerScope? _scope;

    private GadgetSession(TraceGadget gadget, RunOptions options)
    {
        Gadget = gadget;
        var sink = OutputFormat.Parse("json").CreateSink(gadget.Schema, [], _output, TextWriter.Null);
        var withAttach = new RunOptions
        {
            Parameters = options.Parameters,
            RingBufferBytes = options.RingBufferBytes,
            Containers = options.Containers,
            MountNamespaceFilter = options.MountNamespaceFilter,
            Attached = _attached.Set,
        };
        _thread = new Thread(() =>
        {
            try
            {
                Summary = GadgetRunner.Run(gadget, withAttach, sink, _stop.Token);
            }
            catch (Exception e)
            {
                _failure = e;
                _attached.Set();
            }
        })
        { IsBackground = true, Name = $"gadget {gadget.Name}" };
    }

    public TraceGadget Gadget { get; }

    public RunSummary? Summary { get; private set; }

    /// <summary>Every JSON record so far (events and warnings).</summary>
    public IReadOnlyCollection<JsonElement> Records => _output.Records;

    /// <summary>Starts the gadget and returns once its programs are attached.</summary>
    public static GadgetSession Start(TraceGadget gadget, params (string Key, string Value)[] parameters) =>
        Start(gadget, new RunOptions { Parameters = new ParameterValues(gadget.Parameters, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))) });

    /// <summary>Runs the gadget as `ig` does: containers discovered and followed, the selection
    /// filtered in the kernel, events attributed.</summary>
    public static GadgetSession StartWithContainers(TraceGadget gadget, ContainerSelector selector, params (string Key, string Value)[] parameters) =>
        StartWithContainers(gadget, selector, new RunOptions
        {
            Parameters = new ParameterValues(gadget.Parameters, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))),
        });

    /// <summary>Like the other overload, with the parameters and ring size of <paramref name="run"/>.</summary>
    public static GadgetSession StartWithContainers(TraceGadget gadget, ContainerSelector selector, RunOptions run)
    {
        var scope = ContainerScope.Start(selector, new DiscoveryOptions(), TextWriter.Null, null);
        scope.WaitReady();
        var options = new RunOptions
        {
            Parameters = run.Parameters,
            RingBufferBytes = run.RingBufferBytes,
            Containers = scope.Containers,
            MountNamespaceFilter = scope.KernelFilter,
        };
        try
        {
            var session = Start(gadget, options);
            session._scope = scope;
            return session;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public ContainerCollection? Containers => _scope?.Containers;

    public static GadgetSession Start(TraceGadget gadget, RunOptions options)
    {
        var session = new GadgetSession(gadget, options);
        session._thread.Start();
        if (!session._attached.Wait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"{gadget.Name} did not attach within 30 s");
        if (session._failure is { } failure)
            throw new InvalidOperationException($"{gadget.Name} failed to start: {failure.Message}", failure);
        return session;
    }

    /// <summary>Waits for an event matching <paramref name="match"/>.</summary>
    public JsonElement WaitFor(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var record in _output.Records)
            {
                if (match(record))
                    return record;
            }
            if (_failure is not null)
                throw new InvalidOperationException($"the gadget failed: {_failure.Message}", _failure);
            Thread.Sleep(20);
        }
        throw new TimeoutException($"no event {what} within {timeout ?? TimeSpan.FromSeconds(10)}; got {_output.Records.Count} records, last: {_output.Records.LastOrDefault()}");
    }

    /// <summary>Waits until <paramref name="count"/> events match, and returns them in arrival order.</summary>
    public List<JsonElement> WaitForAll(Func<JsonElement, bool> match, int count, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        List<JsonElement> found;
        do
        {
            found = _output.Records.Where(match).ToList();
            if (found.Count >= count)
                return found;
            if (_failure is not null)
                throw new InvalidOperationException($"the gadget failed: {_failure.Message}", _failure);
            Thread.Sleep(20);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"{found.Count} of {count} events {what} within {timeout ?? TimeSpan.FromSeconds(10)}; got {_output.Records.Count} records, last: {_output.Records.LastOrDefault()}");
    }

    /// <summary>Waits for the batch latency to pass, so events of what just ran have arrived.</summary>
    public void Settle() => Thread.Sleep(300);

    /// <summary>Stops the gadget (drains the ring buffer) and returns its summary.</summary>
    public RunSummary Stop()
    {
        _stop.Cancel();
        if (!_thread.Join(TimeSpan.FromSeconds(30)))
            throw new TimeoutException("the gadget did not stop within 30 s");
        if (_failure is { } failure)
            throw new InvalidOperationException($"the gadget failed: {failure.Message}", failure);
        return Summary!;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
        _stop.Dispose();
        _scope?.Dispose();
    }

    /// <summary>A write-only stream that parses each line written to it as JSON.</summary>
    private sealed class JsonLineStream : Stream
    {
        private readonly ConcurrentQueue<JsonElement> _records = new();
        private readonly MemoryStream _partial = new();

        public IReadOnlyCollection<JsonElement> Records => _records;

        public override void Write(byte[] buffer, int offset, int count)
        {
            var span = buffer.AsSpan(offset, count);
            while (!span.IsEmpty)
            {
                var newline = span.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _partial.Write(span);
                    return;
                }
                _partial.Write(span[..newline]);
                var line = Encoding.UTF8.GetString(_partial.GetBuffer(), 0, (int)_partial.Length);
                _partial.SetLength(0);
                _records.Enqueue(JsonDocument.Parse(line).RootElement.Clone());
                span = span[(newline + 1)..];
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
