using System.Globalization;
using System.Text.Json;
using Gadget.Gadgets.Top.Tcp;
using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Top;

/// <summary>top tcp against the real kernel: transfers of known sizes between two processes over
/// the loopback of a container's own network namespace (nothing leaves it), reported with the
/// exact bytes both ways, each end by its own process, attributed to the container.</summary>
public sealed class TopTcpTests : IDisposable
{
    private const ulong ClientBytes = 1 << 20;      // 1 MiB from the client
    private const ulong ServerBytes = 300 * 1024;   // 300 KiB back

    public void Dispose()
    {
        if (Gadget.Native.Privileges.IsRoot)
            KernelObjects.AssertNoneLoaded();
    }

    /// <summary>A transfer held at its end: the host pids of both ends, and their ports.</summary>
    private sealed record Transfer(int ServerPid, int ClientPid, TopIoRun Output, string Release)
    {
        public (int Server, int Client) Ports()
        {
            System.IO.File.WriteAllText(Release, "");
            var lines = Output.Lines();
            var done = lines.Single(l => l.Verb == "done");
            Assert.Equal((long)ClientBytes, long.Parse(done.Values["server_received"], CultureInfo.InvariantCulture));
            Assert.Equal((long)ServerBytes, long.Parse(done.Values["client_received"], CultureInfo.InvariantCulture));
            return (lines.Single(l => l.Verb == "server").Int("port"), lines.Single(l => l.Verb == "client").Int("port"));
        }
    }

    /// <summary>Runs a transfer in the site's container and waits until both ends are done.</summary>
    private static Transfer RunHeld(TopIoSite site, int version, string address)
    {
        var hold = site.Gate(Paths.UniqueName("hold"));
        var output = site.Start("tcp", version.ToString(CultureInfo.InvariantCulture), address,
            ClientBytes.ToString(CultureInfo.InvariantCulture), ServerBytes.ToString(CultureInfo.InvariantCulture), "hold=" + hold.Inside);
        Poll.Until(() => (System.IO.File.Exists(hold.OnHost + ".server") && System.IO.File.Exists(hold.OnHost + ".client")) || output.IsCompleted,
            "both ends to finish", TimeSpan.FromSeconds(30));
        if (output.IsCompleted)
            output.Lines();
        var pids = site.HelperPids();
        Assert.Equal(2, pids.Count);
        // The gate files hold each end's pid as its container sees it; NSpid maps them.
        var serverInContainer = int.Parse(System.IO.File.ReadAllText(hold.OnHost + ".server").Trim(), CultureInfo.InvariantCulture);
        var server = pids.Single(p => PidInContainer(p) == serverInContainer);
        return new Transfer(server, pids.Single(p => p != server), output, hold.OnHost);
    }

