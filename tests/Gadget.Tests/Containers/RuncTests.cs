using Gadget.Containers.Runtimes.Runc;

namespace Gadget.Tests.Containers;

public class RuncTests
{
    [Fact]
    public void A_containerd_shim_start_command()
    {
        var command = RuncCommand.TryParse(["runc", "--root", "/run/containerd/runc/k8s.io", "--log", "/x/log.json", "--log-format", "json", "start", "abc123"]);

        Assert.Equal(new RuncCommand("start", "abc123", "/run/containerd/runc/k8s.io"), command);
    }

    [Fact]
    public void A_create_command_with_flags_after_the_subcommand()
    {
        var command = RuncCommand.TryParse(["/usr/sbin/runc", "--root=/run/docker/runtime-runc/moby", "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "id9"]);

        Assert.Equal(new RuncCommand("create", "id9", "/run/docker/runtime-runc/moby"), command);
    }

    [Fact]
    public void Default_root_and_non_runc_commands()
    {
        Assert.Equal(RuncCommand.DefaultRoot, RuncCommand.TryParse(["runc", "start", "x"])!.Root);
        Assert.Null(RuncCommand.TryParse(["containerd-shim-runc-v2", "start"]));
        Assert.Null(RuncCommand.TryParse(["runc", "--version"]));
    }

    [Fact]
    public void State_and_annotations_describe_a_cri_container()
    {
        var root = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var bundle = Path.Combine(root, "io.containerd.runtime.v2.task", "k8s.io", "c1");
            Directory.CreateDirectory(bundle);
            Directory.CreateDirectory(Path.Combine(root, "state", "c1"));
            File.WriteAllText(Path.Combine(root, "state", "c1", "state.json"),
                $$$"""{"id":"c1","init_process_pid":{{{Environment.ProcessId}}},"config":{"labels":["bundle={{{bundle}}}"]}}""");
            File.WriteAllText(Path.Combine(bundle, "config.json"), """
                {"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.container-name":"web",
                 "io.kubernetes.cri.sandbox-name":"web-pod","io.kubernetes.cri.sandbox-namespace":"prod",
                 "io.kubernetes.cri.sandbox-uid":"u1","io.kubernetes.cri.image-name":"img:1"}}
                """);

            // Files of this test's user: trusted as if they were root's.
            var state = RuncState.TryRead(Path.Combine(root, "state"), "c1", out var problem, Gadget.Native.Privileges.EffectiveUid);
            Assert.True(state is not null, problem);
            var container = RuncWatcher.Describe("c1", state)!;

            Assert.Equal("k8s.io", state.ContainerdNamespace);
            Assert.Equal(("containerd", "web", "web-pod", "prod", "u1", "img:1"),
                (container.Runtime, container.K8sContainerName, container.PodName, container.Namespace, container.PodUid, container.ImageName));
            Assert.NotEqual(0UL, container.MntnsId); // completed from the (live) pid
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
