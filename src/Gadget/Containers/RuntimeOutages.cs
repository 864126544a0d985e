using Gadget.Containers.Runtimes;

namespace Gadget.Containers;

/// <summary>Says once when a runtime stops answering during a run, and once when it answers
/// again: an operator must know that containers it starts meanwhile may lack their names, and
/// when that ends. The APIs of one runtime (containerd's CRI and native ones share a socket)
/// count as one: the first to fail warns, the last to recover says it is back. A runtime that
/// keeps failing and recovering is not announced again within <see cref="Quiet"/>.</summary>
internal sealed class RuntimeOutages(TextWriter warnings)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, int> _downApis = [];
    private readonly Dictionary<string, long> _warnedAt = [];
    private readonly HashSet<string> _announced = [];
    private readonly Lock _gate = new();

    public void Down(IContainerRuntime runtime, string reason)
    {
        lock (_gate)
        {
            var count = _downApis.GetValueOrDefault(runtime.Name);
            _downApis[runtime.Name] = count + 1;
            var now = Environment.TickCount64;
            if (count == 0 && (!_warnedAt.TryGetValue(runtime.Name, out var last) || now - last >= (long)Quiet.TotalMilliseconds))
            {
                _warnedAt[runtime.Name] = now;
                _announced.Add(runtime.Name);
                warnings.WriteLine($"WARNING: {runtime.Name}: lost its API at {SocketOf(runtime)} ({reason}); retrying every 2 s, its new containers may lack their names until it is back");
            }
        }
    }

    public void Up(IContainerRuntime runtime)
    {
        lock (_gate)
        {
            var count = _downApis.GetValueOrDefault(runtime.Name);
            if (count <= 0)
                return;
            _downApis[runtime.Name] = count - 1;
            if (count == 1 && _announced.Remove(runtime.Name))
                warnings.WriteLine($"ig: {runtime.Name}: its API at {SocketOf(runtime)} answers again; its containers are listed anew");
        }
    }

    private static string SocketOf(IContainerRuntime runtime) => runtime.Endpoint.Split(' ')[0];
}
