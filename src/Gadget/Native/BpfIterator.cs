namespace Gadget.Native;

/// <summary>Runs passes of an attached BPF iterator program (iter/task, iter/tcp, iter/udp, ...):
/// each pass is a new iterator file, and reading it to its end runs the program once per object,
/// which makes the bytes it writes with bpf_seq_write.</summary>
public static class BpfIterator
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>One pass, from this thread; the bytes go to <paramref name="buffer"/> (grown when
    /// too small). Returns how many there are.</summary>
    public static int Read(BpfLink link, ref byte[] buffer)
    {
        using var pass = link.OpenIterator();
        return ReadToEnd(pass, ref buffer);
    }

    /// <summary>One pass of an iterator whose objects depend on the network namespace (sockets):
    /// its file is created from a thread that joined <paramref name="netns"/>, since that is where
    /// the kernel takes the namespace from; it is read here.</summary>
    public static int Read(BpfLink link, NetworkNamespace netns, ref byte[] buffer)
    {
        using var pass = netns.Run(link.OpenIterator);
        return ReadToEnd(pass, ref buffer);
    }

    private static int ReadToEnd(Stream pass, ref byte[] buffer)
    {
        if (buffer.Length == 0)
            buffer = new byte[InitialBuffer];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            var read = pass.Read(buffer, length, buffer.Length - length);
            if (read == 0)
                return length;
            length += read;
        }
    }
}
