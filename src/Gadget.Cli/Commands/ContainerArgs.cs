using System.CommandLine;
using Gadget.Containers;
using Gadget.Gadgets;

namespace Gadget.Cli.Commands;

/// <summary>The container selection and where to find containers, from the common options.</summary>
public sealed record ContainerArgs(ContainerSelector Selector, DiscoveryOptions Discovery)
{
    internal static ContainerArgs From(ParseResult result)
    {
        var ns = result.GetValue(CommonOptions.Namespace);
        if (ns is not null && result.GetValue(CommonOptions.AllNamespaces))
            throw new GadgetException("--namespace and --all-namespaces cannot be used together");
        IReadOnlyDictionary<string, string> labels;
        try
        {
            labels = ContainerSelector.ParseLabels(result.GetValue(CommonOptions.Selector));
        }
        catch (ArgumentException e)
        {
            throw new GadgetException(e.Message);
        }
        var selector = new ContainerSelector
        {
            ContainerName = result.GetValue(CommonOptions.ContainerName),
            PodName = result.GetValue(CommonOptions.PodName),
            Namespace = ns,
            Labels = labels,
            Runtimes = ParseRuntimes(result.GetValue(CommonOptions.Runtimes)),
            IncludeHost = result.GetValue(CommonOptions.Host),
        };
        var discovery = new DiscoveryOptions
        {
            DockerSocket = result.GetValue(CommonOptions.DockerSocket)!,
            ContainerdSocket = result.GetValue(CommonOptions.ContainerdSocket)!,
        };
        return new ContainerArgs(selector, discovery);
    }

    /// <summary>The runtimes named by -r; null, for all of them, without -r. A list that names
    /// none (-r ,) is an error rather than all or nothing.</summary>
    private static HashSet<string>? ParseRuntimes(string? text)
    {
        if (text is null)
            return null;
        var runtimes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (runtimes.Count == 0)
            throw new GadgetException($"invalid value \"{text}\" for --runtimes: expected one or more of {string.Join(", ", DiscoveryOptions.KnownRuntimes)}, comma-separated");
        foreach (var runtime in runtimes)
        {
            if (!DiscoveryOptions.KnownRuntimes.Contains(runtime))
                throw new GadgetException($"unknown runtime \"{runtime}\" in --runtimes: expected {string.Join(", ", DiscoveryOptions.KnownRuntimes)}");
        }
        return runtimes;
    }
}
