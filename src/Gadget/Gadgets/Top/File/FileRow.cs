namespace Gadget.Gadgets.Top.Files;

/// <summary>One row of top file: what one thread did to one file in an interval.</summary>
public sealed class FileRow : GadgetRow
{
    public ulong Reads;
    public ulong ReadBytes;
    public ulong Writes;
    public ulong WriteBytes;

    /// <summary>'R' regular file, 'S' socket, 'O' anything else (pipes, devices...).</summary>
    public byte FileType;

    /// <summary>The name of the file's dentry (its last path component), UTF-8.</summary>
    public byte[] FileName = [];

    /// <summary>Builds the row of one entry of the kernel's stats map.</summary>
    public static FileRow From(in FiletopKey key, in FiletopValue value, ulong timestamp)
    {
        var row = new FileRow
        {
            Reads = value.Reads,
            ReadBytes = value.ReadBytes,
            Writes = value.Writes,
            WriteBytes = value.WriteBytes,
            FileType = value.Type,
            FileName = Utf8Strings.CString(value.Filename).ToArray(),
        };
        row.Header.Timestamp = timestamp;
        row.Header.MntnsId = key.MntnsId;
        row.Header.Pid = key.Pid;
        row.Header.Tid = key.Tid;
        row.Header.Uid = value.Uid;
        row.Header.Gid = value.Gid;
        row.Header.Comm = value.Comm;
        return row;
    }
}
