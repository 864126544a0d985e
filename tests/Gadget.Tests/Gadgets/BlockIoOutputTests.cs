using System.Text;
using System.Text.Json;
using Gadget.Gadgets;
using Gadget.Output;
using Gadget.Runtime;
using TopBlockIo = Gadget.Gadgets.Top.BlockIo;
using ProfileBlockIo = Gadget.Gadgets.Profile.BlockIo;

namespace Gadget.Tests.Gadgets;

/// <summary>top block-io's rows and profile block-io's reports through the real sinks: the
/// reference's columns, JSON names and sort order; the histogram's text and JSON.</summary>
public class BlockIoOutputTests
{
    private static readonly TopBlockIo.BlockIoGadget Top = new();
    private static readonly ProfileBlockIo.BlockIoGadget Profile = new();

    private static string Write(GadgetDefinition gadget, OutputFormat format, Frame frame, params (string Key, string Value)[] parameters)
    {
        var stream = new MemoryStream();
        var sink = format.CreateSink(stream, TextWriter.Null);
        var values = new ParameterValues(gadget.Parameters, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        sink.Start(SinkStart.For(gadget, values));
        sink.Frame(frame);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static TopBlockIo.BlockIoRow Row(uint pid, string comm, bool write, ulong bytes, ulong us, uint ops)
    {
        var key = new TopBlockIo.BiotopKey { MntnsId = 4026532000, Pid = pid, Write = write ? 1 : 0, Major = 7, Minor = 3 };
        Encoding.ASCII.GetBytes(comm).CopyTo((Span<byte>)key.Comm);
        return TopBlockIo.BlockIoRun.ToRow(key, new TopBlockIo.BiotopValue { Bytes = bytes, Us = us, Ops = ops });
    }

    private static Frame TopFrame(params TopBlockIo.BlockIoRow[] rows)
    {
        var frame = new Frame(null, 0);
        foreach (var row in rows)
            frame.Add(row);
        return frame;
    }

    [Fact]
    public void Top_rows_have_the_reference_columns_with_R_or_W()
    {
        var text = Write(Top, OutputFormat.DefaultColumns, TopFrame(Row(42, "dd", true, 98304, 1234, 24), Row(43, "cat", false, 4096, 17, 1)));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["PID", "COMM", "R/W", "MAJOR", "MINOR", "BYTES", "TIME", "OPS"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["42", "dd", "W", "7", "3", "98304", "1234", "24"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["43", "cat", "R", "7", "3", "4096", "17", "1"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Top_json_uses_the_reference_names_and_leaves_write_out_for_reads()
    {
        var json = JsonDocument.Parse(Write(Top, new OutputFormat(OutputKind.Json, null), TopFrame(Row(42, "dd", true, 98304, 1234, 24), Row(43, "cat", false, 4096, 17, 1)))).RootElement;

        var write = json[0];
        Assert.Equal(42, write.GetProperty("pid").GetInt32());
        Assert.Equal("dd", write.GetProperty("comm").GetString());
        Assert.True(write.GetProperty("write").GetBoolean());
        Assert.Equal(7, write.GetProperty("major").GetInt32());
        Assert.Equal(3, write.GetProperty("minor").GetInt32());
        Assert.Equal(98304, write.GetProperty("bytes").GetInt64());
        Assert.Equal(1234, write.GetProperty("us").GetInt64());
        Assert.Equal(24, write.GetProperty("ops").GetInt32());
        Assert.Equal(4026532000, write.GetProperty("mountnsid").GetInt64());
        Assert.False(json[1].TryGetProperty("write", out _));
    }

    [Fact]
    public void Top_sorts_by_ops_then_bytes_then_time_by_default()
    {
        var frame = TopFrame(
            Row(1, "a", true, 100, 5, 2),
            Row(2, "b", true, 100, 9, 2),
            Row(3, "c", true, 900, 1, 2),
            Row(4, "d", false, 1, 1, 7));
        var values = new ParameterValues(Top.Parameters);
        Assert.Equal("-ops,-bytes,-time", values.GetString("sort"));

        frame.Sort(Top.SortOrder(values));

        Assert.Equal([4u, 3u, 2u, 1u], Enumerable.Range(0, frame.Count).Select(i => frame.Row(i).Header.Pid));
    }

    [Fact]
    public void Top_is_also_biotop_with_the_interval_max_rows_and_sort_parameters()
    {
        Assert.Equal(["biotop"], Top.Aliases);
        Assert.Equal(["biotop"], Top.TopLevelAliases);
        var values = new ParameterValues(Top.Parameters);
        Assert.Equal(1u, values.GetUInt("interval"));
        Assert.Equal(20u, values.GetUInt("max-rows"));
        Assert.Equal('m', Top.Parameters.Single(p => p.Key == "max-rows").Alias);
    }

    private static Frame ProfileFrame(params (string Disk, uint Dev, string Flags, uint[] Slots)[] histograms)
    {
        var frame = new Frame(null, 0);
        ProfileBlockIo.HistogramRows.Add(frame, histograms.Select(h =>
            (new ProfileBlockIo.LatencyHistogram(h.Disk, h.Flags, ProfileBlockIo.Log2Histogram.FromSlots(h.Slots)), h.Dev)));
        return frame;
    }

    [Fact]
    public void The_profile_report_is_the_reference_histogram_as_text()
    {
        var text = Write(Profile, OutputFormat.DefaultColumns, ProfileFrame(("", 0, "", [0, 2, 4])));

        Assert.Equal(
            "        µs               : count    distribution\n" +
            "         0 -> 1          : 0        |                                        |\n" +
            "         2 -> 3          : 2        |********************                    |\n" +
            "         4 -> 7          : 4        |****************************************|\n",
            text);
    }

    [Fact]
    public void The_profile_report_is_the_reference_object_in_json()
    {
        var json = JsonDocument.Parse(Write(Profile, new OutputFormat(OutputKind.Json, null), ProfileFrame(("", 0, "", [3, 0, 1])))).RootElement;

        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal("""{"unit":"µs","intervals":[{"count":3,"start":0,"end":1},{"count":0,"start":2,"end":3},{"count":1,"start":4,"end":7}]}""",
            JsonSerializer.Serialize(json, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void A_profile_that_measured_nothing_is_the_unit_alone_in_json_and_nothing_in_text()
    {
        var json = Write(Profile, new OutputFormat(OutputKind.Json, null), new Frame(null, 0));
        Assert.Equal("{\"unit\":\"µs\"}\n", json);
        Assert.Equal("", Write(Profile, OutputFormat.DefaultColumns, new Frame(null, 0)));
    }

    [Fact]
    public void Per_disk_and_per_flag_each_histogram_comes_after_its_names()
    {
        var frame = ProfileFrame(("loop3", 7 << 20 | 3, "Idle-Sync-Write", [0, 5]), ("vda", 254 << 20, "Read", [1]));

        var text = Write(Profile, OutputFormat.DefaultColumns, frame, ("per-disk", "true"), ("per-flag", "true"));

        Assert.Equal(
            "disk = loop3\tflags = Idle-Sync-Write\n" +
            "        µs               : count    distribution\n" +
            "         0 -> 1          : 0        |                                        |\n" +
            "         2 -> 3          : 5        |****************************************|\n" +
            "\n" +
            "disk = vda\tflags = Read\n" +
            "        µs               : count    distribution\n" +
            "         0 -> 1          : 1        |****************************************|\n",
            text);
    }

    [Fact]
    public void Per_disk_json_is_an_array_of_histograms_named_by_disk()
    {
        var frame = ProfileFrame(("loop3", 7 << 20 | 3, "", [0, 5]), ("vda", 254 << 20, "", [1]));

        var json = JsonDocument.Parse(Write(Profile, new OutputFormat(OutputKind.Json, null), frame, ("per-disk", "true"))).RootElement;

        Assert.Equal(2, json.GetArrayLength());
        Assert.Equal(["disk", "unit", "intervals"], json[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("loop3", json[0].GetProperty("disk").GetString());
        Assert.Equal(5, json[0].GetProperty("intervals")[1].GetProperty("count").GetInt32());
        Assert.Equal("vda", json[1].GetProperty("disk").GetString());
        Assert.Equal(1, json[1].GetProperty("intervals").GetArrayLength());
    }

    [Fact]
    public void Per_disk_and_per_flag_have_the_short_flags_of_biolatency()
    {
        Assert.Equal('D', Profile.Parameters.Single(p => p.Key == "per-disk").Alias);
        Assert.Equal('F', Profile.Parameters.Single(p => p.Key == "per-flag").Alias);
    }
}
