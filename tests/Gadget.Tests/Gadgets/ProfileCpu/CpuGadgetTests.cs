using System.Text;
using System.Text.Json;
using Gadget.Gadgets;
using Gadget.Gadgets.Profile.Cpu;
using Gadget.Gadgets.Profile.Cpu.Symbols;
using Gadget.Output;
using Gadget.Runtime;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>profile cpu without a kernel: its parameters and checks, the key's layout against
/// the BTF, and reports built by hand through the real sinks.</summary>
public class CpuGadgetTests
{
    private static readonly CpuGadget Gadget = new();

    private static ParameterValues With(params (string Key, string Value)[] values) =>
        new(Gadget.Parameters, values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)));

    private static StackRow Row(uint pid, string comm, ulong count, string[] user, string[] kernel) =>
        new() { Header = RecordBuilder.Header(pid, comm), Count = count, UserStack = user, KernelStack = kernel };

    private static Frame Report()
    {
        var frame = new Frame(null, 0);
        frame.Add(Row(7, "burn", 2, ["write", "main"], ["vfs_write", "ksys_write", "do_syscall_64"]));
        frame.Add(Row(7, "burn", 40, ["hot_inner", "outer_loop", "main"], []));
        return frame;
    }

    private static string Render(string format, ParameterValues? parameters = null)
    {
        var output = new MemoryStream();
        var sink = OutputFormat.Parse(format).CreateSink(output, TextWriter.Null);
        var values = parameters ?? With();
        sink.Start(new SinkStart(Gadget, values, Gadget.DefaultColumns(values)));
        sink.Frame(Report());
        sink.End(new RunSummary(2, 0, TimeSpan.Zero));
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void Parameters_are_the_references_and_a_frequency()
    {
        var byKey = Gadget.Parameters.ToDictionary(p => p.Key);

        Assert.Equal(GadgetKind.Profile, Gadget.Kind);
        Assert.Equal("profile cpu", Gadget.FullName);
        Assert.Equal("Analyze CPU performance by sampling stack traces", Gadget.Description);
        Assert.Equal('U', byKey["user-stack"].Alias);
        Assert.Equal("false", byKey["user-stack"].DefaultValue);
        Assert.Equal('K', byKey["kernel-stack"].Alias);
        Assert.Equal("false", byKey["kernel-stack"].DefaultValue);
        Assert.Equal('F', byKey["frequency"].Alias);
        Assert.Equal("49", byKey["frequency"].DefaultValue);
        Assert.Null(byKey["flamegraph"].DefaultValue);
        Assert.Equal(["comm", "pid", "count"], Gadget.DefaultColumns(With()));
    }

    [Fact]
    public void Bad_combinations_are_one_error_line()
    {
        Assert.Equal("-U and -K can't be used at the same time",
            Assert.Throws<GadgetException>(() => Gadget.Validate(With(("user-stack", "true"), ("kernel-stack", "true")))).Message);
        Assert.Contains("is above the kernel's limit", Assert.Throws<GadgetException>(() => Gadget.Validate(With(("frequency", "4000000000")))).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<GadgetException>(() => Gadget.Validate(With(("flamegraph", "/no/such/dir/cpu.svg")))).Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", Assert.Throws<GadgetException>(() => Gadget.Validate(With(("flamegraph", "/tmp")))).Message, StringComparison.Ordinal);
        Assert.Equal("a number of samples per second above 0", Gadget.Parameters.Single(p => p.Key == "frequency").Validator!("0"));
        Gadget.Validate(With(("frequency", "99"), ("kernel-stack", "true")));
    }

    [Fact]
    public void The_key_mirrors_its_btf()
    {
        using var bpf = EmbeddedBpf.Open("profile_cpu.bpf.o", "ig_cpu");
        var members = bpf.Btf.GetStructMembers("profile_cpu_key")!;

        Assert.Equal(
            ["kernel_ip:0:8", "mntns_id:8:8", "pid:16:4", "user_stack_id:20:4", "kern_stack_id:24:4", "comm:28:16", "pad:44:4"],
            members.Select(m => $"{m.Name}:{m.Offset}:{m.Size}"));
        Assert.Equal(48, System.Runtime.CompilerServices.Unsafe.SizeOf<ProfileCpuKey>());
        Assert.Equal(48, bpf.Btf.GetStructSize("profile_cpu_key"));
        Assert.Equal(
            [0, 8, 16, 20, 24, 28, 44],
            typeof(ProfileCpuKey).GetFields().Select(f => (int)System.Runtime.InteropServices.Marshal.OffsetOf<ProfileCpuKey>(f.Name)));
    }

    [Fact]
    public void The_stack_map_holds_many_seconds_of_samples_within_a_cap()
    {
        Assert.Equal(8192u, CpuRun.StackMapEntries(2, 49));
        Assert.Equal(16384u, CpuRun.StackMapEntries(8, 49));
        Assert.Equal(32768u, CpuRun.StackMapEntries(64, 49));
        Assert.Equal(32768u, CpuRun.StackMapEntries(2, 100_000));
    }

    [Fact]
    public void Columns_put_each_rows_frames_under_it_kernel_then_user_root_first()
    {
        var lines = Render("columns").Split('\n');

        Assert.Matches(@"^COMM\s+PID\s+COUNT$", lines[0]);
        Assert.Matches(@"^burn\s+7\s+2$", lines[1]);
        Assert.Equal(["\tdo_syscall_64", "\tksys_write", "\tvfs_write", "\tmain", "\twrite"], lines[2..7]);
        Assert.Matches(@"^burn\s+7\s+40$", lines[7]);
        Assert.Equal(["\tmain", "\touter_loop", "\thot_inner"], lines[8..11]);
    }

    [Fact]
    public void Chosen_columns_keep_the_frames()
    {
        var output = new MemoryStream();
        var sink = new OutputFormat(OutputKind.Columns, ["count"]).CreateSink(output, TextWriter.Null);
        sink.Start(SinkStart.For(Gadget));
        sink.Frame(Report());

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Matches(@"^\s*COUNT$", lines[0]);
        Assert.Matches(@"^\s*2$", lines[1]);
        Assert.Equal("\tdo_syscall_64", lines[2]);
    }

    [Fact]
    public void Json_is_an_object_a_line_with_the_reference_fields()
    {
        var lines = Render("json").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("burn", first.GetProperty("comm").GetString());
        Assert.Equal(7, first.GetProperty("pid").GetInt32());
        Assert.Equal(2, first.GetProperty("count").GetInt32());
        Assert.Equal(["write", "main"], first.GetProperty("userStack").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["vfs_write", "ksys_write", "do_syscall_64"], first.GetProperty("kernelStack").EnumerateArray().Select(e => e.GetString()));
        var second = JsonDocument.Parse(lines[1]).RootElement;
        Assert.False(second.TryGetProperty("kernelStack", out _)); // empty: left out, as omitempty does
    }

    [Fact]
    public void Folded_output_comes_through_its_sink()
    {
        Assert.Equal("burn;main;outer_loop;hot_inner 40\nburn;main;write;do_syscall_64;ksys_write;vfs_write 2\n", Render("folded"));
        Gadget.Validate(With());
        OutputFormat.Parse("folded").Check(Gadget);
        var exec = GadgetCatalog.Find("trace", "exec")!;
        Assert.Equal("--output folded is for gadgets that sample stacks (profile cpu), not trace exec",
            Assert.Throws<GadgetException>(() => OutputFormat.Parse("folded").Check(exec)).Message);
    }

    [Theory]
    [InlineData("columns")]
    [InlineData("json")]
    [InlineData("folded")]
    public void The_flame_graph_is_written_whatever_the_output(string format)
    {
        var path = Path.Combine(Path.GetTempPath(), $"igt-flame-{Guid.NewGuid():N}.svg");
        try
        {
            Render(format, With(("flamegraph", path), ("frequency", "99")));

            var svg = File.ReadAllText(path);
            Assert.Contains("<title>hot_inner (40 samples, 95.24%)</title>", svg, StringComparison.Ordinal);
            Assert.Contains("42 samples at 99 Hz", svg, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Samples_whose_frames_read_the_same_become_one_row_and_the_hottest_comes_last()
    {
        var kernel = KernelSymbols.Parse(new StringReader("ffffffff81000000 T entry\nffffffff81001000 T vfs_read\n"));
        var comm = RecordBuilder.Comm("burn");
        var samples = new Dictionary<RawStack, ulong>
        {
            // Two interrupted addresses in vfs_read, called from the same place: one row of 5.
            [new RawStack(1, 7, comm, [], [0xffffffff81001010, 0xffffffff81000020])] = 2,
            [new RawStack(1, 7, comm, [], [0xffffffff81001020, 0xffffffff81000020])] = 3,
            [new RawStack(1, 7, comm, [0x1234], [])] = 9,
            [new RawStack(1, 8, comm, [0x1234], [])] = 1,
        };

        using var symbolizer = new UserSymbolizer();
        var rows = StackReport.Build(samples, symbolizer, kernel, 5);

        Assert.Equal([(8u, 1UL), (7u, 5UL), (7u, 9UL)], rows.Select(r => (r.Header.Pid, r.Count)));
        Assert.Equal(["vfs_read", "entry"], rows[1].KernelStack);
        // A process never read: its user frames are raw addresses.
        Assert.Equal(["0x1234"], rows[2].UserStack);
        Assert.All(rows, r => Assert.Equal(5UL, r.Header.Timestamp));
        Assert.All(rows, r => Assert.Equal(1UL, r.Header.MntnsId));
    }
}
