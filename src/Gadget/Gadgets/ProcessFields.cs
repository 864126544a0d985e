namespace Gadget.Gadgets;

/// <summary>The fields of the process an event or row belongs to, read from the common header:
/// declared once here for every gadget, which only chooses their help text.</summary>
public static class ProcessFields
{
    public static EventField Pid(string description = "Process id") =>
        new UIntField("pid", static (in EventRecord r) => r.Header.Pid) { Description = description };

    public static EventField Tid(string description = "Thread id") =>
        new UIntField("tid", static (in EventRecord r) => r.Header.Tid) { Description = description };

    public static EventField Comm(string description = "Command name") =>
        new StringField("comm", static (in EventRecord r) => Utf8Strings.CString(r.Header.Comm)) { Description = description };

    /// <summary>User id; JSON keeps 0 (root), which is a value, not an absence.</summary>
    public static EventField Uid(bool omitEmpty = false) =>
        new UIntField("uid", static (in EventRecord r) => r.Header.Uid) { Width = 8, OmitEmpty = omitEmpty, Description = "User id" };

    public static EventField Gid() =>
        new UIntField("gid", static (in EventRecord r) => r.Header.Gid) { Width = 8, OmitEmpty = false, Description = "Group id" };
}
