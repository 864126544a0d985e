using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>A tool to compare with (libbpf-tools' sigsnoop, mountsnoop) running in the
/// background, line-buffered, its output collected until it is stopped with SIGINT.</summary>
internal sealed class ReferenceTool : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private ReferenceTool(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="tool"/> and returns once it printed its header line
    /// (which these tools do once their programs are attached).</summary>
    public static ReferenceTool Start(string tool, string headerStart, params string[] args)
    {
        var start = new ProcessStartInfo("stdbuf") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-oL", tool, .. args])
            start.ArgumentList.Add(arg);
        var reference = new ReferenceTool(Process.Start(start)!);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!reference._lines.Any(l => l.StartsWith(headerStart, StringComparison.Ordinal)))
        {
            if (reference._process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{tool} did not start: {string.Join(" | ", reference._errors)}");
            Thread.Sleep(20);
        }
        return reference;
    }

    /// <summary>Stops the tool (SIGINT, as a user would) and returns everything it printed.</summary>
    public IReadOnlyList<string> Stop()
    {
        if (!_process.HasExited)
        {
            Shell.Run("kill", "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                _process.Kill();
        }
        _process.WaitForExit();
        return _lines.ToArray();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
