using System.Text;
using Gadget.Cli;

namespace Gadget.Tests.Cli;

/// <summary>Captures what the CLI writes.</summary>
internal sealed class TestConsole : ICliConsole
{
    private readonly MemoryStream _out = new();
    private readonly StringWriter _error = new();

    public Stream Out => _out;
    public TextWriter Error => _error;

    public string OutText => Encoding.UTF8.GetString(_out.ToArray());
    public string ErrorText => _error.ToString();

    public static (int ExitCode, TestConsole Console) Run(params string[] args)
    {
        var console = new TestConsole();
        var code = IgProgram.Run(args, console);
        return (code, console);
    }
}
