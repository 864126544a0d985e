using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gadget.Containers;

namespace Gadget.Output;

/// <summary>Writes containers (ig list-containers) as aligned columns (its default ones, or
/// those chosen with -o columns=...) or JSON lines; with <c>watch</c>, each line also says
/// whether the container was created or deleted.</summary>
public sealed class ContainerListWriter
{
    private readonly TextWriter _out;
    private readonly bool _json;
    private readonly bool _watch;
    private readonly IReadOnlyList<ContainerColumn> _columns;

    public ContainerListWriter(TextWriter output, bool json, bool watch, IReadOnlyList<ContainerColumn>? columns = null)
    {
        _out = output;
        _json = json;
        _watch = watch;
        _columns = columns ?? ContainerColumns.Default;
    }

    public void WriteHeader()
    {
        if (_json)
            return;
        WriteRow(_watch ? "EVENT" : null, _columns.Select(c => c.Header));
        _out.Flush(); // with --watch, the next line may be minutes away
    }

    /// <summary>Writes a container; <paramref name="created"/> says which event it is in watch mode.</summary>
    public void Write(ContainerInfo container, bool created = true) => Write(container, created ? "CREATED" : "DELETED");

    /// <summary>Writes what the runtime told later about a container already written (watch mode).</summary>
    public void WriteUpdate(ContainerInfo container) => Write(container, "UPDATED");

    private void Write(ContainerInfo container, string watchEvent)
    {
        var evt = _watch ? watchEvent : null;
        if (_json)
            WriteJson(container, evt);
        else
            WriteRow(evt, _columns.Select(c => c.Value(container)));
        _out.Flush();
    }

    private void WriteRow(string? evt, IEnumerable<string> values)
    {
        var line = new System.Text.StringBuilder();
        if (evt is not null)
            line.Append(evt.PadRight(8)).Append(' ');
        var i = 0;
        foreach (var value in values)
        {
            // The last column is never cut, nor padded.
            var width = _columns[i++].ShownWidth;
            line.Append(i == _columns.Count ? value : (value.Length > width ? value[..(width - 1)] + "…" : value.PadRight(width)) + " ");
        }
        _out.WriteLine(line.ToString().TrimEnd());
    }

    private void WriteJson(ContainerInfo c, string? evt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (evt is not null)
                json.WriteString("event", evt);
            json.WriteStartObject("runtime");
            json.WriteString("runtimeName", c.Runtime);
            json.WriteString("containerId", c.Id);
            json.WriteString("containerName", c.Name);
            json.WriteNumber("containerPID", c.Pid);
            json.WriteString("containerImageName", c.ImageName);
            json.WriteString("containerImageDigest", c.ImageDigest);
            json.WriteEndObject();
            json.WriteStartObject("k8s");
            json.WriteString("namespace", c.Namespace);
            json.WriteString("podName", c.PodName);
            json.WriteString("containerName", c.K8sContainerName);
            json.WriteString("podUID", c.PodUid);
            json.WriteBoolean("hostNetwork", c.HostNetwork);
            json.WriteStartObject("podLabels");
            foreach (var (key, value) in c.PodLabels)
                json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("mntns", c.MntnsId);
            json.WriteNumber("netns", c.NetnsId);
            json.WriteString("cgroupPath", c.CgroupPath);
            json.WriteEndObject();
        }
        _out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
