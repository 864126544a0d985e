using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gadget.Native;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Bpf;

/// <summary>Every attach kind and map operation of the libbpf binding, for real.</summary>
public sealed class BindingTests : OwningTest
{
    private const uint HitTracepoint = 0, HitRawTracepoint = 1, HitBtfTracepoint = 2, HitPerfEvent = 3, HitSocket = 4;

    private readonly BpfObject _bpf;

    // Closing the object (after each test) must free every program and map it loaded.
    public BindingTests() => _bpf = Own(KernelObjects.OpenTestObject("binding_test"));

    private void Load()
    {
        Requires.Root();
        _bpf.SetConstant("target_tgid", (uint)Environment.ProcessId);
        _bpf.Load();
    }

    private ulong Hits(uint slot) => _bpf.Map("hits").TryLookup(slot, out ulong count) ? count : 0;

    private static void ForkAChild() => Process.Start("/bin/true")!.WaitForExit();

    [Fact]
    public void Raw_and_btf_tracepoint_programs_see_this_process_fork()
    {
        Load();
        using var raw = _bpf.Program("on_fork_raw").AttachRawTracepoint("sched_process_fork");
        using var btf = _bpf.Program("on_fork_btf").AttachTrace();

        ForkAChild();
        ForkAChild();

        Assert.True(Hits(HitRawTracepoint) >= 2, $"raw tracepoint saw {Hits(HitRawTracepoint)} forks");
        Assert.True(Hits(HitBtfTracepoint) >= 2, $"BTF tracepoint saw {Hits(HitBtfTracepoint)} forks");
    }

    [Fact]
    public void A_tracepoint_program_counts_this_process_syscalls()
    {
        Load();
        using var link = _bpf.Program("on_getcwd").AttachTracepoint("syscalls", "sys_enter_getcwd");

        for (var i = 0; i < 3; i++)
            _ = Directory.GetCurrentDirectory(); // one getcwd(2) each

        Assert.True(Hits(HitTracepoint) >= 3, $"tracepoint saw {Hits(HitTracepoint)} calls");
    }

    [Fact]
    public void A_perf_event_program_receives_samples()
    {
        Load();
        var links = new List<BpfLink>();
        var events = new List<FileDescriptorHandle>();
        try
        {
            foreach (var cpu in PerfEvents.OnlineCpus())
            {
                var perf = PerfEvents.OpenCpuClockSampler(cpu, 1000);
                events.Add(perf);
                links.Add(_bpf.Program("on_sample").AttachPerfEvent(perf));
            }
            var spin = Stopwatch.StartNew();
            while (spin.ElapsedMilliseconds < 300)
                Thread.SpinWait(1000);
        }
        finally
        {
            links.ForEach(l => l.Dispose());
            events.ForEach(e => e.Dispose());
        }
        Assert.True(Hits(HitPerfEvent) > 50, $"only {Hits(HitPerfEvent)} samples in 300 ms at 1000 Hz");
    }

    [Fact]
    public void A_socket_filter_sees_the_packets_of_its_socket()
    {
        Load();
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _bpf.Program("on_packet").AttachToSocket(receiver);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        for (var i = 0; i < 3; i++)
            sender.SendTo("ping"u8.ToArray(), receiver.LocalEndPoint!);
        var buffer = new byte[16];
        for (var i = 0; i < 3; i++)
            Assert.Equal(4, receiver.Receive(buffer));

        Assert.Equal(3UL, Hits(HitSocket));
    }

    [Fact]
    public void An_iterator_program_lists_tasks_when_read()
    {
        Load();
        using var link = _bpf.Program("dump_tasks").AttachIterator();
        using var reader = new StreamReader(link.OpenIterator());

        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(lines, l => l.StartsWith($"{Environment.ProcessId} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l == "2 kthreadd");
        Assert.True(lines.Length > 20, $"only {lines.Length} tasks listed");
    }

    [Fact]
    public void Maps_can_be_updated_iterated_and_emptied()
    {
        Load();
        var map = _bpf.Map("scratch_keys");
        for (var key = 1u; key <= 5; key++)
            map.Update(key, (ulong)key * 10);

        Assert.Equal([1u, 2u, 3u, 4u, 5u], map.Keys<uint>().Order());
        Assert.True(map.TryLookup(3u, out ulong value));
        Assert.Equal(30UL, value);
        Assert.True(map.Delete(3u));
        Assert.False(map.Delete(3u));
        Assert.False(map.TryLookup(3u, out ulong _));
        Assert.Equal(4, map.Keys<uint>().Count);
    }

    [Fact]
    public void A_hash_map_is_read_whole_and_then_taken_whole_in_batches()
    {
        Load();
        var map = _bpf.Map("scratch_keys");
        // More entries than one batch would hold if batches were small, all of the map's room.
        for (var key = 1u; key <= 64; key++)
            map.Update(key, (ulong)key * 10);

        var read = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(64, map.ReadAll(read));
        Assert.Equal(Enumerable.Range(1, 64).Select(k => (uint)k), read.Select(e => e.Key).Order());
        Assert.All(read, e => Assert.Equal(e.Key * 10UL, e.Value));
        Assert.Equal(64, map.Keys<uint>().Count);

        var taken = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(64, map.TakeAll(taken));
        Assert.Equal(read.OrderBy(e => e.Key), taken.OrderBy(e => e.Key));
        Assert.Empty(map.Keys<uint>());

        // An empty map reads as nothing, and what is added after a take is there for the next one.
        Assert.Equal(0, map.TakeAll(taken));
        map.Update(7u, 70UL);
        var next = new List<KeyValuePair<uint, ulong>>();
        Assert.Equal(1, map.TakeAll(next));
        Assert.Equal(new KeyValuePair<uint, ulong>(7, 70), Assert.Single(next));
    }

    [Fact]
    public void A_map_pinned_by_name_is_in_the_bpf_file_system_until_unpinned()
    {
        Load();
        var map = _bpf.Map("scratch_keys");
        var path = $"/sys/fs/bpf/igtest-pin-{Environment.ProcessId}";
        map.Pin(path);
        try
        {
            Assert.True(File.Exists(path), $"{path} is not there");
            Assert.True(map.IsPinned);
        }
        finally
        {
            map.Unpin(path);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Reading_a_map_with_the_wrong_entry_types_is_refused()
    {
        Load();
        var error = Assert.Throws<ArgumentException>(() => _bpf.Map("scratch_keys").ReadAll(new List<KeyValuePair<ulong, ulong>>()));
        Assert.Contains("4-byte keys", error.Message);
    }

    [Fact]
    public void Errors_carry_libbpfs_message_and_errno()
    {
        Load();
        var error = Assert.Throws<LibbpfException>(() => _bpf.Program("on_getcwd").AttachTracepoint("syscalls", "sys_enter_no_such_call"));

        Assert.Equal(2, error.Errno); // ENOENT
        Assert.Contains("No such file or directory", error.Message);
        Assert.Throws<InvalidOperationException>(() => _bpf.Map("hits").MaxEntries = 10);
    }

    [Fact]
    public void Unknown_constants_and_wrong_sizes_are_refused_before_load()
    {
        Requires.Root();
        Assert.Throws<KeyNotFoundException>(() => _bpf.SetConstant("no_such_constant", 1u));
        Assert.Throws<ArgumentException>(() => _bpf.SetConstant("target_tgid", 1UL));
    }
}
