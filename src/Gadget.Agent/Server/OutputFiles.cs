using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Server;

/// <summary>Files a gadget writes where its output is rendered (a flame graph for --flamegraph):
/// on the node they go to a private directory of the run, and each is sent to the client, which
/// writes it where its user asked. The client's paths never reach the node's file system.</summary>
internal sealed class OutputFiles : IDisposable
{
    private readonly Dictionary<string, string> _nodePaths = new(StringComparer.Ordinal);
    private DirectoryInfo? _directory;

    /// <summary>The client's parameter values, with the paths of output files replaced by paths
    /// in this run's directory.</summary>
    public IEnumerable<KeyValuePair<string, string>> Redirect(GadgetDefinition gadget, IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (key, value) in values)
        {
            var parameter = gadget.Parameters.FirstOrDefault(p => p.Key == key);
            if (parameter is not { IsOutputFile: true } || value.Length == 0)
            {
                yield return new(key, value);
                continue;
            }
            _directory ??= Directory.CreateTempSubdirectory("ig-run-");
            var path = Path.Combine(_directory.FullName, key);
            _nodePaths[key] = path;
            yield return new(key, path);
        }
    }

    /// <summary>Sends (and removes) every output file the gadget has written since the last call.</summary>
    public void SendWritten(ReplyQueue replies)
    {
        foreach (var (key, path) in _nodePaths)
        {
            if (!File.Exists(path))
                continue;
            var content = File.ReadAllBytes(path);
            File.Delete(path);
            replies.Send(new RunReply { File = new OutputFile { Parameter = key, Content = Google.Protobuf.ByteString.CopyFrom(content) } });
        }
    }

    public void Dispose()
    {
        try
        {
            _directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Already gone.
        }
    }
}
