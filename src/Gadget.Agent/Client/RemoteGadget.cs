using System.Text;
using System.Text.Json;
using Gadget.Agent.Protocol;
using Gadget.Agent.Wire;
using Gadget.Gadgets;

namespace Gadget.Agent.Client;

/// <summary>A gadget as an agent described it at the start of a run: its kind, its fields (the
/// common ones are this client's own, computed from each record's container and header; the
/// others replay the values the node recorded), its default columns, and, for frames that the
/// node rendered in the gadget's own form, that rendering. The local sinks take it as they take
/// any gadget, so a remote run prints what a local one prints.</summary>
internal sealed class RemoteGadget : GadgetDefinition, IFoldedStacks
{
    private readonly GadgetInfo _info;
    private readonly IReadOnlyList<string> _defaultColumns;
    private Frame? _frame;
    private FrameReply? _reply;

    public RemoteGadget(RunStarted started)
    {
        _info = started.Gadget;
        _defaultColumns = [.. started.DefaultColumns];
        var carried = started.CarriedFields.Select(i => (int)i).ToList();
        CarriedCount = carried.Count;
        var fields = new List<EventField>();
        for (var i = 0; i < _info.Fields.Count; i++)
        {
            var f = _info.Fields[i];
            if (f.Common && i < CommonFields.All.Count && CommonFields.All[i].Name == f.Name)
                continue;
            fields.Add(Proxy(f, carried.IndexOf(i)));
        }
        Fields = fields;
        OwnParameters = [.. _info.Parameters.Select(Parameter)];
    }

    /// <summary>How many field values each record carries.</summary>
    public int CarriedCount { get; }

    public override Gadgets.GadgetKind Kind => GadgetWire.FromMessage(_info.Kind);
    public override string Category => _info.Category;
    public override string Name => _info.Name;
    public override string Description => _info.Description;
    public override IReadOnlyList<string> Aliases => [.. _info.Aliases];

    protected override IReadOnlyList<GadgetParameter> OwnParameters { get; }

    protected override IReadOnlyList<EventField> Fields { get; }

    public override IReadOnlyList<string> DefaultColumns(ParameterValues parameters) => _defaultColumns;

    public override GadgetRun CreateRun(ParameterValues parameters) =>
        throw new InvalidOperationException($"{FullName} runs on the agent, not here");

    public override bool JsonRowPerLine => _info.JsonRowPerLine;

    /// <summary>The frame about to be given to the sink, with what the node rendered of it.</summary>
    public void Deliver(Frame frame, FrameReply reply)
    {
        _frame = frame;
        _reply = reply;
    }

    public override bool TryWriteText(Frame frame, ParameterValues parameters, StringBuilder output)
    {
        if (!ReferenceEquals(frame, _frame) || _reply is not { HasText: true })
            return false;
        output.Append(_reply.Text);
        return true;
    }

    public override bool TryWriteJson(Frame frame, ParameterValues parameters, Utf8JsonWriter writer)
    {
        if (!ReferenceEquals(frame, _frame) || _reply is not { HasJson: true })
            return false;
        writer.WriteRawValue(_reply.Json.Span, skipInputValidation: true);
        return true;
    }

    public override void WriteRowLines(in EventRecord record, ParameterValues parameters, StringBuilder output) =>
        output.Append(record.Row<RemoteRow>().Lines);

    public void WriteFolded(Frame frame, ParameterValues parameters, TextWriter output)
    {
        if (ReferenceEquals(frame, _frame) && _reply is { HasFolded: true })
            output.Write(_reply.Folded);
    }

    private static EventField Proxy(FieldInfo f, int carried)
    {
        FieldWriter write = carried < 0
            ? static (in EventRecord _, IFieldSink _) => { }
            : (in EventRecord r, IFieldSink s) => r.Row<RemoteRow>().Replay(carried, s);
        return new CustomField(f.Name, write)
        {
            Header = f.Header,
            JsonPath = f.JsonPath,
            Description = f.Description,
            Width = f.Width,
            Alignment = f.AlignRight ? FieldAlignment.Right : FieldAlignment.Left,
            Visibility = (Gadgets.FieldVisibility)f.Visibility,
            OmitEmpty = f.OmitEmpty,
            ListSeparator = f.ListSeparator,
        };
    }

    private static GadgetParameter Parameter(ParameterInfo p) =>
        new(p.Key, p.Description, (Gadgets.ParameterKind)p.Kind, p.Alias.Length == 1 ? p.Alias[0] : null, p.HasDefaultValue ? p.DefaultValue : null)
        {
            IsOutputFile = p.OutputFile,
        };
}
