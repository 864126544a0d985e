using System.Buffers;
using System.Text;
using System.Text.Json;
using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;
using Google.Protobuf;

namespace Gadget.Agent.Server;

/// <summary>The sink of a run on the node: what the gadget produces becomes the replies of the
/// run's stream. Events are encoded into batches (one per drain of the ring buffer, or sooner
/// when a batch grows large); a frame is sent whole, as its rows or as the gadget's own
/// rendering of it in the client's output (a histogram's text, a report's JSON, folded
/// stacks), so the client prints what a local run prints.</summary>
internal sealed class StreamingSink : IGadgetSink
{
    /// <summary>A batch is sent once it holds this much, even before the drain ends.</summary>
    private const int BatchBytes = 128 * 1024;

    private readonly ReplyQueue _replies;
    private readonly StartRun _request;
    private readonly OutputFiles _files;
    private readonly AgentMetrics.GadgetSeries _metrics;
    private readonly RecordBuffer _batch = new(BatchBytes + 16 * 1024);
    private readonly ContainerRefs _containers = new();
    private RecordEncoder? _encoder;
    private SinkStart? _start;
    private uint _count;

    public StreamingSink(ReplyQueue replies, StartRun request, OutputFiles files, AgentMetrics.GadgetSeries metrics)
    {
        _replies = replies;
        _request = request;
        _files = files;
        _metrics = metrics;
    }

    public void Start(SinkStart start)
    {
        _start = start;
        var carried = CarriedFields.Choose(start.Schema, _request.View, _request.Columns, start.DefaultColumns);
        _encoder = new RecordEncoder(start.Schema, carried, _request.View, _containers);
        var started = new RunStarted { Gadget = GadgetWire.ToMessage(start.Gadget), Node = Containers.NodeName.Current };
        started.DefaultColumns.AddRange(start.DefaultColumns);
        started.CarriedFields.AddRange(carried.Select(i => (uint)i));
        _replies.Send(new RunReply { Started = started });
    }

    public void Event(in EventRecord record)
    {
        Encoder.Encode(record, _batch);
        _count++;
        if (_batch.Length >= BatchBytes)
            SendBatch();
    }

    public void EndBatch() => SendBatch();

    public void Frame(Frame frame)
    {
        SendBatch();
        var gadget = _start!.Gadget;
        var reply = new FrameReply { Sequence = frame.Sequence };
        switch (_request.View)
        {
            case OutputView.Folded:
                var folded = new StringWriter();
                if (gadget is IFoldedStacks stacks)
                    stacks.WriteFolded(frame, _start.Parameters, folded);
                reply.Folded = folded.ToString();
                break;
            case OutputView.Json:
                var json = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(json, Output.JsonFormatter.WriterOptions))
                {
                    if (gadget.TryWriteJson(frame, _start.Parameters, writer))
                    {
                        writer.Flush();
                        reply.Json = ByteString.CopyFrom(json.WrittenSpan);
                    }
                }
                break;
            default:
                var text = new StringBuilder();
                if (gadget.TryWriteText(frame, _start.Parameters, text))
                    reply.Text = text.ToString();
                break;
        }
        if (!reply.HasText && !reply.HasJson && !reply.HasFolded)
            EncodeRows(frame, reply);
        _containers.TakePending(reply.Containers);
        // A file the rendering wrote (a flame graph) reaches the client before the frame, as a
        // local run writes it before printing.
        _files.SendWritten(_replies);
        _metrics.Events.Inc(frame.Count);
        _replies.Send(new RunReply { Frame = reply });
    }

    public void Lost(ulong count)
    {
        SendBatch();
        _metrics.Lost.Inc(count);
        _replies.Send(new RunReply { Lost = new LostEvents { Count = count } });
    }

    public void End(RunSummary summary) => SendBatch();

    private void EncodeRows(Frame frame, FrameReply reply)
    {
        var rows = new RecordBuffer();
        var lines = new StringBuilder();
        for (var i = 0; i < frame.Count; i++)
        {
            var record = frame.Record(i);
            Encoder.Encode(record, rows);
            lines.Clear();
            if (_request.View == OutputView.Columns)
                _start!.Gadget.WriteRowLines(record, _start.Parameters, lines);
            rows.Text(lines.ToString());
        }
        reply.Rows = ByteString.CopyFrom(rows.Written);
        reply.Count = (uint)frame.Count;
    }

    private void SendBatch()
    {
        if (_count == 0)
            return;
        var batch = new EventBatch { Records = ByteString.CopyFrom(_batch.Written), Count = _count };
        _containers.TakePending(batch.Containers);
        _metrics.Events.Inc(_count);
        _batch.Clear();
        _count = 0;
        _replies.Send(new RunReply { Events = batch });
    }

    private RecordEncoder Encoder => _encoder ?? throw new InvalidOperationException("the sink was not started");
}
