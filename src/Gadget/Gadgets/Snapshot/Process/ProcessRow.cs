namespace Gadget.Gadgets.Snapshot.Process;

/// <summary>One process (or thread) of a snapshot: the header holds its ids, user, command name
/// and mount namespace; the parent is the one thing besides.</summary>
public sealed class ProcessRow : GadgetRow
{
    /// <summary>Thread group id of the real parent, as /proc's PPid.</summary>
    public uint Ppid;

    public static ProcessRow From(in ProcessEntry entry) => new() { Header = entry.Header, Ppid = entry.Ppid };
}
