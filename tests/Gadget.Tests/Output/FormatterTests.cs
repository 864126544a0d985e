using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Open;
using Gadget.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Output;

public class FormatterTests
{
    private static readonly OpenGadget Gadget = new();

    private static byte[] OpenOf(string path, string comm = "cat") => Build(
        new OpenEvent { Header = Header(1, comm), Fd = 3, PathSize = (ushort)(path.Length + 1) },
        CString(path));

    [Fact]
    public void Header_and_values_are_aligned_to_the_column_widths()
    {
        var lines = Render.Columns(Gadget, ["pid", "comm", "path"], null, OpenOf("/a")).Split('\n');

        Assert.Equal("    PID COMM             PATH", lines[0]);
        Assert.Equal("      1 cat              /a", lines[1]);
    }

    [Fact]
    public void Long_values_are_cut_with_an_ellipsis_except_in_the_last_column()
    {
        var longPath = "/" + new string('p', 60);
        var lines = Render.Columns(Gadget, ["path", "comm"], null, OpenOf(longPath, "c")).Split('\n');

        Assert.Equal(longPath[..31] + "… c", lines[1]);
        var last = Render.Columns(Gadget, ["comm", "path"], null, OpenOf(longPath)).Split('\n')[1];
        Assert.EndsWith(longPath, last);
    }

    [Fact]
    public void Control_characters_cannot_break_a_line()
    {
        var text = Render.Columns(Gadget, ["path"], null, OpenOf("/evil\nname\tx"));

        Assert.Equal(["PATH", @"/evil\x0aname\x09x", ""], text.Split('\n'));
    }

    [Fact]
    public void Json_replaces_invalid_utf8_instead_of_failing()
    {
        var bytes = Build(new OpenEvent { Header = Header(1, "cat"), PathSize = 4 }, [(byte)'/', 0xff, (byte)'x', 0]);
        var json = Render.Json(Gadget, null, bytes).Single();

        Assert.Equal("/\uFFFDx", json.GetProperty("path").GetString());
    }

    [Fact]
    public void Json_nests_container_and_pod_fields_like_the_reference()
    {
        var container = new ContainerInfo
        {
            Runtime = "containerd",
            Id = "abc123",
            Name = "web",
            PodName = "web-7d9",
            Namespace = "prod",
            K8sContainerName = "web",
            PodLabels = new Dictionary<string, string> { ["app"] = "web" },
        };
        var json = Render.Json(Gadget, container, OpenOf("/x")).Single();

        var runtime = json.GetProperty("runtime");
        Assert.Equal("containerd", runtime.GetProperty("runtimeName").GetString());
        Assert.Equal("abc123", runtime.GetProperty("containerId").GetString());
        Assert.Equal("web", runtime.GetProperty("containerName").GetString());
        var k8s = json.GetProperty("k8s");
        Assert.Equal("prod", k8s.GetProperty("namespace").GetString());
        Assert.Equal("web-7d9", k8s.GetProperty("podName").GetString());
        Assert.Equal("web", k8s.GetProperty("podLabels").GetProperty("app").GetString());
    }

    [Fact]
    public void Custom_columns_accept_nested_names_and_reject_unknown_ones()
    {
        var text = Render.Columns(Gadget, ["k8s.podName", "comm"], null, OpenOf("/x"));
        Assert.StartsWith("POD ", text);

        var error = Assert.Throws<GadgetException>(() => Render.Columns(Gadget, ["nope"], null, OpenOf("/x")));
        Assert.Contains("unknown column \"nope\"", error.Message);
    }

    [Fact]
    public void Lost_events_become_a_json_record()
    {
        var stream = new MemoryStream();
        var sink = new OutputFormat(OutputKind.Json, null).CreateSink(stream, TextWriter.Null);
        sink.Lost(42);

        var json = System.Text.Json.JsonDocument.Parse(stream.ToArray()).RootElement;
        Assert.Equal("warn", json.GetProperty("type").GetString());
        Assert.Equal(42, json.GetProperty("lostEvents").GetInt64());
    }

    [Fact]
    public void Lost_events_are_reported_on_stderr_in_columns_mode()
    {
        var errors = new StringWriter();
        var sink = OutputFormat.DefaultColumns.CreateSink(new MemoryStream(), errors);
        sink.Lost(7);

        Assert.Contains("7 events lost", errors.ToString());
    }

    [Theory]
    [InlineData("columns")]
    [InlineData("json")]
    public void The_end_of_a_run_adds_nothing_to_either_stream(string format)
    {
        // The totals are one summary line that the caller prints, also when the output was
        // closed and End never came; a line here would be a second one.
        var output = new MemoryStream();
        var errors = new StringWriter();
        var sink = OutputFormat.Parse(format).CreateSink(output, errors);
        sink.Start(new Gadget.Runtime.SinkStart(Gadget, new ParameterValues(Gadget.Parameters), ["pid"]));
        var afterStart = output.Length;
        sink.End(new Gadget.Runtime.RunSummary(90, 10, TimeSpan.Zero));

        Assert.Equal(afterStart, output.Length);
        Assert.Equal("", errors.ToString());
    }

    [Theory]
    [InlineData("columns", OutputKind.Columns, null)]
    [InlineData("json", OutputKind.Json, null)]
    [InlineData("columns=pid,comm", OutputKind.Columns, "pid,comm")]
    [InlineData("custom-columns=pid", OutputKind.Columns, "pid")]
    public void Output_formats_parse(string text, OutputKind kind, string? columns)
    {
        var format = OutputFormat.Parse(text);
        Assert.Equal(kind, format.Kind);
        Assert.Equal(columns, format.Columns is null ? null : string.Join(',', format.Columns));
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("columns=")]
    public void Bad_output_formats_are_rejected(string text) =>
        Assert.Throws<GadgetException>(() => OutputFormat.Parse(text));

    [Fact]
    public void Timestamps_are_rfc3339_with_nanoseconds()
    {
        Span<byte> buffer = stackalloc byte[40];
        var length = TimestampText.Format(1_700_000_000_123_456_789, buffer);
        Assert.Equal("2023-11-14T22:13:20.123456789Z", System.Text.Encoding.ASCII.GetString(buffer[..length]));
    }
}
