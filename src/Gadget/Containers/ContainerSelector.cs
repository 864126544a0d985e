namespace Gadget.Containers;

/// <summary>Which containers the user asked for (-c, -p, -n, -l, -r) and whether host
/// processes count too (--host). Empty criteria match everything.</summary>
public sealed record ContainerSelector
{
    public string? ContainerName { get; init; }
    public string? PodName { get; init; }
    public string? Namespace { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Runtime names to use ("docker", "containerd", ...); null for all.</summary>
    public IReadOnlySet<string>? Runtimes { get; init; }

    /// <summary>Show events of processes that are in no container.</summary>
    public bool IncludeHost { get; init; }

    /// <summary>No criterion narrows the containers.</summary>
    public bool SelectsAllContainers =>
        ContainerName is null && PodName is null && Namespace is null && Labels.Count == 0 && Runtimes is null;

    public bool Matches(ContainerInfo container) =>
        (ContainerName is null || container.Name == ContainerName || container.K8sContainerName == ContainerName) &&
        (PodName is null || container.PodName == PodName) &&
        (Namespace is null || container.Namespace == Namespace) &&
        (Runtimes is null || Runtimes.Contains(container.Runtime)) &&
        Labels.All(l => container.PodLabels.TryGetValue(l.Key, out var value) && value == l.Value);

    /// <summary>"-c web -n prod" style, for messages.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (ContainerName is not null) parts.Add($"-c {ContainerName}");
        if (PodName is not null) parts.Add($"-p {PodName}");
        if (Namespace is not null) parts.Add($"-n {Namespace}");
        if (Labels.Count > 0) parts.Add("-l " + string.Join(',', Labels.Select(l => $"{l.Key}={l.Value}")));
        if (Runtimes is not null) parts.Add("-r " + string.Join(',', Runtimes));
        return string.Join(' ', parts);
    }

    /// <summary>Parses "key=value,key2=value2" (-l).</summary>
    public static IReadOnlyDictionary<string, string> ParseLabels(string? text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
            return labels;
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"invalid label selector \"{pair}\": expected key=value");
            labels[pair[..eq]] = pair[(eq + 1)..];
        }
        return labels;
    }
}
