using System.Text;
using System.Text.Json;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Gadgets.Model;

/// <summary>Frames through the real sinks: an array per frame in JSON, a block per frame in
/// columns, each row attributed to the container it was added with.</summary>
public class FrameSinkTests
{
    private static readonly CountingGadget Gadget = new();

    private static readonly ContainerInfo Web = new()
    {
        Id = "0123456789abcdef",
        Name = "web",
        Runtime = "docker",
        MntnsId = 4026532999,
        Pid = 4242,
    };

    private sealed class OneContainer : IContainerResolver
    {
        public ContainerInfo? Resolve(ulong mntnsId) => mntnsId == Web.MntnsId ? Web : null;
    }

    private static Frame Frame(int sequence = 1)
    {
        var frame = new Frame(new OneContainer(), unixOffsetNs: 1_700_000_000_000_000_000) { Sequence = sequence };
        frame.Add(CountingGadget.Row(10, "reader", 3, bytes: 4096, mntns: Web.MntnsId));
        frame.Add(CountingGadget.Row(11, "host", 1, bytes: 2048));
        return frame;
    }

    private static (IGadgetSink Sink, MemoryStream Output) Sink(string format, IReadOnlyList<string>? placement = null)
    {
        var output = new MemoryStream();
        var sink = OutputFormat.Parse(format).CreateSink(output, TextWriter.Null);
        var parameters = new ParameterValues(Gadget.Parameters);
        sink.Start(new SinkStart(Gadget, parameters, [.. placement ?? [], .. Gadget.DefaultColumns(parameters)]));
        return (sink, output);
    }

    [Fact]
    public void Json_writes_one_array_per_frame_with_the_rows_and_their_containers()
    {
        var (sink, output) = Sink("json");

        sink.Frame(Frame(1));
        sink.Frame(Frame(2));

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var rows = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(JsonValueKind.Array, rows.ValueKind);
        Assert.Equal(2, rows.GetArrayLength());
        var first = rows[0];
        Assert.Equal(10, first.GetProperty("pid").GetInt32());
        Assert.Equal("reader", first.GetProperty("comm").GetString());
        Assert.Equal(3, first.GetProperty("count").GetInt32());
        Assert.Equal(4096, first.GetProperty("bytes").GetInt32());
        Assert.Equal("web", first.GetProperty("runtime").GetProperty("containerName").GetString());
        Assert.Equal(4026532999, first.GetProperty("mountnsid").GetInt64());
        Assert.False(rows[1].TryGetProperty("runtime", out var runtime) && runtime.TryGetProperty("containerName", out _));
    }

    [Fact]
    public void Columns_write_a_header_and_the_rows_per_frame_with_an_empty_line_between_intervals()
    {
        var (sink, output) = Sink("columns", ["container"]);

        sink.Frame(Frame(1));
        sink.Frame(Frame(2));
        sink.End(new RunSummary(4, 0, TimeSpan.Zero));

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Matches(@"^CONTAINER\s+PID\s+COMM\s+COUNT\s+BYTES$", lines[0]);
        Assert.Matches(@"^web\s+10\s+reader\s+3\s+4KiB$", lines[1]);
        Assert.Matches(@"^\s+11\s+host\s+1\s+2KiB$", lines[2]);
        Assert.Equal("", lines[3]);
        Assert.Equal(lines[0], lines[4]);
        Assert.Equal(["", ""], lines[^2..]);
    }

    [Fact]
    public void Columns_take_the_columns_chosen_with_o()
    {
        var output = new MemoryStream();
        var sink = new OutputFormat(OutputKind.Columns, ["comm", "bytes"]).CreateSink(output, TextWriter.Null);
        sink.Start(SinkStart.For(Gadget));

        sink.Frame(Frame());

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Matches(@"^COMM\s+BYTES$", lines[0]);
        Assert.Matches(@"^reader\s+4KiB$", lines[1]);
    }
}
