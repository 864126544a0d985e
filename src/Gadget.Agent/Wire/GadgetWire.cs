using Gadget.Agent.Protocol;
using Gadget.Gadgets;

namespace Gadget.Agent.Wire;

/// <summary>A gadget's description (kind, parameters, fields) as the contract's GadgetInfo.</summary>
internal static class GadgetWire
{
    public static GadgetInfo ToMessage(GadgetDefinition gadget)
    {
        var info = new GadgetInfo
        {
            Category = gadget.Category,
            Name = gadget.Name,
            Description = gadget.Description,
            Kind = ToMessage(gadget.Kind),
            JsonRowPerLine = gadget.JsonRowPerLine,
        };
        info.Aliases.AddRange(gadget.Aliases);
        info.TopLevelAliases.AddRange(gadget.TopLevelAliases);
        foreach (var p in gadget.Parameters)
        {
            var parameter = new ParameterInfo
            {
                Key = p.Key,
                Description = p.Description,
                Kind = (Protocol.ParameterKind)p.Kind,
                Alias = p.Alias is { } alias ? alias.ToString() : "",
                OutputFile = p.IsOutputFile,
            };
            if (p.DefaultValue is { } value)
                parameter.DefaultValue = value;
            if (p.AllowedValues is { } allowed)
                parameter.AllowedValues.AddRange(allowed);
            info.Parameters.Add(parameter);
        }
        var common = CommonFields.All.Count;
        for (var i = 0; i < gadget.Schema.Fields.Count; i++)
        {
            var f = gadget.Schema.Fields[i];
            info.Fields.Add(new FieldInfo
            {
                Name = f.Name,
                Header = f.Header,
                JsonPath = f.JsonPath,
                Description = f.Description,
                Width = f.Width,
                AlignRight = f.Alignment == FieldAlignment.Right,
                Visibility = (Protocol.FieldVisibility)f.Visibility,
                OmitEmpty = f.OmitEmpty,
                ListSeparator = f.ListSeparator,
                Common = i < common && ReferenceEquals(f, CommonFields.All[i]),
            });
        }
        return info;
    }

    public static Protocol.GadgetKind ToMessage(Gadgets.GadgetKind kind) => kind switch
    {
        Gadgets.GadgetKind.Stream => Protocol.GadgetKind.Stream,
        Gadgets.GadgetKind.Interval => Protocol.GadgetKind.Interval,
        Gadgets.GadgetKind.OneShot => Protocol.GadgetKind.OneShot,
        _ => Protocol.GadgetKind.Profile,
    };

    public static Gadgets.GadgetKind FromMessage(Protocol.GadgetKind kind) => kind switch
    {
        Protocol.GadgetKind.Stream => Gadgets.GadgetKind.Stream,
        Protocol.GadgetKind.Interval => Gadgets.GadgetKind.Interval,
        Protocol.GadgetKind.OneShot => Gadgets.GadgetKind.OneShot,
        _ => Gadgets.GadgetKind.Profile,
    };
}
