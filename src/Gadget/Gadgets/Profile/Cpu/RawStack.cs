namespace Gadget.Gadgets.Profile.Cpu;

/// <summary>A sampled stack as the kernel gave it: the process and the instruction pointers
/// (leaf first), before symbolization. Equal when all of it is.</summary>
internal sealed class RawStack : IEquatable<RawStack>
{
    private readonly int _hash;

    public RawStack(ulong mntnsId, uint pid, CommBytes commBytes, ulong[] user, ulong[] kernel)
    {
        CommBytes = commBytes;
        var comm = System.Text.Encoding.UTF8.GetString(Utf8Strings.CString(commBytes));
        MntnsId = mntnsId;
        Pid = pid;
        Comm = comm;
        User = user;
        Kernel = kernel;
        var hash = new HashCode();
        hash.Add(mntnsId);
        hash.Add(pid);
        hash.Add(comm);
        foreach (var ip in user)
            hash.Add(ip);
        hash.Add(-1);
        foreach (var ip in kernel)
            hash.Add(ip);
        _hash = hash.ToHashCode();
    }

    public ulong MntnsId { get; }

    public uint Pid { get; }

    public string Comm { get; }

    /// <summary>The command as the kernel gave it (what the row's header holds).</summary>
    public CommBytes CommBytes { get; }

    public ulong[] User { get; }

    public ulong[] Kernel { get; }

    public bool Equals(RawStack? other) =>
        other is not null && _hash == other._hash && MntnsId == other.MntnsId && Pid == other.Pid && Comm == other.Comm &&
        User.AsSpan().SequenceEqual(other.User) && Kernel.AsSpan().SequenceEqual(other.Kernel);

    public override bool Equals(object? obj) => Equals(obj as RawStack);

    public override int GetHashCode() => _hash;
}
