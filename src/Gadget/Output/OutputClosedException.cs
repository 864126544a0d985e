namespace Gadget.Output;

/// <summary>The reader of our output went away (`| head` ended, the pipe was closed): a normal
/// end of the run, with nothing more to write. Every other write failure (a full disk,
/// /dev/full, an I/O error) is an error the user must hear of.</summary>
public sealed class OutputClosedException : IOException
{
    public OutputClosedException()
        : base("the output was closed")
    {
    }

    public OutputClosedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>EPIPE, as .NET reports it on Unix (the errno is the HResult).</summary>
    public static bool IsBrokenPipe(IOException e) => e.HResult == 32;
}
