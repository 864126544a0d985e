using Gadget.Containers;

namespace Gadget.Output;

/// <summary>A column of `ig list-containers`: its name in -o columns=..., the JSON field it
/// shows (a second name it answers to), its header, its width and its text.</summary>
public sealed record ContainerColumn(string Name, string JsonPath, string Header, int Width, Func<ContainerInfo, string> Value)
{
    /// <summary>The width on screen: at least the header's, so that a header is never cut.</summary>
    public int ShownWidth => Math.Max(Width, Header.Length);
}
