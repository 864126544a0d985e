using System.Text;
using Gadget.Containers;
using Gadget.Gadgets;
using Gadget.Gadgets.Trace.Exec;
using Gadget.Gadgets.Trace.Open;
using Gadget.Output;
using Gadget.Runtime;
using static Gadget.Tests.RecordBuilder;

namespace Gadget.Tests.Runtime;

/// <summary>The path every event takes in user space — the record pump (size check, container
/// lookup, filters) and a formatter writing to its output — allocates nothing per event.</summary>
[Collection(nameof(AllocationMeasurements))]
public class HotPathAllocationTests
{
    private const int WarmUpEvents = 5_000;
    private const int MeasuredEvents = 50_000;

    private const ulong PodMntns = 4026532999;

    private static readonly ContainerInfo Pod = new()
    {
        Runtime = "containerd",
        Id = "0123456789abcdef",
        Name = "web",
        ImageName = "docker.io/library/web:1",
        Pid = 0,
        MntnsId = PodMntns,
        PodName = "web-7d9",
        Namespace = "prod",
        K8sContainerName = "web",
        PodLabels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" },
    };

    [Theory]
    [InlineData("exec", "json", "")]
    [InlineData("exec", "columns", "")]
    [InlineData("exec", "json", "paths")]
    [InlineData("exec", "columns", "paths")]
    [InlineData("open", "json", "")]
    [InlineData("open", "columns", "")]
    [InlineData("open", "json", "full-path")]
    [InlineData("open", "columns", "full-path")]
    public void Decoding_and_formatting_allocate_nothing_per_event(string gadgetName, string output, string flag)
    {
        TraceGadget gadget = gadgetName == "exec" ? new ExecGadget() : new OpenGadget();
        var records = gadgetName == "exec" ? ExecRecords() : OpenRecords();
        var parameters = new ParameterValues(gadget.Parameters, flag.Length == 0 ? [] : [new(flag, "true")]);
        var containers = new ContainerCollection();
        containers.AddOrUpdate(Pod);
        var written = new CountingStream();
        var sink = OutputFormat.Parse(output).CreateSink(written, TextWriter.Null);
        var pump = new RecordPump((StreamRun)gadget.CreateRun(parameters), containers, sink);
        sink.Start(SinkStart.For(gadget, parameters));

        Pump(pump, sink, records, WarmUpEvents);
        var writtenBefore = written.Bytes;
        var allocated = AllocationMeter.Measure(() => Pump(pump, sink, records, MeasuredEvents));

        Assert.Equal((ulong)(WarmUpEvents + MeasuredEvents), pump.Delivered);
        Assert.True(written.Bytes - writtenBefore > MeasuredEvents * 20L, $"only {written.Bytes - writtenBefore} bytes of output");
        Assert.True(allocated == 0, $"{allocated} bytes allocated for {MeasuredEvents} events");
    }

    /// <summary>Feeds the records round-robin, ending a batch every 64 events as the ring reader does.</summary>
    private static void Pump(RecordPump pump, IGadgetSink sink, byte[][] records, int count)
    {
        for (var i = 0; i < count; i++)
        {
            pump.OnRecord(records[i % records.Length]);
            if (i % 64 == 63)
                sink.EndBatch();
        }
        sink.EndBatch();
    }

    /// <summary>Host and pod events; successful, failed and truncated execs; with and without paths.</summary>
    private static byte[][] ExecRecords()
    {
        byte[] Exec(ulong mntns, string[] args, int error = 0, bool truncated = false, string? cwd = null, string? exe = null)
        {
            var argBytes = Encoding.UTF8.GetBytes(string.Concat(args.Select(a => a + "\0")));
            var cwdBytes = cwd is null ? [] : CString(cwd);
            var exeBytes = exe is null ? [] : CString(exe);
            var evt = new ExecEvent
            {
                Header = Header(4242, "mytool", mntns),
                Ppid = 7,
                Loginuid = 1000,
                Sessionid = 3,
                Error = error,
                Pcomm = Comm("bash"),
                ArgsSize = (uint)argBytes.Length,
                CwdSize = (ushort)cwdBytes.Length,
                ExepathSize = (ushort)exeBytes.Length,
                ArgsTruncated = truncated ? (byte)1 : (byte)0,
            };
            return Build(evt, argBytes, cwdBytes, exeBytes);
        }

        const ulong host = 4026531840;
        return
        [
            Exec(host, ["/bin/ls", "-l", "/tmp dir"]),
            Exec(PodMntns, ["/bin/sh", "-c", "cat /etc/hostname"], cwd: "/srv", exe: "/bin/busybox"),
            Exec(host, ["/no/such/tool"], error: 2),
            Exec(PodMntns, [new string('a', 300), "b\u00e9", "\u0001ctl"], truncated: true, cwd: "/", exe: "/usr/bin/tool"),
        ];
    }

    /// <summary>Host and pod events; successful and failed opens; with flags, a mode, a full path.</summary>
    private static byte[][] OpenRecords()
    {
        byte[] Open(ulong mntns, string path, int fd, int error = 0, uint flags = 0, uint mode = 0, string? fullPath = null)
        {
            var pathBytes = CString(path);
            var fullBytes = fullPath is null ? [] : CString(fullPath);
            var evt = new OpenEvent
            {
                Header = Header(99, "cat", mntns),
                Fd = fd,
                Error = error,
                Flags = flags,
                Mode = mode,
                PathSize = (ushort)pathBytes.Length,
                FullPathSize = (ushort)fullBytes.Length,
            };
            return Build(evt, pathBytes, fullBytes);
        }

        const ulong host = 4026531840;
        return
        [
            Open(host, "/etc/passwd", 3, flags: 0x80000),
            Open(PodMntns, "./missing", -1, error: 2, fullPath: "/srv/./missing"),
            Open(PodMntns, "new", 4, flags: 0x241, mode: 0x1a4, fullPath: "/srv/new"),
            Open(host, "/etc/" + new string('x', 200) + "\u00e9", 5, flags: 0x410002 | 0x101000),
            Open(host, "/root/secret", -1, error: 13),
        ];
    }

    /// <summary>Counts what the formatter writes, and keeps none of it.</summary>
    private sealed class CountingStream : Stream
    {
        public long Bytes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Bytes += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Bytes += buffer.Length;
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Bytes;
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
