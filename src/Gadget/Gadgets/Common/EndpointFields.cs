namespace Gadget.Gadgets.Common;

/// <summary>Reads one endpoint of a record in place.</summary>
public delegate ref readonly L4Endpoint EndpointGetter(in EventRecord record);

/// <summary>The fields of an endpoint, as the reference shows them: one column
/// ("10.0.0.1:80", "[::1]:80") and, in JSON, an object {"addr", "version", "port", "proto"}
/// whose members are also columns of their own ("src.addr", "src.port", ...).</summary>
public static class EndpointFields
{
    public static IEnumerable<EventField> Create(string name, string description, EndpointGetter get)
    {
        yield return new CustomField(name, (in EventRecord r, IFieldSink s) =>
        {
            ref readonly var endpoint = ref get(r);
            Span<byte> text = stackalloc byte[IpAddressText.MaxEndpointLength];
            s.Utf8(text[..IpAddressText.FormatEndpoint(endpoint.Addr, endpoint.Version, endpoint.Port, text)]);
        })
        { Width = 24, Visibility = FieldVisibility.ColumnsOnly, Description = description };
        yield return new CustomField(name + ".addr", (in EventRecord r, IFieldSink s) =>
        {
            ref readonly var endpoint = ref get(r);
            Span<byte> text = stackalloc byte[IpAddressText.MaxLength];
            s.Utf8(text[..IpAddressText.Format(endpoint.Addr, endpoint.Version, text)]);
        })
        { Width = 16, Description = "IP address of the " + description.ToLowerInvariant() };
        yield return new UIntField(name + ".version", (in EventRecord r) => get(r).Version) { Width = 2, Description = "IP version (4 or 6)" };
        yield return new UIntField(name + ".port", (in EventRecord r) => get(r).Port) { Width = 5, OmitEmpty = false, Description = "Port" };
        yield return new UIntField(name + ".proto", (in EventRecord r) => get(r).Proto) { Width = 5, Description = "IP protocol number (6: TCP)" };
    }
}
