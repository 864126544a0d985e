using System.CommandLine;
using Gadget.Runtime;

namespace Gadget.Cli.Commands;

/// <summary>The `ig` command tree: one group per gadget category, then version and completion.</summary>
internal static class IgCommand
{
    public const string Description = "Collection of gadgets for containers";

    public static RootCommand Create(ICliConsole console)
    {
        var root = new RootCommand(Description);
        root.Options.Add(CommonOptions.Verbose);
        foreach (var option in RemoteOptions.All)
            root.Options.Add(option);
        VersionCommand.UseForVersionOption(root, console);
        foreach (var (category, help) in GadgetCatalog.Categories)
        {
            var group = new Command(category, help);
            foreach (var gadget in GadgetCatalog.All.Where(g => g.Category == category).OrderBy(g => g.Name, StringComparer.Ordinal))
                group.Subcommands.Add(GadgetCommand.Create(gadget, console));
            if (group.Subcommands.Count > 0)
                root.Subcommands.Add(group);
        }
        // The reference's short names at the top (`ig biotop`, `ig tcptop`).
        foreach (var gadget in GadgetCatalog.All)
        {
            foreach (var alias in gadget.TopLevelAliases)
                root.Subcommands.Add(GadgetCommand.Create(gadget, console, alias));
        }
        root.Subcommands.Add(ListContainersCommand.Create(console));
        root.Subcommands.Add(DaemonCommand.Create(console));
        root.Subcommands.Add(VersionCommand.Create(console));
        root.Subcommands.Add(CompletionCommand.Create(console));
        return root;
    }
}
