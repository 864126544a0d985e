using System.Diagnostics;

namespace Gadget.Tests.Gadgets.ProfileCpu;

/// <summary>Small ELF files built by gcc for the tests, once per test run, in a directory of their own.</summary>
internal static class ElfFixtures
{
    /// <summary>Two exported functions and a static one, none inlined; main prints the
    /// addresses of all three, then waits on stdin (for tests that symbolize a live process).</summary>
    public const string Source = """
        #include <stdio.h>
        __attribute__((noinline)) int alpha(int x) { return x * 3 + 1; }
        __attribute__((noinline)) int beta(int x) { return alpha(x) * 5 + 2; }
        __attribute__((noinline)) static int gamma_hidden(int x) { return beta(x) + 7; }
        int main(int argc, char **argv) {
            (void)argv;
            printf("%lx %lx %lx\n", (unsigned long)alpha, (unsigned long)beta, (unsigned long)gamma_hidden);
            fflush(stdout);
            getchar();
            return gamma_hidden(argc) == 0;
        }
        """;

    // One directory per version of the source, shared by runs (files are built aside and renamed).
    private static readonly Lazy<string> Directory = new(() =>
    {
        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Source)))[..12];
        var dir = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "igt-elf-" + version)).FullName;
        File.WriteAllText(Path.Combine(dir, $"fixture.{Environment.ProcessId}.c"), Source);
        File.Move(Path.Combine(dir, $"fixture.{Environment.ProcessId}.c"), Path.Combine(dir, "fixture.c"), overwrite: true);
        return dir;
    });

    private static readonly Lazy<string> PieValue = new(() => Compile("pie", "-O1", "-fno-inline", "-fPIE", "-pie"));
    private static readonly Lazy<string> NoPieValue = new(() => Compile("nopie", "-O1", "-fno-inline", "-no-pie"));
    private static readonly Lazy<string> SharedValue = new(() => Compile("shared.so", "-O1", "-fno-inline", "-fPIC", "-shared"));
    private static readonly Lazy<string> StrippedValue = new(() =>
    {
        var path = Path.Combine(Directory.Value, "stripped.so");
        if (File.Exists(path))
            return path;
        var building = path + $".{Environment.ProcessId}";
        File.Copy(SharedValue.Value, building, overwrite: true);
        Run("strip", "--strip-all", building);
        File.Move(building, path, overwrite: true);
        return path;
    });

    /// <summary>A position-independent executable.</summary>
    public static string Pie => PieValue.Value;

    /// <summary>An executable linked at a fixed address (ET_EXEC).</summary>
    public static string NoPie => NoPieValue.Value;

    /// <summary>A shared library with its full symbol table.</summary>
    public static string Shared => SharedValue.Value;

    /// <summary>The shared library without .symtab: only .dynsym remains.</summary>
    public static string Stripped => StrippedValue.Value;

    private static string Compile(string name, params string[] flags)
    {
        var output = Path.Combine(Directory.Value, name);
        if (File.Exists(output))
            return output;
        var building = output + $".{Environment.ProcessId}";
        Run("gcc", [.. flags, "-Wl,--build-id", "-o", building, Path.Combine(Directory.Value, "fixture.c")]);
        File.Move(building, output, overwrite: true);
        return output;
    }

    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        return output;
    }

    /// <summary>Symbol addresses as nm prints them ("addr type name"), for checking the reader.</summary>
    public static Dictionary<string, (ulong Address, char Type)> Nm(string path, bool dynamic = false)
    {
        var symbols = new Dictionary<string, (ulong, char)>();
        foreach (var line in Run("nm", dynamic ? ["-D", "--defined-only", path] : ["--defined-only", path]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3)
                symbols[parts[2]] = (Convert.ToUInt64(parts[0], 16), parts[1][0]);
        }
        return symbols;
    }
}
