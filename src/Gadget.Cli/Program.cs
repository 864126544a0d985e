using System.CommandLine;
using Gadget.Native;
using Gadget.Cli;
using Gadget.Cli.Commands;
using Gadget.Gadgets;
using Gadget.Runtime;

return IgProgram.Run(args, new SystemConsole());

namespace Gadget.Cli
{
    /// <summary>Entry point: parses, runs, and turns anticipated failures into one line on
    /// standard error and a non-zero exit code (a stack trace only with --verbose).</summary>
    public static class IgProgram
    {
        public static int Run(string[] args, ICliConsole console)
        {
            var exitCode = RunCommand(args, console);
            // A message that could not be written is a failure of its own (`2>/dev/full`).
            return exitCode == ExitCodes.Success && console.ErrorFailed ? ExitCodes.Failure : exitCode;
        }

        private static int RunCommand(string[] args, ICliConsole console)
        {
            if (console.OutputMissing)
            {
                console.Error.WriteLine("Error: standard output is closed or not writable: ig has nowhere to write (redirect it to a file or /dev/null)");
                return ExitCodes.Failure;
            }
            var root = IgCommand.Create(console);
            var result = root.Parse(args);
            var verbose = result.GetValue(CommonOptions.Verbose);
            if (result.Errors.Count > 0)
            {
                console.Error.WriteLine($"Error: {ParseError(result)} (see '{CommandPath(result)} --help')");
                return ExitCodes.Failure;
            }
            // Without libbpf, the trace commands' preflight check says so in one line.
            if (verbose && Libbpf.IsAvailable)
                LibbpfLog.Configure(console.Error);
            try
            {
                return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = TextWriterFor(console) });
            }
            catch (GadgetException e)
            {
                console.Error.WriteLine($"Error: {OneLine(e.Message)}");
                if (verbose && e.InnerException is { } inner)
                    console.Error.WriteLine(inner);
                return e.ExitCode;
            }
            catch (DllNotFoundException)
            {
                // Whatever reached libbpf before a preflight check did: the same one line.
                console.Error.WriteLine($"Error: {Preflight.LibbpfMissing}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is LibbpfException or SyscallException or IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"Error: {OneLine(e.Message)}");
                if (verbose)
                    console.Error.WriteLine(e);
                return ExitCodes.Failure;
            }
        }

        /// <summary>The parser's first error, except for a command group (ig, ig trace) given a
        /// word it does not know: the parser's first complaint is then that no command was given,
        /// which hides the word typed. That word is named instead, in cobra's words.</summary>
        private static string ParseError(ParseResult result)
        {
            if (result.CommandResult.Command.Subcommands.Count > 0 && result.UnmatchedTokens is [var token, ..])
                return $"unknown {(token.StartsWith('-') ? "flag" : "command")} \"{token}\" for \"{CommandPath(result)}\"";
            return OneLine(result.Errors[0].Message);
        }

        /// <summary>Some messages span lines (the parser's lists of allowed values, .NET's "Cannot
        /// access a disposed object.\nObject name: ..."); errors are one line.</summary>
        private static string OneLine(string message) =>
            string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        private static string CommandPath(ParseResult result)
        {
            var names = new List<string>();
            for (var symbol = result.CommandResult; symbol is not null; symbol = symbol.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, symbol.Command.Name);
            names[0] = "ig";
            return string.Join(' ', names);
        }

        private static TextWriter TextWriterFor(ICliConsole console) =>
            console is SystemConsole ? Console.Out : new StreamWriter(console.Out, leaveOpen: true) { AutoFlush = true };
    }
}
