namespace Gadget.Gadgets;

/// <summary>A failure the user can cause or fix (bad parameter, missing privilege or kernel
/// feature): shown as one line, without a stack trace, with a non-zero exit code.</summary>
public class GadgetException : Exception
{
    public GadgetException(string message, int exitCode = 1) : base(message) => ExitCode = exitCode;

    public GadgetException(string message, Exception inner, int exitCode = 1) : base(message, inner) => ExitCode = exitCode;

    public int ExitCode { get; }
}
