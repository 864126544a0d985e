using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;
using Grpc.Core;

namespace Gadget.Agent.Client;

/// <summary>Runs a gadget through an agent and feeds what comes back into a local sink, as
/// <see cref="GadgetSession"/> does for a local run: the same Start, events in batches,
/// frames, lost counts and End, and the same summary. Stopping (Ctrl-C, SIGTERM) asks the
/// agent to stop the gadget, so a profile still reports; a closed output, or the sink failing,
/// cancels the call, which frees the run on the node at once.</summary>
public static class RemoteRun
{
    private static readonly TimeSpan OutputCheck = TimeSpan.FromMilliseconds(200);

    public static RunSummary Run(RemoteTarget target, RemoteRunRequest request, IGadgetSink sink, TextWriter warnings, TextWriter? verbose,
        CancellationToken stop, Func<bool>? outputClosed = null) =>
        RunAsync(target, request, sink, warnings, verbose, stop, outputClosed).GetAwaiter().GetResult();

    private static async Task<RunSummary> RunAsync(RemoteTarget target, RemoteRunRequest request, IGadgetSink sink, TextWriter warnings,
        TextWriter? verbose, CancellationToken stop, Func<bool>? outputClosed)
    {
        CheckLocally(request);
        using var channel = target.Open();
        var client = new GadgetAgent.GadgetAgentClient(channel);
        using var abort = new CancellationTokenSource();
        using var call = client.RunGadget(cancellationToken: abort.Token);
        var state = new ReceiveState(request, sink, warnings, verbose);
        try
        {
            await call.RequestStream.WriteAsync(new RunRequest { Start = Start(request) }, abort.Token).ConfigureAwait(false);
            var stopSent = 0;
            using var onStop = stop.Register(() =>
            {
                if (Interlocked.Exchange(ref stopSent, 1) == 0)
                    _ = SendStop(call.RequestStream);
            });
            using var watch = outputClosed is null ? null : new Timer(_ =>
            {
                if (outputClosed())
                    abort.Cancel();
            }, null, OutputCheck, OutputCheck);

            while (await call.ResponseStream.MoveNext(abort.Token).ConfigureAwait(false))
                state.Handle(call.ResponseStream.Current);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled || abort.IsCancellationRequested)
        {
            // We cancelled: the output was closed.
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The reader of our output went away: a normal end, with nothing more to write.
            await abort.CancelAsync().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw AgentError.From(e, target);
        }
        return state.Summary;
    }

    private static async Task SendStop(IClientStreamWriter<RunRequest> requests)
    {
        try
        {
            await requests.WriteAsync(new RunRequest { Stop = new StopRun() }).ConfigureAwait(false);
            await requests.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The run ended meanwhile.
        }
    }

