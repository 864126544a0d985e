namespace Gadget.Cli;

/// <summary>Where the CLI writes: standard output as a raw stream (events are UTF-8 already)
/// and standard error for messages. Tests substitute their own.</summary>
public interface ICliConsole
{
    Stream Out { get; }
    TextWriter Error { get; }

    /// <summary>True once nothing reads standard output any more (a closed pipe).</summary>
    bool OutputClosed() => false;

    /// <summary>True when standard output was not open at all (`>&-`): nothing can be shown.</summary>
    bool OutputMissing => false;

    /// <summary>True once a message could not be written to standard error.</summary>
    bool ErrorFailed => false;

    /// <summary>The terminal standard output is, or null when it is redirected.</summary>
    Gadget.Output.ITerminal? Terminal => null;
}

/// <summary>The process's real standard output and error.</summary>
public sealed class SystemConsole : ICliConsole
{
    private readonly ErrorWriter _error = new(() => Console.Error);

    public SystemConsole()
    {
        try
        {
            if (!Gadget.Native.FileDescriptors.IsOpenForWriting(1))
                throw new IOException("fd 1 is not open for writing");
            Out = Console.OpenStandardOutput();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // fd 1 was closed: what it is now is some file the runtime opened, not an output.
            Out = Stream.Null;
            OutputMissing = true;
        }
    }

    public Stream Out { get; }

    public TextWriter Error => _error;

    public bool OutputMissing { get; }

    public bool ErrorFailed => _error.Failed;

    public bool OutputClosed() => Gadget.Native.FileDescriptors.IsPeerClosed(1);

    public Gadget.Output.ITerminal? Terminal { get; } = Gadget.Native.TerminalSize.IsTerminal(1) ? new StandardOutputTerminal() : null;

    /// <summary>Standard output's terminal, its size read at each frame (80 × 24 if it does not say).</summary>
    private sealed class StandardOutputTerminal : Gadget.Output.ITerminal
    {
        public (int Columns, int Rows) Size => Gadget.Native.TerminalSize.Of(1) ?? (80, 24);
    }
}
