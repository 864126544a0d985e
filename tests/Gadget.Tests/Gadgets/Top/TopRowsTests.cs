using System.Net;
using System.Text;
using System.Text.Json;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Top.Files;
using Gadget.Gadgets.Top.Tcp;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Gadgets.Top;

/// <summary>top file and top tcp rows: decoded from the kernel's map entries, rendered as
/// columns and JSON with the reference's names, sorted and cut as --sort and --max-rows say.</summary>
public class TopRowsTests
{
    private const ulong Mntns = 4026532301;

    private static readonly FileGadget File = new();
    private static readonly TcpGadget Tcp = new();

    private static FileRow MakeFileRow(uint pid, string comm, string name, ulong reads, ulong rbytes, ulong writes, ulong wbytes, byte type = (byte)'R', uint tid = 0)
    {
        var key = new FiletopKey { MntnsId = Mntns, Inode = 1234, Dev = 0xfe00001, Pid = pid, Tid = tid == 0 ? pid : tid };
        var value = new FiletopValue { Reads = reads, ReadBytes = rbytes, Writes = writes, WriteBytes = wbytes, Uid = 1000, Gid = 1001, Type = type };
        Encoding.UTF8.GetBytes(comm, value.Comm);
        Encoding.UTF8.GetBytes(name, value.Filename);
        return Gadget.Gadgets.Top.Files.FileRow.From(key, value, timestamp: 5_000_000_000);
    }

    private static L4Endpoint Endpoint(string address, ushort port)
    {
        var ip = IPAddress.Parse(address);
        var endpoint = new L4Endpoint { Port = port, Version = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? (byte)6 : (byte)4, Proto = 6 };
        ip.GetAddressBytes().CopyTo(endpoint.Addr);
        return endpoint;
    }

    private static TcpRow MakeTcpRow(uint pid, string src, ushort sport, string dst, ushort dport, ulong sent, ulong received)
    {
        var key = new TcptopKey { MntnsId = Mntns, NetnsId = 4026532400, Pid = pid, Src = Endpoint(src, sport), Dst = Endpoint(dst, dport) };
        Encoding.UTF8.GetBytes("curl", key.Comm);
        return Gadget.Gadgets.Top.Tcp.TcpRow.From(key, new TcptopValue { Sent = sent, Received = received }, timestamp: 5_000_000_000);
    }

    private static Frame FrameOf(params GadgetRow[] rows)
    {
        var frame = new Frame(null, unixOffsetNs: 1_700_000_000_000_000_000);
        foreach (var row in rows)
            frame.Add(row);
        return frame;
    }