    /// <summary>What can be checked here before the agent is reached, so that bad input is one
    /// line with nothing before it, as locally: the output's columns, and the directories of
    /// files the client will write.</summary>
    private static void CheckLocally(RemoteRunRequest request)
    {
        request.Output.Check(request.Gadget);
        if (request.Gadget.Kind == Gadgets.GadgetKind.Stream)
            GadgetSession.CheckRingBufferSize(request.RingBufferBytes);
        foreach (var parameter in request.Gadget.Parameters.Where(p => p.IsOutputFile))
        {
            if (request.Parameters.GetString(parameter.Key) is not { } path)
                continue;
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is null || !Directory.Exists(directory))
                throw new GadgetException($"--{parameter.Key} {path}: directory {directory} does not exist");
            if (Directory.Exists(path))
                throw new GadgetException($"--{parameter.Key} {path} is a directory");
        }
    }

    private static StartRun Start(RemoteRunRequest request)
    {
        var start = new StartRun
        {
            Category = request.Gadget.Category,
            Name = request.Gadget.Name,
            Selection = Selection(request.Selector),
            View = request.Output.Kind switch
            {
                OutputKind.Json => OutputView.Json,
                OutputKind.Folded => OutputView.Folded,
                _ => OutputView.Columns,
            },
            TimeoutMs = request.Timeout is { } timeout && timeout > TimeSpan.Zero ? (ulong)timeout.TotalMilliseconds : 0,
            RingBufferBytes = request.RingBufferBytes,
            Verbose = request.Verbose,
        };
        foreach (var (key, value) in request.Parameters.Raw)
            start.Parameters[key] = value;
        if (request.Output.Kind == OutputKind.Columns && request.Output.Columns is { } columns)
            start.Columns.AddRange(columns);
        return start;
    }

    internal static ContainerSelection Selection(ContainerSelector selector)
    {
        var selection = new ContainerSelection
        {
            ContainerName = selector.ContainerName ?? "",
            PodName = selector.PodName ?? "",
            Namespace = selector.Namespace ?? "",
            IncludeHost = selector.IncludeHost,
            RuntimesSet = selector.Runtimes is not null,
        };
        foreach (var (key, value) in selector.Labels)
            selection.Labels[key] = value;
        if (selector.Runtimes is { } runtimes)
            selection.Runtimes.AddRange(runtimes);
        return selection;
    }

    /// <summary>What the replies of one run have told so far, and what each reply does to the sink.</summary>
    private sealed class ReceiveState(RemoteRunRequest request, IGadgetSink sink, TextWriter warnings, TextWriter? verbose)
    {
        private readonly Dictionary<uint, ContainerInfo> _containers = [];
        private RemoteGadget? _gadget;
        private RemoteRow? _eventRow;
        private RunSummary? _ended;
        private ulong _events, _lost, _frames;

        /// <summary>The agent's summary; or, for a run cut short, what arrived.</summary>
        public RunSummary Summary => _ended ?? new RunSummary(_events, _lost, TimeSpan.Zero) { Frames = _frames, Kind = request.Gadget.Kind };

        public void Handle(RunReply reply)
        {
            switch (reply.ReplyCase)
            {
                case RunReply.ReplyOneofCase.Started:
                    _gadget = new RemoteGadget(reply.Started);
                    _eventRow = new RemoteRow(_gadget.CarriedCount);
                    sink.Start(new SinkStart(_gadget, new ParameterValues(_gadget.Parameters), _gadget.DefaultColumns(ParameterValues.Empty)));
                    break;
                case RunReply.ReplyOneofCase.Events:
                    Events(reply.Events);
                    break;
                case RunReply.ReplyOneofCase.Frame:
                    Frame(reply.Frame);
                    break;
                case RunReply.ReplyOneofCase.Lost:
                    _lost += reply.Lost.Count;
                    sink.Lost(reply.Lost.Count);
                    break;
                case RunReply.ReplyOneofCase.Warning:
                    (reply.Warning.Verbose ? verbose : warnings)?.WriteLine(reply.Warning.Text);
                    break;
                case RunReply.ReplyOneofCase.File:
                    WriteFile(reply.File);
                    break;
                case RunReply.ReplyOneofCase.Ended:
                    var e = reply.Ended;
                    _ended = new RunSummary(e.Events, e.Lost, TimeSpan.FromMicroseconds(e.AttachTimeUs))
                    {
                        Frames = e.Frames,
                        Malformed = e.Malformed,
                        Wakeups = e.Wakeups,
                        Kind = GadgetWire.FromMessage(e.Kind),
                    };
                    sink.End(_ended);
                    break;
            }
        }

        private void Events(EventBatch batch)
        {
            AddContainers(batch.Containers);
            var data = batch.Records.Memory;
            var reader = new RecordReader(data.Span);
            var row = _eventRow ?? throw new GadgetException("the agent sent events before starting the run");
            for (var i = 0; i < batch.Count; i++)
            {
                var container = Container(row.Read(data, ref reader, frameRow: false));
                _events++;
                sink.Event(new EventRecord(row, container, 0));
            }
            sink.EndBatch();
        }

        private void Frame(FrameReply reply)
        {
            var gadget = _gadget ?? throw new GadgetException("the agent sent a frame before starting the run");
            AddContainers(reply.Containers);
            var frame = new Frame(null, 0) { Sequence = reply.Sequence };
            var data = reply.Rows.Memory;
            var reader = new RecordReader(data.Span);
            for (var i = 0; i < reply.Count; i++)
            {
                var row = new RemoteRow(gadget.CarriedCount);
                var container = Container(row.Read(data, ref reader, frameRow: true));
                frame.Add(row, container);
            }
            _frames++;
            _events += reply.Count;
            gadget.Deliver(frame, reply);
            sink.Frame(frame);
        }

        private void AddContainers(IEnumerable<Protocol.Container> containers)
        {
            foreach (var c in containers)
                _containers[c.Ref] = ContainerWire.FromMessage(c);
        }

        private ContainerInfo? Container(uint reference) =>
            reference == 0 ? null
            : _containers.TryGetValue(reference, out var container) ? container
            : throw new GadgetException("the agent sent a record of a container it did not describe");

        /// <summary>A file the gadget wrote on the node (a flame graph), written where the user asked.</summary>
        private void WriteFile(OutputFile file)
        {
            var parameter = request.Gadget.Parameters.FirstOrDefault(p => p.Key == file.Parameter && p.IsOutputFile);
            if (parameter is null || request.Parameters.GetString(parameter.Key) is not { } path)
                return;
            try
            {
                File.WriteAllBytes(path, file.Content.ToByteArray());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GadgetException($"--{parameter.Key} {path}: {e.Message}", e);
            }
        }
    }
}
