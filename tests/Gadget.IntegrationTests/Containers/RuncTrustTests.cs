using System.Globalization;
using Gadget.Containers;
using Gadget.Gadgets.Trace.Exec;
using Gadget.IntegrationTests.Infrastructure;
using Gadget.Runtime;

namespace Gadget.IntegrationTests.Containers;

/// <summary>Containers are learnt only from root's runc and from files only root can have
/// written: another user's runc, or root's runc pointed at another user's state, can neither
/// rename nor hide a real container; a state.json that is a FIFO stalls nothing.</summary>
public sealed class RuncTrustTests
{
    private const string Runc = "/usr/sbin/runc";
    private const int Nobody = 65534;

    [Fact]
    public void An_unprivileged_users_runc_and_state_neither_rename_nor_hide_a_container()
    {
        Requires.Root();
        using var web = DockerContainer.Run();
        using var site = ForgedState.Create(web.Pid, owner: Nobody);
        using var watch = Watch(new ContainerSelector());

        // As nobody, the real runc started on the forged state (it fails; what matters is its exec).
        Shell.TryRun("setpriv", null, TimeSpan.FromSeconds(30),
            "--reuid", "65534", "--regid", "65534", "--clear-groups", Runc, "--root", site.Root, "start", site.Id);
        // Root's next start is seen after it, in the order the kernel reported.
        AssertFirstExecAttributed(watch.Session);

        AssertUnchanged(watch, web, site);
    }

    [Fact]
    public void Roots_runc_on_a_state_that_root_does_not_own_is_not_believed()
    {
        Requires.Root();
        using var web = DockerContainer.Run();
        using var site = ForgedState.Create(web.Pid, owner: Nobody);
        using var watch = Watch(new ContainerSelector { ContainerName = web.Name });

        Shell.TryRun(Runc, null, TimeSpan.FromSeconds(30), "--root", site.Root, "start", site.Id);

        var line = watch.WaitForVerbose($"runc start {site.Id}:");
        Assert.Contains("belongs to uid 65534", line, StringComparison.Ordinal);
        AssertUnchanged(watch, web, site);
    }

    [Fact]
    public void A_state_json_that_is_a_fifo_stalls_nothing()
    {
        Requires.Root();
        var bound = ContainerStarts.MeasureBound();
        using var site = ForgedState.Create(pid: 1, owner: 0, fifo: true);
        using var watch = Watch(new ContainerSelector());

        // runc itself would wait on the FIFO for ever: `timeout` ends each one.
        Parallel.For(0, 10, _ => Shell.TryRun("timeout", null, TimeSpan.FromSeconds(30), "1", Runc, "--root", site.Root, "start", site.Id));

        Poll.Until(() => watch.VerboseLines($"runc start {site.Id}:").Count == 10, "ig to refuse all ten states");
        Assert.All(watch.VerboseLines($"runc start {site.Id}:"), l => Assert.Contains("is not a regular file", l, StringComparison.Ordinal));
        ContainerStarts.AssertWithin(bound, "after ten runc starts on a FIFO state");
        AssertFirstExecAttributed(watch.Session);
    }

    private static void AssertFirstExecAttributed(RunningGadget session)
    {
        var marker = Paths.UniqueName("m");
        using var container = DockerContainer.Run(command: ["/bin/echo", marker]);
        var e = session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the first exec of root's new container");
        Assert.Equal(container.Name, e.Str("runtime", "containerName"));
    }

    private static void AssertUnchanged(Watcher watch, DockerContainer web, ForgedState site)
    {
        var marker = Paths.UniqueName("m");
        web.Exec("/bin/echo", marker);
        var e = watch.Session.WaitFor(e => e.Strings("args").SequenceEqual(["/bin/echo", marker]), "for the exec in the real container");
        Assert.Equal(web.Name, e.Str("runtime", "containerName"));
        Assert.Null(e.Str("k8s", "podName"));
        Assert.Null(watch.Scope.Containers.FindById(site.Id));
        Assert.DoesNotContain(watch.Scope.Containers.Snapshot(), c => c.PodName == ForgedState.PodName || c.Name == ForgedState.ContainerName);
    }

    private static Watcher Watch(ContainerSelector selector)
    {
        var verbose = new Lines();
        var scope = ContainerScope.Start(selector, new DiscoveryOptions(), TextWriter.Null, verbose);
        try
        {
            scope.WaitReady();
            var gadget = new ExecGadget();
            return new Watcher(scope, verbose, RunningGadget.Start(gadget, new RunOptions { Parameters = RunningGadget.Parameters(gadget), Scope = scope }));
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    private sealed record Watcher(ContainerScope Scope, Lines Verbose, RunningGadget Session) : IDisposable
    {
        public List<string> VerboseLines(string containing) => Verbose.Snapshot().Where(l => l.Contains(containing, StringComparison.Ordinal)).ToList();

        public string WaitForVerbose(string containing)
        {
            Poll.Until(() => VerboseLines(containing).Count > 0, $"ig to say \"{containing}\"");
            return VerboseLines(containing)[0];
        }

        public void Dispose()
        {
            Session.Dispose();
            Scope.Dispose();
        }
    }

    /// <summary>A verbose writer whose lines a test can read while ig writes.</summary>
    private sealed class Lines : TextWriter
    {
        private readonly List<string> _lines = [];
        private readonly System.Text.StringBuilder _partial = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public List<string> Snapshot()
        {
            lock (_lines)
                return [.. _lines];
        }

        public override void Write(char value)
        {
            lock (_lines)
            {
                if (value == '\n')
                {
                    _lines.Add(_partial.ToString());
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }
    }

    /// <summary>A runc state directory as an attacker lays it out: its state names a real
    /// container's init process and a bundle whose annotations make it a pod's container.</summary>
    private sealed class ForgedState : IDisposable
    {
        public const string PodName = "evil-pod";
        public const string ContainerName = "evil";

        private readonly string _dir;

        private ForgedState(string dir, string id)
        {
            _dir = dir;
            Id = id;
        }

        public string Id { get; }

        public string Root => Path.Combine(_dir, "root");

        public static ForgedState Create(int pid, int owner, bool fifo = false)
        {
            var dir = Paths.NewTempDirectory();
            var id = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
            var site = new ForgedState(dir, id);
            var bundle = Path.Combine(dir, "bundle");
            Directory.CreateDirectory(Path.Combine(site.Root, id));
            Directory.CreateDirectory(bundle);
            var state = Path.Combine(site.Root, id, "state.json");
            if (fifo)
            {
                Shell.Run("mkfifo", state);
            }
            else
            {
                File.WriteAllText(state, "{\"id\":\"" + id + "\",\"init_process_pid\":" + pid.ToString(CultureInfo.InvariantCulture) +
                    ",\"config\":{\"labels\":[\"bundle=" + bundle + "\"]}}");
            }
            File.WriteAllText(Path.Combine(bundle, "config.json"),
                "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.container-name\":\"" + ContainerName +
                "\",\"io.kubernetes.cri.sandbox-name\":\"" + PodName + "\",\"io.kubernetes.cri.sandbox-namespace\":\"evil-ns\"}}");
            Shell.Run("chown", "-R", $"{owner}:{owner}", dir);
            return site;
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
