using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>One "verb key=value ..." line the sockets helper printed.</summary>
internal sealed record HelperLine(string Verb, IReadOnlyDictionary<string, string> Values)
{
    public int Int(string key) => int.Parse(Values[key], CultureInfo.InvariantCulture);

    public ulong ULong(string key) => ulong.Parse(Values[key], CultureInfo.InvariantCulture);

    public static HelperLine Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new HelperLine(parts[0], parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]));
    }
}

/// <summary>A finished run of the sockets helper: who it was, where, and what it printed.</summary>
internal sealed record SocketsRun(int Pid, ulong MountNamespace, ulong NetworkNamespace, List<HelperLine> Lines)
{
    public HelperLine Single(string verb) => Lines.Single(l => l.Verb == verb);
}

/// <summary>The sockets helper (Helpers/sockets.c) running at a site: its pid, the namespaces
/// it reported, and its output lines as they come. Disposing kills it if still running.</summary>
internal sealed class SocketsProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<HelperLine> _lines = [];
    private readonly ConcurrentQueue<string> _errors = new();

    private SocketsProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                _lines.CompleteAdding();
            else if (e.Data.Length > 0)
                _lines.Add(HelperLine.Parse(e.Data));
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var ns = Next("ns");
        MountNamespace = ns.ULong("mnt");
        NetworkNamespace = ns.ULong("net");
        Pid = ns.Int("pid");
    }

    /// <summary>The helper's process id, as it sees it (the site may start it through another
    /// process, such as docker exec).</summary>
    public int Pid { get; }

    /// <summary>The mount namespace the helper runs in: what events must carry as mountnsid.</summary>
    public ulong MountNamespace { get; }

    /// <summary>The network namespace the helper runs in: what events must carry as netnsid.</summary>
    public ulong NetworkNamespace { get; }

    public static SocketsProcess Start(Site site, params string[] args)
    {
        var start = site.StartInfo(Helpers.Sockets, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        return new SocketsProcess(Process.Start(start)!);
    }

    /// <summary>Runs the helper to its end; the lines it printed after "ns".</summary>
    public static SocketsRun Run(Site site, params string[] args)
    {
        using var process = Start(site, args);
        var exitCode = process.WaitForExit();
        var lines = process.Remaining();
        if (exitCode != 0)
            throw new InvalidOperationException($"sockets {string.Join(' ', args)} failed ({exitCode}): {string.Join(" | ", process._errors)}");
        return new SocketsRun(process.Pid, process.MountNamespace, process.NetworkNamespace, lines);
    }

    /// <summary>The next line, which must have this verb.</summary>
    public HelperLine Next(string verb, TimeSpan? timeout = null)
    {
        if (!_lines.TryTake(out var line, timeout ?? TimeSpan.FromSeconds(15)))
            throw new TimeoutException($"the sockets helper printed no \"{verb}\" line; stderr: {string.Join(" | ", _errors)}");
        return line.Verb == verb ? line : throw new InvalidOperationException($"expected \"{verb}\" from the sockets helper, got {line}; stderr: {string.Join(" | ", _errors)}");
    }

    public void WriteLine(string text)
    {
        _process.StandardInput.WriteLine(text);
        _process.StandardInput.Flush();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new TimeoutException("the sockets helper did not exit");
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    private List<HelperLine> Remaining() => [.. _lines.GetConsumingEnumerable()];

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
        _lines.Dispose();
    }
}
