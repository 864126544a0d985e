using System.Text;

namespace Gadget.Gadgets;

/// <summary>What a gadget is, apart from any run of it: its place in the command tree, its
/// help, parameters and fields, and its kind. Definitions are stateless and shared; everything
/// a run needs lives in the <see cref="GadgetRun"/> that <see cref="CreateRun"/> makes.</summary>
public abstract class GadgetDefinition
{
    public abstract GadgetKind Kind { get; }

    /// <summary>The command group, e.g. "trace" or "top".</summary>
    public abstract string Category { get; }

    /// <summary>The command, e.g. "exec" or "block-io".</summary>
    public abstract string Name { get; }

    /// <summary>Other names of the command within its group (e.g. "biotop").</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>Names that also run this gadget from the top of the command tree (`ig tcptop`).</summary>
    public virtual IReadOnlyList<string> TopLevelAliases => [];

    /// <summary>One line of help, as the reference words it.</summary>
    public abstract string Description { get; }

    /// <summary>The gadget's own parameters, then those of its kind (interval, sort, ...).</summary>
    public IReadOnlyList<GadgetParameter> Parameters => _parameters ??= [.. OwnParameters, .. KindParameters];

    private IReadOnlyList<GadgetParameter>? _parameters;

    /// <summary>The parameters of this gadget alone.</summary>
    protected virtual IReadOnlyList<GadgetParameter> OwnParameters => [];

    /// <summary>The parameters every gadget of the kind has; added by the kind's base class.</summary>
    private protected virtual IReadOnlyList<GadgetParameter> KindParameters => [];

    /// <summary>The gadget's own fields; <see cref="Schema"/> adds the common ones.</summary>
    protected abstract IReadOnlyList<EventField> Fields { get; }

    public EventSchema Schema => _schema ??= new EventSchema(CommonFields.All.Concat(Fields));

    private EventSchema? _schema;

    /// <summary>The columns shown without -o columns=..., after the container columns.</summary>
    public abstract IReadOnlyList<string> DefaultColumns(ParameterValues parameters);

    /// <summary>Rejects parameter values that make no sense for this gadget, with a
    /// <see cref="GadgetException"/>. Called before anything starts (container discovery,
    /// load), so that bad input is one error line with nothing before it.</summary>
    public virtual void Validate(ParameterValues parameters) { }

    /// <summary>Parses the parameters once and makes the state of one run.</summary>
    public abstract GadgetRun CreateRun(ParameterValues parameters);

    /// <summary>Renders a frame as text in a form of its own (a histogram, stacks), for the
    /// columns output; false leaves it to the table. Runs where the output is written (on
    /// the client of a remote run too), so it reads nothing but the frame.</summary>
    public virtual bool TryWriteText(Frame frame, ParameterValues parameters, StringBuilder output) => false;

    /// <summary>Lines a row adds under itself when a frame is shown as a table, each ending in
    /// '\n' (a stack's frames, as the reference's ExtraLines); none by default. Reads nothing
    /// but the row.</summary>
    public virtual void WriteRowLines(in EventRecord record, ParameterValues parameters, StringBuilder output) { }

    /// <summary>Whether JSON gives a frame's rows one object a line rather than one array a
    /// frame: the reference's shape for a report that is a list of entries (profile cpu).</summary>
    public virtual bool JsonRowPerLine => false;

    /// <summary>Writes a frame as JSON in a shape of its own (e.g. a histogram object); false
    /// leaves it to the default, an array of the rows' objects. Reads nothing but the frame.</summary>
    public virtual bool TryWriteJson(Frame frame, ParameterValues parameters, System.Text.Json.Utf8JsonWriter writer) => false;

    /// <summary>"trace exec", for messages.</summary>
    public string FullName => $"{Category} {Name}";

    public override string ToString() => FullName;
}
