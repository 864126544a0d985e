using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Runtime;
using Grpc.Core;

namespace Gadget.Agent.Server;

/// <summary>One RunGadget call: the gadget runs on a thread of its own through the same
/// <see cref="GadgetSession"/> as a local run, its replies go out through a bounded queue, a
/// StopRun from the client stops it gracefully (a profile then reports), and the call ending
/// (cancelled, or the client gone) stops it at once. The call completes only once the run has
/// freed every kernel object it made.</summary>
internal static class RunCall
{
    public static async Task Run(AgentState state, IAsyncStreamReader<RunRequest> requests, IServerStreamWriter<RunReply> responses, ServerCallContext context)
    {
        if (!await requests.MoveNext(context.CancellationToken).ConfigureAwait(false) || requests.Current.Start is not { } start)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a run starts with StartRun"));
        var gadget = GadgetCatalog.All.FirstOrDefault(g => g.Category == start.Category && g.Name == start.Name)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"the agent has no gadget {start.Category} {start.Name}"));

        using var files = new OutputFiles();
        ParameterValues parameters;
        try
        {
            parameters = new ParameterValues(gadget.Parameters, files.Redirect(gadget, start.Parameters).ToList());
        }
        catch (GadgetException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        // Gone: the client cancelled or vanished; nothing more is sent. Stop: also a StopRun.
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(gone.Token, state.Stopping);
        var replies = new ReplyQueue(gone.Token);
        var metrics = state.Metrics.For(gadget.FullName);
        var sink = new StreamingSink(replies, start, files, metrics);
        using var warnings = new WarningWriter(replies, verbose: false);
        using var verbose = start.Verbose ? new WarningWriter(replies, verbose: true) : null;
        var options = new RunOptions
        {
            Parameters = parameters,
            Scope = ContainerScope.Over(state.Discovery, Selection(start.Selection), warnings),
            RingBufferBytes = start.RingBufferBytes > 0 ? start.RingBufferBytes : RunOptions.DefaultRingBufferBytes,
            Timeout = start.TimeoutMs > 0 ? TimeSpan.FromMilliseconds(start.TimeoutMs) : null,
            Warnings = warnings,
            Verbose = verbose,
        };

        Exception? failure = null;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            using var active = state.Metrics.TrackRun();
            try
            {
                var summary = GadgetSession.Run(gadget, options, sink, stop.Token);
                warnings.Flush();
                replies.Send(new RunReply { Ended = Ended(summary) });
            }
            catch (Exception e)
            {
                // Whatever a run throws ends that run only: the agent serves the others.
                failure = e;
            }
            finally
            {
                replies.Complete();
                finished.SetResult();
            }
        })
        { IsBackground = true, Name = $"ig run {gadget.FullName}" };
        thread.Start();

        var stops = WatchForStop(requests, stop, gone.Token);
        try
        {
            await foreach (var reply in replies.Reader.ReadAllAsync(gone.Token).ConfigureAwait(false))
                await responses.WriteAsync(reply, gone.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone: stop the run, send nothing more.
        }
        finally
        {
            await gone.CancelAsync().ConfigureAwait(false);
            await finished.Task.ConfigureAwait(false);
            await stops.ConfigureAwait(false);
        }

        if (failure is not null && !context.CancellationToken.IsCancellationRequested)
        {
            throw failure is GadgetException gadgetError
                ? new RpcException(new Status(StatusCode.FailedPrecondition, gadgetError.Message))
                : new RpcException(new Status(StatusCode.Internal, failure.Message));
        }
    }

    /// <summary>Reads the rest of the request stream: StopRun stops the run; the stream ending
    /// (the client closed its side) changes nothing.</summary>
    private static async Task WatchForStop(IAsyncStreamReader<RunRequest> requests, CancellationTokenSource stop, CancellationToken call)
    {
        try
        {
            while (await requests.MoveNext(call).ConfigureAwait(false))
            {
                if (requests.Current.Stop is not null)
                    await stop.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The call ended.
        }
    }

    internal static ContainerSelector Selection(ContainerSelection? selection)
    {
        if (selection is null)
            return new ContainerSelector();
        return new ContainerSelector
        {
            ContainerName = NullIfEmpty(selection.ContainerName),
            PodName = NullIfEmpty(selection.PodName),
            Namespace = NullIfEmpty(selection.Namespace),
            Labels = new Dictionary<string, string>(selection.Labels, StringComparer.Ordinal),
            Runtimes = selection.RuntimesSet ? selection.Runtimes.ToHashSet(StringComparer.Ordinal) : null,
            IncludeHost = selection.IncludeHost,
        };
    }

    private static string? NullIfEmpty(string text) => text.Length > 0 ? text : null;

    private static RunEnded Ended(RunSummary summary) => new()
    {
        Events = summary.Events,
        Lost = summary.Lost,
        Frames = summary.Frames,
        Malformed = summary.Malformed,
        Wakeups = summary.Wakeups,
        AttachTimeUs = (ulong)Math.Max(0, summary.AttachTime.TotalMicroseconds),
        Kind = GadgetWire.ToMessage(summary.Kind),
    };
}
