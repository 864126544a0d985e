namespace Gadget.Cli;

/// <summary>Exit codes of the CLI. Like the reference (a cobra program), every error exits 1,
/// whether the parser found it (an unknown flag, a value of the wrong type) or a command's own
/// check did (a port out of range): scripts need not tell them apart.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
}
