namespace Gadget.Native;

/// <summary>SIGINT as the process inherited it.</summary>
public static class InterruptSignal
{
    /// <summary>A shell starts the background jobs of a script (`ig ... &` without job control)
    /// with SIGINT ignored, and .NET keeps an ignored signal ignored even when a handler is
    /// registered: `kill -INT` would then do nothing. Restores the default disposition, so the
    /// handler registered next takes it, as Ctrl-C stops the reference ig in the same place.</summary>
    public static void StopIgnoring()
    {
        var previous = Interop.Libc.signal(Interop.Libc.SIGINT, Interop.Libc.SIG_DFL);
        if (previous != Interop.Libc.SIG_IGN)
            Interop.Libc.signal(Interop.Libc.SIGINT, previous); // leave .NET's own handler in place
    }
}
