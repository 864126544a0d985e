using System.Diagnostics;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Native;

namespace Gadget.IntegrationTests.Hostile;

/// <summary>Real Docker containers whose /etc/passwd (read for trace exec's `user`) is a FIFO,
/// a 1 GiB sparse file, a symlink loop, a symlink to /dev/zero, or an absolute symlink to a
/// host file the test made: ig neither hangs, nor crashes, nor reads outside the container's
/// root; the name is empty there, and right for a container with a normal file. Each case runs
/// with openat2 and with the component walk older kernels get.</summary>
public sealed class HostileContainerFilesTests : OwningTest
{
    /// <summary>root: busybox has no way to take a uid without reading /etc/passwd, and runc
    /// (docker exec) itself hangs on a FIFO there, so the hostile container runs its own execs.</summary>
    private const int Uid = 0;

    private readonly string _hostFile;

    public HostileContainerFilesTests()
    {
        // A host file with a name for the uid: if it is ever read, the name shows.
        _hostFile = Path.Combine(OwnTempDirectory(), "host-passwd");
        File.WriteAllText(_hostFile, $"hostsecret:x:{Uid}:{Uid}::/:/bin/sh\n");
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var walk in (bool[])[false, true])
        {
            foreach (var name in (string[])["fifo", "sparse", "loop", "dev-zero", "host-file"])
                data.Add(name, walk);
        }
        return data;
    }

    /// <summary>The shell commands that make the container's /etc/passwd hostile.</summary>
    private string Setup(string name) => name switch
    {
        "fifo" => "rm /etc/passwd && mkfifo /etc/passwd",
        "sparse" => "rm /etc/passwd && truncate -s 1G /etc/passwd",
        "loop" => "rm /etc/passwd && ln -s /etc/passwd2 /etc/passwd && ln -s /etc/passwd /etc/passwd2",
        "dev-zero" => "rm /etc/passwd && ln -s /dev/zero /etc/passwd",
        "host-file" => $"rm /etc/passwd && ln -s {_hostFile} /etc/passwd",
        _ => throw new ArgumentException(name),
    };

    private DockerContainer Container(string setup) =>
        Own(DockerContainer.Run(command: ["sh", "-c", $"{setup} && echo ready > /tmp/ready && exec sleep 600"]));

    /// <summary>A container that makes its /etc/passwd hostile (runc, Docker's own reader, reads
    /// it at start and would hang on a FIFO: a container can only do it once running), then
    /// execs `echo MARKER hostile` every 200 ms. Returns once the file is hostile.</summary>
    private DockerContainer HostileContainer(string setup, string marker)
    {
        var container = Own(DockerContainer.Run(command: ["sh", "-c", $"{setup} && : > /tmp/ready && while true; do /bin/echo {marker} hostile; sleep 0.2; done"]));
        // Asked through /proc, not `docker exec`: runc's exec would read the hostile file too.
        var pid = container.Pid;
        Poll.Until(() => File.Exists($"/proc/{pid}/root/tmp/ready"), $"{container.Name} to be ready", TimeSpan.FromSeconds(30));
        return container;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_passwd_names_nobody_and_blocks_nothing(string name, bool walk)
    {
        Requires.Root();
        ConfinedFile.ForceComponentWalk = walk;
        try
        {
            var marker = Paths.UniqueName("h");
            var normal = Container("true");
            WaitReady(normal);
            // Running before ig starts, its file hostile already: ig reads it at its start.
            var hostile = HostileContainer(Setup(name), marker);
            using var session = RunningGadget.StartWithContainers(new ExecGadget(), new ContainerSelector());

            // Execs after the first: by then the file was looked at, whatever it is.
            var bad = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "hostile"]) && e.Num("pid") > 0, "the hostile container's execs");
            Thread.Sleep(500);
            var later = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "hostile"]) && e.Num("timestamp") > bad.Num("timestamp") + 300_000_000, "a later exec in the hostile container", TimeSpan.FromSeconds(30));
            // After them, a normal container still gets its name: the loader did not hang.
            normal.Exec("/bin/echo", marker, "normal");
            var good = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker, "normal"]), "the exec in the normal container");

            Assert.Equal(hostile.Id, later.Str("runtime", "containerId"));
            Assert.Equal(Uid, later.Num("uid"));
            Assert.Null(bad.Str("user")); // empty: omitted, never "hostsecret"
            Assert.Null(later.Str("user"));
            Assert.Equal(normal.Id, good.Str("runtime", "containerId"));
            Assert.Equal("root", good.Str("user"));
        }
        finally
        {
            ConfinedFile.ForceComponentWalk = false;
        }
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("dev-zero")]
    [InlineData("sparse")]
    public void Ig_stops_on_sigint_with_a_hostile_passwd(string name)
    {
        Requires.Root();
        var marker = Paths.UniqueName("s");
        var hostile = HostileContainer(Setup(name), marker);
        using var ig = IgProcess.Start("trace", "exec", "-c", hostile.Name, "--paths");
        ig.WaitForLine(l => l.StartsWith("CONTAINER", StringComparison.Ordinal), "with the header", TimeSpan.FromSeconds(30));

        var line = ig.WaitForLine(l => l.Contains(marker, StringComparison.Ordinal), "for the exec", TimeSpan.FromSeconds(30));
        var rss = RssKiB(ig.Pid);
        ig.Signal("INT");

        Assert.Equal(0, ig.WaitForExit(TimeSpan.FromSeconds(15)));
        Assert.Contains($" {Uid} ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hostsecret", line, StringComparison.Ordinal);
        // Nothing of a 1 GiB file (or /dev/zero) was read into memory.
        Assert.True(rss < 200_000, $"RSS {rss} KiB");
    }

    private static void WaitReady(DockerContainer container) =>
        Poll.Until(() => Shell.TryRun("docker", null, TimeSpan.FromSeconds(10), "exec", container.Name, "cat", "/tmp/ready").ExitCode == 0,
            $"{container.Name} to be ready", TimeSpan.FromSeconds(30));

    private static long RssKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