    private static string Render(OutputFormat format, GadgetDefinition gadget, Frame frame, ParameterValues? parameters = null)
    {
        var stream = new MemoryStream();
        var sink = format.CreateSink(stream, TextWriter.Null);
        sink.Start(SinkStart.For(gadget, parameters));
        sink.Frame(frame);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<JsonElement> Json(GadgetDefinition gadget, Frame frame) =>
        JsonDocument.Parse(Render(new OutputFormat(OutputKind.Json, null), gadget, frame)).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

    private static string[] Lines(GadgetDefinition gadget, Frame frame, IReadOnlyList<string>? columns = null) =>
        Render(new OutputFormat(OutputKind.Columns, columns), gadget, frame).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_file_entry_becomes_a_row_of_its_thread()
    {
        var row = MakeFileRow(41, "cp", "data.bin", reads: 3, rbytes: 12288, writes: 2, wbytes: 100, tid: 43);

        Assert.Equal(41u, row.Header.Pid);
        Assert.Equal(43u, row.Header.Tid);
        Assert.Equal(1000u, row.Header.Uid);
        Assert.Equal(1001u, row.Header.Gid);
        Assert.Equal(Mntns, row.Header.MntnsId);
        Assert.Equal(5_000_000_000ul, row.Header.Timestamp);
        Assert.Equal("cp", Encoding.UTF8.GetString(Utf8Strings.CString(row.Header.Comm)));
        Assert.Equal("data.bin", Encoding.UTF8.GetString(row.FileName));
        Assert.Equal((3ul, 12288ul, 2ul, 100ul), (row.Reads, row.ReadBytes, row.Writes, row.WriteBytes));
        Assert.Equal((byte)'R', row.FileType);
    }

    [Fact]
    public void File_columns_are_the_references_with_sizes_as_go_units_writes_them()
    {
        var lines = Lines(File, FrameOf(MakeFileRow(41, "cp", "data.bin", 3, 12288, 2, 1536), MakeFileRow(42, "sh", "fifo", 1, 0, 0, 0, (byte)'O')));

        Assert.Equal(["PID", "COMM", "READS", "WRITES", "RBYTES", "WBYTES", "T", "FILE"], Cells(lines[0]));
        Assert.Equal(["41", "cp", "3", "2", "12KiB", "1.5KiB", "R", "data.bin"], Cells(lines[1]));
        Assert.Equal(["42", "sh", "1", "0", "0B", "0B", "O", "fifo"], Cells(lines[2]));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void File_json_has_the_references_names_numbers_and_omits_zeros()
    {
        var json = Json(File, FrameOf(MakeFileRow(41, "cp", "data.bin", 3, 12288, 0, 0, tid: 43))).Single();

        Assert.Equal(41u, json.GetProperty("pid").GetUInt32());
        Assert.Equal(43u, json.GetProperty("tid").GetUInt32());
        Assert.Equal("cp", json.GetProperty("comm").GetString());
        Assert.Equal(3ul, json.GetProperty("reads").GetUInt64());
        Assert.Equal(12288ul, json.GetProperty("rbytes").GetUInt64());
        // Go's encoding of a byte: the character's code.
        Assert.Equal('R', json.GetProperty("fileType").GetInt32());
        Assert.Equal("data.bin", json.GetProperty("filename").GetString());
        Assert.Equal(Mntns, json.GetProperty("mountnsid").GetUInt64());
        Assert.Equal("normal", json.GetProperty("type").GetString());
        // omitempty, as the reference's fields are.
        Assert.False(json.TryGetProperty("writes", out _));
        Assert.False(json.TryGetProperty("wbytes", out _));
        Assert.False(json.TryGetProperty("t", out _));
        Assert.False(json.TryGetProperty("file", out _));
    }

    [Fact]
    public void Tcp_columns_join_address_and_port_and_show_sizes()
    {
        var lines = Lines(Tcp, FrameOf(
            MakeTcpRow(77, "127.0.0.1", 41234, "127.0.0.1", 8080, sent: 1048576, received: 307200),
            MakeTcpRow(78, "::1", 8080, "::1", 41235, sent: 10, received: 0)));

        Assert.Equal(["PID", "COMM", "IP", "SRC", "DST", "SENT", "RECV"], Cells(lines[0]));
        Assert.Equal(["77", "curl", "4", "127.0.0.1:41234", "127.0.0.1:8080", "1MiB", "300KiB"], Cells(lines[1]));
        Assert.Equal(["78", "curl", "6", "[::1]:8080", "[::1]:41235", "10B", "0B"], Cells(lines[2]));
    }

    [Fact]
    public void Tcp_json_nests_endpoints_and_names_received_as_the_reference()
    {
        var json = Json(Tcp, FrameOf(MakeTcpRow(77, "10.0.0.2", 50192, "10.0.0.3", 443, sent: 296, received: 15872))).Single();

        Assert.Equal(77u, json.GetProperty("pid").GetUInt32());
        Assert.Equal("curl", json.GetProperty("comm").GetString());
        Assert.Equal(4, json.GetProperty("ipversion").GetInt32());
        Assert.Equal("10.0.0.2", json.GetProperty("src").GetProperty("addr").GetString());
        Assert.Equal(50192, json.GetProperty("src").GetProperty("port").GetInt32());
        Assert.Equal(4, json.GetProperty("src").GetProperty("version").GetInt32());
        Assert.Equal("10.0.0.3", json.GetProperty("dst").GetProperty("addr").GetString());
        Assert.Equal(443, json.GetProperty("dst").GetProperty("port").GetInt32());
        Assert.Equal(296ul, json.GetProperty("sent").GetUInt64());
        Assert.Equal(15872ul, json.GetProperty("received").GetUInt64());
        Assert.Equal(4026532400ul, json.GetProperty("netnsid").GetUInt64());
        Assert.False(json.TryGetProperty("recv", out _));
        Assert.False(json.TryGetProperty("tid", out _), "the reference's top tcp has no tid");
    }

    [Fact]
    public void Default_sort_is_the_references_by_value_not_by_text()
    {
        var frame = FrameOf(
            MakeFileRow(1, "a", "one", reads: 5, rbytes: 900, writes: 0, wbytes: 0),
            MakeFileRow(2, "b", "two", reads: 5, rbytes: 1536, writes: 0, wbytes: 0), // "1.5KiB" < "900B" as text
            MakeFileRow(3, "c", "three", reads: 7, rbytes: 1, writes: 0, wbytes: 0),
            MakeFileRow(4, "d", "four", reads: 5, rbytes: 1536, writes: 2, wbytes: 0));
        frame.Sort(File.SortOrder(new ParameterValues(File.Parameters)));

        Assert.Equal(["-reads", "-writes", "-rbytes", "-wbytes"], File.DefaultSort);
        Assert.Equal([3u, 4u, 2u, 1u], Pids(frame));
    }

    [Fact]
    public void Sort_takes_columns_ascending_or_descending_and_keeps_ties_in_order()
    {
        var rows = new[]
        {
            MakeFileRow(1, "b", "x", 1, 10, 0, 0), MakeFileRow(2, "a", "x", 1, 30, 0, 0),
            MakeFileRow(3, "b", "x", 1, 20, 0, 0), MakeFileRow(4, "a", "x", 1, 30, 0, 0),
        };
        var frame = FrameOf(rows);
        frame.Sort(File.SortOrder(new ParameterValues(File.Parameters, [new("sort", "comm,-rbytes")])));
        Assert.Equal([2u, 4u, 3u, 1u], Pids(frame));

        frame = FrameOf(rows);
        frame.Sort(File.SortOrder(new ParameterValues(File.Parameters, [new("sort", "rbytes")])));
        Assert.Equal([1u, 3u, 2u, 4u], Pids(frame));
    }

    [Fact]
    public void Tcp_sorts_by_sent_then_received_by_default()
    {
        var frame = FrameOf(
            MakeTcpRow(1, "127.0.0.1", 1, "127.0.0.1", 2, sent: 10, received: 5),
            MakeTcpRow(2, "127.0.0.1", 1, "127.0.0.1", 2, sent: 1024, received: 0),
            MakeTcpRow(3, "127.0.0.1", 1, "127.0.0.1", 2, sent: 10, received: 900));
        frame.Sort(Tcp.SortOrder(new ParameterValues(Tcp.Parameters)));

        Assert.Equal(["-sent", "-recv"], Tcp.DefaultSort);
        Assert.Equal([2u, 3u, 1u], Pids(frame));
    }

    [Fact]
    public void An_unknown_sort_column_is_one_clear_error()
    {
        var error = Assert.Throws<GadgetException>(() => File.Validate(new ParameterValues(File.Parameters, [new("sort", "-nosuch")])));
        Assert.Contains("nosuch", error.Message);
        Assert.Contains("rbytes", error.Message);
    }

    [Fact]
    public void Family_takes_4_6_or_all_and_nothing_else()
    {
        Assert.Equal("all", Tcp.Parameters.Single(p => p.Key == "family").DefaultValue);
        Assert.Equal('f', Tcp.Parameters.Single(p => p.Key == "family").Alias);
        _ = new ParameterValues(Tcp.Parameters, [new("family", "6")]);
        var error = Assert.Throws<GadgetException>(() => new ParameterValues(Tcp.Parameters, [new("family", "5")]));
        Assert.Contains("--family", error.Message);
    }

    [Fact]
    public void The_kind_brings_interval_max_rows_and_sort_with_the_references_defaults()
    {
        foreach (GadgetDefinition gadget in new GadgetDefinition[] { File, Tcp })
        {
            Assert.Equal(GadgetKind.Interval, gadget.Kind);
            Assert.Equal("1", gadget.Parameters.Single(p => p.Key == "interval").DefaultValue);
            Assert.Equal("20", gadget.Parameters.Single(p => p.Key == "max-rows").DefaultValue);
            Assert.Equal('m', gadget.Parameters.Single(p => p.Key == "max-rows").Alias);
        }
        Assert.Equal("-reads,-writes,-rbytes,-wbytes", File.Parameters.Single(p => p.Key == "sort").DefaultValue);
        Assert.Equal('a', File.Parameters.Single(p => p.Key == "all-files").Alias);
        Assert.Equal(["tcptop"], Tcp.Aliases);
    }

    [Fact]
    public void Truncating_after_sorting_keeps_the_top_rows()
    {
        var frame = FrameOf(MakeFileRow(1, "a", "x", 1, 0, 0, 0), MakeFileRow(2, "a", "x", 3, 0, 0, 0), MakeFileRow(3, "a", "x", 2, 0, 0, 0));
        frame.Sort(File.SortOrder(new ParameterValues(File.Parameters)));
        frame.Truncate(2);
        Assert.Equal([2u, 3u], Pids(frame));
    }

    private static uint[] Pids(Frame frame) => Enumerable.Range(0, frame.Count).Select(i => frame.Row(i).Header.Pid).ToArray();
}
