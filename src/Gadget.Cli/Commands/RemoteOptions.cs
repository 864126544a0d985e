using System.CommandLine;
using Gadget.Agent.Client;

namespace Gadget.Cli.Commands;

/// <summary>--remote and the TLS files, on every command: a gadget command (or list-containers,
/// version) runs through the agent at --remote. The TLS files are the client's identity and the
/// agent's CA here, and the agent's identity and its clients' CA for `ig daemon`.</summary>
internal static class RemoteOptions
{
    public static Option<string> Remote { get; } = new("--remote")
    {
        Description = "Run through the node agent (ig daemon) at this address: unix:///run/ig/ig.sock or tcp://ADDRESS:PORT",
        HelpName = "address",
        Recursive = true,
    };

    public static Option<string> TlsCertificate { get; } = new("--tls-cert")
    {
        Description = "PEM certificate for mutual TLS: this client's with --remote tcp://, the agent's for ig daemon",
        HelpName = "file",
        Recursive = true,
    };

    public static Option<string> TlsKey { get; } = new("--tls-key")
    {
        Description = "PEM private key of --tls-cert",
        HelpName = "file",
        Recursive = true,
    };

    public static Option<string> TlsCa { get; } = new("--tls-ca")
    {
        Description = "PEM CA certificate the other side's certificate must chain to (the agent's with --remote, its clients' for ig daemon)",
        HelpName = "file",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Remote, TlsCertificate, TlsKey, TlsCa];

    /// <summary>The agent to run through, or null to run here.</summary>
    public static RemoteTarget? Target(ParseResult result) =>
        result.GetValue(Remote) is { } address
            ? RemoteTarget.Parse(address, result.GetValue(TlsCertificate), result.GetValue(TlsKey), result.GetValue(TlsCa))
            : null;
}
