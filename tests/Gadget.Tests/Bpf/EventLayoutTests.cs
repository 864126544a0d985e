using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Gadget.Gadgets;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Trace.Bind;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.Gadgets.Trace.Dns;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Gadgets.Trace.Fsslower;
using Gadget.Gadgets.Trace.Mount;
using Gadget.Gadgets.Trace.Oomkill;
using Gadget.Gadgets.Trace.Open;
using Gadget.Gadgets.Trace.Signal;
using Gadget.Gadgets.Trace.Sni;
using Gadget.Gadgets.Trace.Tcp;
using Gadget.Gadgets.Trace.Tcpconnect;

namespace Gadget.Tests.Bpf;

/// <summary>The C# event structs must match the C structs byte for byte: compared with the
/// BTF of the compiled BPF objects (opening an object needs no privilege).</summary>
public class EventLayoutTests
{
    public static TheoryData<TraceGadget, string, Type> Events => new()
    {
        { new ExecGadget(), "exec_event", typeof(ExecEvent) },
        { new OpenGadget(), "open_event", typeof(OpenEvent) },
        { new DnsGadget(), "dns_event", typeof(DnsEvent) },
        { new SniGadget(), "sni_event", typeof(SniEvent) },
        { new FsslowerGadget(), "fsslower_event", typeof(FsslowerEvent) },
        { new BindGadget(), "bind_event", typeof(BindEvent) },
        { new TcpGadget(), "tcp_event", typeof(TcpEvent) },
        { new TcpconnectGadget(), "tcpconnect_event", typeof(TcpconnectEvent) },
        { new SignalGadget(), "signal_event", typeof(SignalEvent) },
        { new MountGadget(), "mount_event", typeof(MountEvent) },
        { new OomkillGadget(), "oomkill_event", typeof(OomkillEvent) },
        { new CapabilitiesGadget(), "capabilities_event", typeof(CapabilitiesEvent) },
    };

    [Theory]
    [MemberData(nameof(NetworkGadgets))]
    public void Endpoints_mirror_their_btf(TraceGadget gadget)
    {
        using var bpf = gadget.OpenObject();
        AssertMirrors(bpf.Btf, "gadget_l4endpoint", typeof(L4Endpoint));
    }

    public static TheoryData<TraceGadget> NetworkGadgets => [new TcpGadget(), new TcpconnectGadget()];

    [Theory]
    [MemberData(nameof(Events))]
    public void Event_structs_mirror_their_btf(TraceGadget gadget, string cName, Type csharpType)
    {
        using var bpf = gadget.OpenObject();
        AssertMirrors(bpf.Btf, cName, csharpType);
        AssertMirrors(bpf.Btf, "gadget_event_header", typeof(EventHeader));
    }

    private static void AssertMirrors(Gadget.Native.Btf btf, string cName, Type type)
    {
        var members = btf.GetStructMembers(cName);
        Assert.True(members is not null, $"struct {cName} is not in the BTF");
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = SnakeCase(field.Name);
            var member = members!.SingleOrDefault(m => m.Name == name);
            Assert.True(member.Name is not null, $"{type.Name}.{field.Name} has no member {name} in struct {cName}");
            Assert.Equal(member.Offset, (int)Marshal.OffsetOf(type, field.Name));
            Assert.Equal(member.Size, Marshal.SizeOf(field.FieldType));
        }
        // The C# struct ends where the variable part begins (or where the C struct ends).
        var data = members!.SingleOrDefault(m => m.Name == "data");
        var expectedSize = data.Name is not null ? data.Offset : btf.GetStructSize(cName);
        Assert.Equal(expectedSize, Marshal.SizeOf(type));
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
