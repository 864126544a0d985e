using Gadget.Native;

namespace Gadget.Gadgets.Common;

/// <summary>The user-space half of bpf/include/gadget_socket.h, for gadgets that see packets: attaches
/// the programs that record which process owns each socket to the cgroup v2 root, and seeds the
/// sockets that existed before the gadget started.</summary>
public static class SocketOwners
{
    private static readonly string[] Trackers = ["ig_sock_create", "ig_sock_conn4", "ig_sock_conn6", "ig_sock_send4", "ig_sock_send6", "ig_sock_release"];
    private const string Seeder = "ig_sock_seed";

    /// <summary>Before load: the seeding iterator needs bpf_sock_from_file (Linux 5.11); without it,
    /// sockets older than the gadget stay unattributed until they connect or send.</summary>
    public static void Configure(BpfObject bpf)
    {
        if (!KernelFeatures.KnowsHelper("sock_from_file"))
            bpf.Program(Seeder).Autoload = false;
    }

    /// <summary>Opens the root of the cgroup v2 hierarchy, where packet gadgets attach.</summary>
    public static FileDescriptorHandle OpenCgroupRoot(string gadget)
    {
        if (!CgroupV2.TryFindRoot(out var root))
            throw new GadgetException($"{gadget} attaches to the cgroup v2 hierarchy, and none is mounted (mount -t cgroup2 none /sys/fs/cgroup/unified)");
        try
        {
            return CgroupV2.OpenDirectory(root);
        }
        catch (SyscallException e)
        {
            throw new GadgetException(e.Message, e);
        }
    }

    /// <summary>Attaches the trackers, then seeds the sockets that exist: a socket created in
    /// between is seen by both, none by neither.</summary>
    public static IEnumerable<BpfLink> Attach(BpfObject bpf, FileDescriptorHandle cgroupRoot)
    {
        foreach (var name in Trackers)
            yield return bpf.Program(name).AttachCgroup(cgroupRoot);
        var seeder = bpf.Program(Seeder);
        if (seeder.Autoload)
        {
            using var link = seeder.AttachIterator();
            using var run = link.OpenIterator();
            run.CopyTo(Stream.Null);
        }
    }
}
