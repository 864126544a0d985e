using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gadget.IntegrationTests.Infrastructure;

/// <summary>The published ig binary running as a child process, its output collected line by line.</summary>
internal sealed class IgProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();

    private IgProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyCollection<string> Lines => _lines;

    public string ErrorText => string.Join('\n', _errors);

    public static IgProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo(Paths.IgBinary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return new IgProcess(Process.Start(start)!);
    }

    /// <summary>Waits for an output line that matches.</summary>
    public string WaitForLine(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var line = _lines.FirstOrDefault(match);
            if (line is not null)
                return line;
            if (_process.HasExited && _lines.All(l => !match(l)))
                break;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"ig printed no line {what}; stdout: [{string.Join(" | ", _lines.Take(20))}] stderr: [{ErrorText}]");
    }

    public void Signal(string signal) => Shell.Run("kill", "-" + signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(15)))
            throw new TimeoutException("ig did not exit");
        _process.WaitForExit(); // drain the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
