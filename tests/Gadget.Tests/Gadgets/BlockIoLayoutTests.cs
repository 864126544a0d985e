using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Gadget.Gadgets;
using Gadget.Gadgets.Profile.BlockIo;
using Gadget.Gadgets.Top.BlockIo;

namespace Gadget.Tests.Gadgets;

/// <summary>The C# mirrors of the block-io gadgets' map keys and values must match the C
/// structs byte for byte: compared with the BTF of the compiled objects.</summary>
public class BlockIoLayoutTests
{
    public static TheoryData<string, string, Type> Structs => new()
    {
        { "biotop.bpf.o", "biotop_key", typeof(BiotopKey) },
        { "biotop.bpf.o", "biotop_value", typeof(BiotopValue) },
        { "biolatency.bpf.o", "biolat_key", typeof(BiolatKey) },
        { "biolatency.bpf.o", "biolat_hist", typeof(BiolatHist) },
    };

    [Theory]
    [MemberData(nameof(Structs))]
    public void Map_structs_mirror_their_btf(string bpfObject, string cName, Type type)
    {
        using var bpf = EmbeddedBpf.Open(bpfObject, "igt_layout");
        var members = bpf.Btf.GetStructMembers(cName);
        Assert.True(members is not null, $"struct {cName} is not in the BTF of {bpfObject}");
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(members!.Count, fields.Length);
        foreach (var field in fields)
        {
            var member = members.SingleOrDefault(m => m.Name == SnakeCase(field.Name));
            Assert.True(member.Name is not null, $"{type.Name}.{field.Name} has no member in struct {cName}");
            Assert.Equal(member.Offset, (int)Marshal.OffsetOf(type, field.Name));
            Assert.Equal(member.Size, Marshal.SizeOf(field.FieldType));
        }
        Assert.Equal(bpf.Btf.GetStructSize(cName), Marshal.SizeOf(type));
    }

    [Fact]
    public void The_recursion_miss_counter_is_where_the_kernel_keeps_it()
    {
        using var btf = Gadget.Native.Btf.LoadKernel();
        var members = btf.GetStructMembers("bpf_prog_info")!;
        Assert.Equal(Gadget.Native.BpfProgramInfo.RecursionMissesOffset, members.Single(m => m.Name == "recursion_misses").Offset);
        Assert.True(btf.GetStructSize("bpf_prog_info") >= Gadget.Native.BpfProgramInfo.InfoSize);
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
