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
        VersionCommand.UseForVersionOption(root, console);
        foreach (var (category, help) in GadgetCatalog.Categories)
        {
            var group = new Command(category, help);
            foreach (var gadget in GadgetCatalog.TraceGadgets.Where(g => g.Category == category).OrderBy(g => g.Name, StringComparer.Ordinal))
                group.Subcommands.Add(GadgetCommand.Create(gadget, console));
            root.Subcommands.Add(group);
        }
        root.Subcommands.Add(ListContainersCommand.Create(console));
        root.Subcommands.Add(VersionCommand.Create(console));
        root.Subcommands.Add(CompletionCommand.Create(console));
        return root;
    }
}
