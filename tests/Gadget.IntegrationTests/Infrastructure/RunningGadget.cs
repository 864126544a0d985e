using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Runs a gadget of any kind in this process, for real, through the library's
/// <see cref="GadgetSession"/> (as `ig` does), with JSON output parsed back into elements the
/// test can wait for: events of a stream gadget, arrays of a frame gadget. Disposing stops the
/// gadget and frees its kernel objects.</summary>
internal sealed class RunningGadget : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly JsonLineStream _output = new();
    private readonly ManualResetEventSlim _attached = new();
    private readonly ManualResetEventSlim _ended = new();
    private Exception? _failure;
    private ContainerScope? _scope;

    private RunningGadget(GadgetDefinition gadget, RunOptions options)
    {
        Gadget = gadget;
        var sink = OutputFormat.Parse("json").CreateSink(_output, TextWriter.Null);
        var withAttach = new RunOptions
        {
            Parameters = options.Parameters,
            Scope = options.Scope,
            RingBufferBytes = options.RingBufferBytes,
            Timeout = options.Timeout,
            Containers = options.Containers,
            MountNamespaceFilter = options.MountNamespaceFilter,
            Attached = _attached.Set,
        };
        _thread = new Thread(() =>
        {
            try
            {
                Summary = GadgetSession.Run(gadget, withAttach, sink, _stop.Token);
            }
            catch (Exception e)
            {
                _failure = e;
                _attached.Set();
            }
            _ended.Set();
        })
        { IsBackground = true, Name = $"gadget {gadget.Name}" };
    }

    public GadgetDefinition Gadget { get; }

    public RunSummary? Summary { get; private set; }

    /// <summary>Every JSON line so far: events and warnings of a stream gadget, frames (arrays or
    /// report objects) of the others.</summary>
    public IReadOnlyCollection<JsonElement> Records => _output.Records;

    /// <summary>The frames so far that are arrays of rows (tables of top and snapshot gadgets).</summary>
    public IReadOnlyList<JsonElement> Frames => _output.Records.Where(r => r.ValueKind == JsonValueKind.Array).ToList();

    public static ParameterValues Parameters(GadgetDefinition gadget, params (string Key, string Value)[] parameters) =>
        new(gadget.Parameters, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    /// <summary>Starts the gadget and returns once its programs are attached.</summary>
    public static RunningGadget Start(GadgetDefinition gadget, params (string Key, string Value)[] parameters) =>
        Start(gadget, new RunOptions { Parameters = Parameters(gadget, parameters) });

    /// <summary>Runs the gadget as `ig` does: containers discovered and followed, the selection
    /// filtered in the kernel, events attributed.</summary>
    public static RunningGadget StartWithContainers(GadgetDefinition gadget, ContainerSelector selector, params (string Key, string Value)[] parameters) =>
        StartWithContainers(gadget, selector, new RunOptions { Parameters = Parameters(gadget, parameters) });

    /// <summary>Like the other overload, with the parameters, ring size and timeout of <paramref name="run"/>.</summary>
    public static RunningGadget StartWithContainers(GadgetDefinition gadget, ContainerSelector selector, RunOptions run)
    {
        var scope = ContainerScope.Start(selector, new DiscoveryOptions(), TextWriter.Null, null);
        scope.WaitReady();
        var options = new RunOptions
        {
            Parameters = run.Parameters,
            RingBufferBytes = run.RingBufferBytes,
            Timeout = run.Timeout,
            Scope = scope,
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

    /// <summary>The containers the session discovered (with <see cref="StartWithContainers(GadgetDefinition, ContainerSelector, RunOptions)"/>).</summary>
    public ContainerCollection? Containers => _scope?.Containers;

    public static RunningGadget Start(GadgetDefinition gadget, RunOptions options)
    {
        var session = new RunningGadget(gadget, options);
        session._thread.Start();
        if (!session._attached.Wait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"{gadget.Name} did not attach within 30 s");
        if (session._failure is { } failure)
            throw new InvalidOperationException($"{gadget.Name} failed to start: {failure.Message}", failure);
        return session;
    }

    /// <summary>Waits for an event (or frame) matching <paramref name="match"/>.</summary>
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

    /// <summary>Waits for a frame (an array of rows) in which some row matches <paramref name="row"/>;
    /// returns that row.</summary>
    public JsonElement WaitForRow(Func<JsonElement, bool> row, string what, TimeSpan? timeout = null)
    {
        var frame = WaitFor(r => r.ValueKind == JsonValueKind.Array && r.EnumerateArray().Any(row), what, timeout);
        return frame.EnumerateArray().First(row);
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

    /// <summary>Waits for the run to end by itself (a snapshot, a --timeout) and returns its summary.</summary>
    public RunSummary WaitForEnd(TimeSpan? timeout = null)
    {
        if (!_ended.Wait(timeout ?? TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"{Gadget.FullName} did not end within {timeout ?? TimeSpan.FromSeconds(30)}");
        if (_failure is { } failure)
            throw new InvalidOperationException($"the gadget failed: {failure.Message}", failure);
        return Summary!;
    }

    /// <summary>Stops the gadget and returns its summary. A stream's programs are detached and its
    /// ring buffer drained first, so every event of what ran before the call is in
    /// <see cref="Records"/>: what is not there did not happen (negative tests rely on this,
    /// not on a sleep). A profile makes its report.</summary>
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
