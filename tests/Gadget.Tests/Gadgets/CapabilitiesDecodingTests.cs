using Gadget.Gadgets.Common;
using Gadget.Gadgets.Trace.Capabilities;
using Gadget.Tests.Output;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Gadgets;

public class CapabilitiesDecodingTests
{
    private static readonly CapabilitiesGadget Gadget = new();

    private static byte[] Check(int cap, int ret, int syscall = 92, byte audit = 1, sbyte insetid = 0, ulong caps = 0) =>
        Build(new CapabilitiesEvent
        {
            Header = Header(42, "chown"),
            Syscall = syscall,
            Cap = cap,
            Ret = ret,
            Audit = audit,
            Insetid = insetid,
            TargetUserns = 4026531837,
            CurrentUserns = 4026531838,
            Caps = caps,
        });

    [Fact]
    public void Json_has_the_reference_fields()
    {
        var json = Render.Json(Gadget, null, Check(0, -1, caps: 0b1_0000_0001)).Single();

        Assert.Equal(42, json.GetProperty("pid").GetInt32());
        Assert.Equal("chown", json.GetProperty("syscall").GetString());
        Assert.False(json.TryGetProperty("cap", out _), "cap 0 is left out, like the reference");
        Assert.Equal("CHOWN", json.GetProperty("capName").GetString());
        Assert.Equal(1, json.GetProperty("audit").GetInt32());
        Assert.Equal("Deny", json.GetProperty("verdict").GetString());
        Assert.False(json.GetProperty("insetid").GetBoolean());
        Assert.Equal(4026531837, json.GetProperty("targetuserns").GetInt64());
        Assert.Equal(4026531838, json.GetProperty("currentuserns").GetInt64());
        Assert.Equal(0x101, json.GetProperty("caps").GetInt64());
        Assert.Equal(["chown", "setpcap"], json.GetProperty("capsNames").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal(1000, json.GetProperty("uid").GetInt32());
    }

    [Fact]
    public void Default_columns_are_the_reference_ones()
    {
        var lines = Render.Columns(Gadget, null, null, Check(21, 0, syscall: 165)).Split('\n');

        Assert.Equal(["PID", "COMM", "SYSCALL", "CAP", "CAPNAME", "AUDIT", "VERDICT"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["42", "chown", "mount", "21", "SYS_ADMIN", "1", "Allow"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Insetid_is_left_out_when_unknown_and_NA_in_columns()
    {
        var record = Check(7, 0, insetid: -1);

        Assert.False(Render.Json(Gadget, null, record).Single().TryGetProperty("insetid", out _));
        Assert.Equal("N/A", Render.Columns(Gadget, ["insetid"], null, record).Split('\n')[1]);
        Assert.True(Render.Json(Gadget, null, Check(7, 0, insetid: 1)).Single().GetProperty("insetid").GetBoolean());
    }

    [Fact]
    public void Outside_a_system_call_there_is_no_syscall_and_unknown_numbers_are_named_by_number()
    {
        Assert.False(Render.Json(Gadget, null, Check(21, 0, syscall: -1)).Single().TryGetProperty("syscall", out _));
        Assert.Equal("syscall999", Render.Json(Gadget, null, Check(21, 0, syscall: 999)).Single().GetProperty("syscall").GetString());
    }

    [Fact]
    public void Caps_are_hex_in_columns()
    {
        Assert.Equal("1ffffffffff", Render.Columns(Gadget, ["caps"], null, Check(21, 0, caps: 0x1ffffffffff)).Split('\n')[1]);
    }

    [Theory]
    [InlineData(0, "read")]
    [InlineData(59, "execve")]
    [InlineData(92, "chown")]
    [InlineData(257, "openat")]
    [InlineData(335, "uretprobe")]
    [InlineData(435, "clone3")]
    [InlineData(469, "file_setattr")]
    public void Syscall_numbers_have_their_x86_64_names(int number, string name)
    {
        Assert.Equal(name, System.Text.Encoding.ASCII.GetString(SyscallNames.Name(number)));
        Assert.Equal(number, SyscallNames.Number(name));
    }

    [Fact]
    public void Kallsyms_gives_the_ranges_of_the_functions_that_choose_the_options()
    {
        const string Kallsyms = """
            ffffffff81366090 T has_capability_noaudit
            ffffffff813660c0 t something_else
            ffffffff813660f0 T ns_capable_setid
            ffffffff81366240 T ns_capable_noaudit
            ffffffff813663b0 T has_ns_capability_noaudit
            ffffffff812078e2 t ns_capable_noaudit.cold
            ffffffff81207900 t after_cold
            ffffffff81a80100 T cap_capable
            ffffffff81a80310 T cap_vm_enough_memory
            ffffffff81a85020 T security_capable
            ffffffff81a85330 T security_vm_enough_memory_mm
            ffffffff81a85400 D some_data
            ffffffff81a85500 T next_function
            ffffffffc0000000 t cap_capable	[some_module]
            """;

        var ranges = CapabilityCallers.Parse(new StringReader(Kallsyms)).ToDictionary(r => r.Start);

        Assert.Equal(new CapabilityCaller(0xffffffff81366090, 0xffffffff813660c0, CapabilityCallerKind.NoAudit), ranges[0xffffffff81366090]);
        Assert.Equal(new CapabilityCaller(0xffffffff813660f0, 0xffffffff81366240, CapabilityCallerKind.InSetId), ranges[0xffffffff813660f0]);
        Assert.Equal(new CapabilityCaller(0xffffffff812078e2, 0xffffffff81207900, CapabilityCallerKind.NoAudit), ranges[0xffffffff812078e2]);
        Assert.Equal(new CapabilityCaller(0xffffffff81a80100, 0xffffffff81a80310, CapabilityCallerKind.Check), ranges[0xffffffff81a80100]);
        Assert.Equal(new CapabilityCaller(0xffffffff81a85020, 0xffffffff81a85330, CapabilityCallerKind.Pass), ranges[0xffffffff81a85020]);
        Assert.Equal(0xffffffff81a85500ul, ranges[0xffffffff81a85330].End);
        Assert.Equal(9, ranges.Count);
    }

    [Fact]
    public void The_caller_table_entry_mirrors_its_btf()
    {
        using var bpf = Gadget.OpenObject();

        Assert.Equal(bpf.Btf.GetStructSize("cap_caller"), System.Runtime.CompilerServices.Unsafe.SizeOf<CapabilityCaller>());
        Assert.Equal(CapabilityCallers.Max, (int)bpf.Map("cap_callers").MaxEntries);
    }

    [Fact]
    public void Hidden_kernel_addresses_give_no_ranges()
    {
        Assert.Empty(CapabilityCallers.Parse(new StringReader("0000000000000000 T cap_capable\n0000000000000000 T security_capable\n")));
    }
}
