using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Output;

namespace Gadget.Agent.Client;

/// <summary>What to run on an agent: the gadget (as this client knows it, for its name and
/// parameter checks), the values the user gave, the container selection, the output it will
/// be shown in, and the run's settings.</summary>
public sealed record RemoteRunRequest(
    GadgetDefinition Gadget,
    ParameterValues Parameters,
    ContainerSelector Selector,
    OutputFormat Output,
    TimeSpan? Timeout,
    uint RingBufferBytes,
    bool Verbose);
