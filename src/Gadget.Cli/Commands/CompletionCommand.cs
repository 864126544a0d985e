using System.CommandLine;

namespace Gadget.Cli.Commands;

/// <summary>`ig completion bash|zsh|fish`: a script that asks ig itself for completions
/// (System.CommandLine's [suggest] directive), so it stays right as commands change.</summary>
internal static class CompletionCommand
{
    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["bash"] = """
            # bash completion for ig; load with: source <(ig completion bash)
            _ig_complete() {
                local IFS=$'\n'
                COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F _ig_complete ig
            """,
        ["zsh"] = """
            # zsh completion for ig; load with: source <(ig completion zsh)
            _ig_complete() {
                local -a completions
                completions=(${(f)"$(ig "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)"})
                compadd -a completions
            }
            compdef _ig_complete ig
            """,
        ["fish"] = """
            # fish completion for ig; load with: ig completion fish | source
            complete -c ig -f -a '(ig "[suggest:"(string length -- (commandline -cp))"]" (commandline -cp) 2>/dev/null)'
            """,
    };

    public static Command Create(ICliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong([.. Scripts.Keys]);
        var command = new Command("completion", "Generate the autocompletion script for the specified shell") { shell };
        command.SetAction(result =>
        {
            using var writer = new StreamWriter(console.Out, leaveOpen: true);
            writer.WriteLine(Scripts[result.GetValue(shell)!]);
            return ExitCodes.Success;
        });
        return command;
    }
}
