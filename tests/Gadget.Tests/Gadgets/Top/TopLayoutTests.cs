using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Gadget.Gadgets.Common;
using Gadget.Gadgets.Top.Files;
using Gadget.Gadgets.Top.Tcp;
using Gadget.Native;

namespace Gadget.Tests.Gadgets.Top;

/// <summary>The C# mirrors of the top gadgets' map keys and values must match the C structs
/// byte for byte: compared with the BTF of the compiled objects (opening needs no privilege).</summary>
public class TopLayoutTests
{
    public static TheoryData<string, string, Type> Structs => new()
    {
        { "filetop.bpf.o", "filetop_key", typeof(FiletopKey) },
        { "filetop.bpf.o", "filetop_value", typeof(FiletopValue) },
        { "tcptop.bpf.o", "tcptop_key", typeof(TcptopKey) },
        { "tcptop.bpf.o", "tcptop_value", typeof(TcptopValue) },
        { "tcptop.bpf.o", "gadget_l4endpoint", typeof(L4Endpoint) },
    };

    [Theory]
    [MemberData(nameof(Structs))]
    public void Map_structs_mirror_their_btf(string objectName, string cName, Type type)
    {
        using var bpf = Open(objectName);
        var members = bpf.Btf.GetStructMembers(cName);
        Assert.True(members is not null, $"struct {cName} is not in the BTF of {objectName}");
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = SnakeCase(field.Name);
            var member = members!.SingleOrDefault(m => m.Name == name);
            Assert.True(member.Name is not null, $"{type.Name}.{field.Name} has no member {name} in struct {cName}");
            Assert.Equal(member.Offset, (int)Marshal.OffsetOf(type, field.Name));
            Assert.Equal(member.Size, Marshal.SizeOf(field.FieldType));
        }
        Assert.Equal(members!.Count, type.GetFields(BindingFlags.Public | BindingFlags.Instance).Length);
        Assert.Equal(bpf.Btf.GetStructSize(cName), Marshal.SizeOf(type));
    }

    private static BpfObject Open(string objectName)
    {
        using var stream = typeof(FiletopKey).Assembly.GetManifestResourceStream("bpf/" + objectName)
            ?? throw new InvalidOperationException($"{objectName} is not embedded");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return BpfObject.Open(bytes, "igt_layout");
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