    /// <summary>The pid a host process has in its own pid namespace (the last of /proc/PID/status's NSpid).</summary>
    private static int PidInContainer(int hostPid)
    {
        var line = System.IO.File.ReadLines($"/proc/{hostPid}/status").Single(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
        return int.Parse(line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>The rows of one end of the transfer, which must all be of that connection.</summary>
    private static List<JsonElement> End(IEnumerable<JsonElement> frames, TopIoSite site, int pid) =>
        TopFrames.Rows(frames, r => r.Str("comm") == site.HelperName && r.Num("pid") == pid);

    private static void AssertEnd(List<JsonElement> rows, TopIoSite site, RunningGadget session, int version, string address, int localPort, int remotePort, ulong sent, ulong received)
    {
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            Assert.Equal(version, row.Num("ipversion"));
            Assert.Equal(address, row.GetProperty("src").Str("addr"));
            Assert.Equal(localPort, row.GetProperty("src").Num("port"));
            Assert.Equal(version, row.GetProperty("src").Num("version"));
            Assert.Equal(address, row.GetProperty("dst").Str("addr"));
            Assert.Equal(remotePort, row.GetProperty("dst").Num("port"));
            Assert.Equal(site.NetworkNamespace, (ulong)row.Num("netnsid"));
            site.AssertAttributed(row, session);
        });
        Assert.Equal(sent, rows.Sum("sent"));
        Assert.Equal(received, rows.Sum("received"));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("ctr")]
    [InlineData("cri")]
    public void Reports_the_exact_bytes_of_both_ends_of_a_loopback_transfer_in_the_container(string runtime)
    {
        Requires.Root();
        using var site = TopIoSite.Start(runtime);
        using var other = TopIoSite.Start("docker");
        using var session = RunningGadget.StartWithContainers(new TcpGadget(), site.Selector, ("max-rows", "1000"));
        using var otherSession = RunningGadget.StartWithContainers(new TcpGadget(), other.Selector, ("max-rows", "1000"));

        var transfer = RunHeld(site, 4, "127.0.0.1");
        var otherTransfer = RunHeld(other, 4, "127.0.0.1");
        var frames = TopFrames.Through(session);
        var otherFrames = TopFrames.Through(otherSession);
        var (serverPort, clientPort) = transfer.Ports();
        var otherPorts = otherTransfer.Ports();

        AssertEnd(End(frames, site, transfer.ServerPid), site, session, 4, "127.0.0.1", serverPort, clientPort, sent: ServerBytes, received: ClientBytes);
        AssertEnd(End(frames, site, transfer.ClientPid), site, session, 4, "127.0.0.1", clientPort, serverPort, sent: ClientBytes, received: ServerBytes);
        Assert.Empty(TopFrames.Rows(frames, r => r.Str("comm") == site.HelperName && r.Num("pid") != transfer.ServerPid && r.Num("pid") != transfer.ClientPid));
        // Each session saw its own container only.
        Assert.Empty(TopFrames.Rows(frames, r => r.Str("comm") == other.HelperName));
        Assert.Empty(TopFrames.Rows(otherFrames, r => r.Str("comm") == site.HelperName));
        AssertEnd(End(otherFrames, other, otherTransfer.ClientPid), other, otherSession, 4, "127.0.0.1", otherPorts.Client, otherPorts.Server,
            sent: ClientBytes, received: ServerBytes);
    }

    [Fact]
    public void Family_keeps_one_ip_version_in_the_kernel()
    {
        Requires.Root();
        using var site = TopIoSite.Start("docker");
        using var v6 = RunningGadget.StartWithContainers(new TcpGadget(), site.Selector, ("family", "6"));
        using var v4 = RunningGadget.StartWithContainers(new TcpGadget(), site.Selector, ("family", "4"));

        var over6 = RunHeld(site, 6, "::1");
        var v6Ports = over6.Ports();
        var over4 = RunHeld(site, 4, "127.0.0.1");
        var v6Frames = TopFrames.Through(v6);
        var v4Frames = TopFrames.Through(v4);
        var v4Ports = over4.Ports();

        AssertEnd(End(v6Frames, site, over6.ServerPid), site, v6, 6, "::1", v6Ports.Server, v6Ports.Client, sent: ServerBytes, received: ClientBytes);
        AssertEnd(End(v6Frames, site, over6.ClientPid), site, v6, 6, "::1", v6Ports.Client, v6Ports.Server, sent: ClientBytes, received: ServerBytes);
        Assert.Empty(TopFrames.Rows(v6Frames, r => r.Num("ipversion") != 6));
        AssertEnd(End(v4Frames, site, over4.ServerPid), site, v4, 4, "127.0.0.1", v4Ports.Server, v4Ports.Client, sent: ServerBytes, received: ClientBytes);
        Assert.Empty(TopFrames.Rows(v4Frames, r => r.Num("ipversion") != 4));
    }

    [Fact]
    public void Pid_keeps_one_process_in_the_kernel()
    {
        Requires.Root();
        using var site = TopIoSite.Start("docker");
        var start = site.Gate(Paths.UniqueName("go"));
        var hold = site.Gate(Paths.UniqueName("hold"));
        var output = site.Start("tcp", "4", "127.0.0.1", ClientBytes.ToString(CultureInfo.InvariantCulture), ServerBytes.ToString(CultureInfo.InvariantCulture),
            "start=" + start.Inside, "hold=" + hold.Inside);
        Poll.Until(() => site.HelperPids().Count == 1, "the server to wait for its start", TimeSpan.FromSeconds(30));
        var server = site.HelperPids()[0];
        using var session = RunningGadget.StartWithContainers(new TcpGadget(), site.Selector, ("pid", server.ToString(CultureInfo.InvariantCulture)));

        System.IO.File.WriteAllText(start.OnHost, "");
        Poll.Until(() => System.IO.File.Exists(hold.OnHost + ".server") && System.IO.File.Exists(hold.OnHost + ".client"), "both ends to finish", TimeSpan.FromSeconds(30));
        var client = site.HelperPids().Single(p => p != server);
        var frames = TopFrames.Through(session);
        var transfer = new Transfer(server, client, output, hold.OnHost);
        var (serverPort, clientPort) = transfer.Ports();

        AssertEnd(End(frames, site, server), site, session, 4, "127.0.0.1", serverPort, clientPort, sent: ServerBytes, received: ClientBytes);
        Assert.Empty(TopFrames.Rows(frames, r => r.Num("pid") != server));
    }

    [Fact]
    public void The_kprobe_alternative_for_kernels_before_6_3_passes_the_verifier()
    {
        Requires.Root();
        // This kernel has no kprobes to attach, but it loads kprobe programs (uprobes share the type).
        Assert.True(Gadget.Native.KernelFeatures.HasProgramType(Gadget.Native.BpfProgramType.Kprobe), "this kernel cannot load kprobe programs");
        using (var bpf = Gadget.Gadgets.EmbeddedBpf.Open("tcptop.bpf.o", "ig_tcp"))
        {
            foreach (var name in TcpRun.TracepointPrograms)
                bpf.Program(name).Autoload = false;
            foreach (var name in TcpRun.KprobePrograms)
                bpf.Program(name).Autoload = true;

            bpf.Load();

            Assert.All(TcpRun.KprobePrograms, name => Assert.True(bpf.Program(name).Fd > 0));
        }
        KernelObjects.AssertNoneLoaded();
    }
}
