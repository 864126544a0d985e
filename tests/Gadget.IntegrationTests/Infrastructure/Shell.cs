using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>Runs helper commands and returns their output; a failure throws with stderr.</summary>
internal static class Shell
{
    public static string Run(string file, params string[] args) => RunWithInput(file, null, args);

    public static string RunWithInput(string file, string? input, params string[] args)
    {
        var result = TryRun(file, input, TimeSpan.FromMinutes(5), args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }

    public static (int ExitCode, string Output, string Error) TryRun(string file, string? input, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs a process to completion and returns its pid.</summary>
    public static int RunAndGetPid(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.Id;
    }
}
