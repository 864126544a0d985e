using Gadget.IntegrationTests.Infrastructure;

namespace Gadget.IntegrationTests.Profile;

/// <summary>A container of Docker, of containerd (ctr) or of a CRI pod whose init process
/// becomes the CPU burner, from the container's own copy of it: the container starts with a
/// shell that waits for /cpuburn to appear, the test copies the binary in through the
/// process's root (no host path leads there), and the shell execs it. Symbols must then be
/// read through the process too.</summary>
internal sealed class BurningContainer : IDisposable
{
    public const string PathInContainer = "/cpuburn";

    private readonly IDisposable _container;

    private BurningContainer(string runtime, string name, IDisposable container, int pid, CriPod? pod)
    {
        Runtime = runtime;
        Name = name;
        _container = container;
        Pid = pid;
        Pod = pod;
    }

    /// <summary>"docker", "containerd" or "cri".</summary>
    public string Runtime { get; }

    /// <summary>The container's name as -c selects it.</summary>
    public string Name { get; }

    /// <summary>The burner's host pid (the container's init process).</summary>
    public int Pid { get; }

    public CriPod? Pod { get; }

    private static string[] Command(string mode) =>
        ["sh", "-c", $"while [ ! -x {PathInContainer} ]; do sleep 0.05; done; exec {PathInContainer} {mode} 0"];

    public static BurningContainer Start(string runtime, string mode)
    {
        switch (runtime)
        {
            case "docker":
            {
                var container = DockerContainer.Run(command: Command(mode));
                return Burn(runtime, container.Name, container, container.Pid, null);
            }
            case "containerd":
            {
                var container = CtrContainer.Run(null, Command(mode));
                return Burn(runtime, container.Id, container, container.Pid, null);
            }
            default:
            {
                var pod = CriPod.Run();
                try
                {
                    const string name = "burner";
                    pod.StartContainer(name, Command(mode));
                    return Burn(runtime, name, pod, pod.ContainerPid(name), pod);
                }
                catch
                {
                    pod.Dispose();
                    throw;
                }
            }
        }
    }

    private static BurningContainer Burn(string runtime, string name, IDisposable container, int pid, CriPod? pod)
    {
        try
        {
            var root = $"/proc/{pid}/root";
            Assert.False(File.Exists(PathInContainer), $"{PathInContainer} exists on the host: the test could not tell whose copy is read");
            // Copied aside and renamed, so the waiting shell never runs half a file.
            var partial = root + PathInContainer + ".part";
            File.Copy(CpuBurner.HostPath, partial, overwrite: true);
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Move(partial, root + PathInContainer);
            Poll.Until(() => Comm(pid) == CpuBurner.Comm, $"the burner to start in {runtime} container {name}");
            return new BurningContainer(runtime, name, container, pid, pod);
        }
        catch
        {
            container.Dispose();
            throw;
        }
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _container.Dispose();
}
