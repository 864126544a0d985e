// SPDX-License-Identifier: GPL-2.0
/*
 * trace fsslower: reads, writes, opens and fsyncs of regular files on one file
 * system type that take longer than a threshold.
 *
 * The reference (and bcc/libbpf-tools fsslower) put kprobes on the file
 * system's own functions (ext4_file_read_iter, ext4_file_open, ...). Kernels
 * without kprobes and with fentry refused leave the system calls: each
 * syscall's entry and exit tracepoint. Entry resolves the descriptor to its
 * struct file and keeps only regular files of the wanted file system type; it
 * stores the start time per thread; exit computes the latency and reports it
 * when it is above the threshold. What that changes (see FsslowerGadget.cs):
 * the latency is the whole system call's, and only I/O that goes through
 * these system calls is seen.
 *
 * The hooks are the per-syscall tracepoints. The BTF raw tracepoints
 * sys_enter/sys_exit were measured as the alternative: they run the programs
 * for every system call of the machine (a getppid loop ran at 0.45 of its
 * untraced rate, against 0.77 with these), and made traced reads no cheaper.
 *
 * Fast operations cost a descriptor lookup and a few reads at entry, and one
 * map lookup at exit; nothing reaches user space unless it is slow. Where the
 * kernel has bpf_rdonly_cast (6.2+), the struct file is read through a BTF
 * pointer, with plain loads instead of a helper call per field: each program
 * that reads it comes in two variants, and user space loads one.
 */
#include "gadget.h"

#define FSSL_NAME_MAX 256       /* NAME_MAX + NUL: a dentry name */
#define FSSL_MAX_INFLIGHT 16384 /* threads inside a traced syscall at once */
#define FSSL_S_IFMT 00170000
#define FSSL_S_IFREG 0100000
#define FSSL_FMODE_PATH 0x4000
#define FSSL_LLONG_MAX 0x7fffffffffffffffLL

enum fsslower_op {
	FSSL_READ,
	FSSL_WRITE,
	FSSL_OPEN,
	FSSL_FSYNC,
};

struct fsslower_event {
	struct gadget_event_header header;
	__u64 latency_ns;
	__s64 offset;  /* file position at entry (the pread/pwrite offset when given) */
	__u64 bytes;   /* bytes transferred; for fsync the length of the synced range */
	__u32 op;      /* enum fsslower_op */
	__u32 pad;
	char file[FSSL_NAME_MAX]; /* the dentry name, NUL-terminated */
};

/* What entry leaves for exit, per thread. */
struct fsslower_start {
	__u64 ts;        /* bpf_ktime_get_ns at entry; 0 once exit consumed it */
	__u64 file;      /* struct file * (read/write/fsync; opens find it at exit) */
	__s64 offset;
	__s32 syscall;   /* the syscall number, so an exit only takes its own entry */
	__u32 op;
};

/* A file system type name, compared as words. */
struct fs_name {
	__u64 w[4];
};

/* Latency threshold; reported operations took strictly longer. */
const volatile __u64 min_lat_ns = 10 * 1000 * 1000;
/* The wanted file system type (struct file_system_type.name), NUL-padded. */
const volatile struct fs_name target_fs = {};
/* Count an overlay mount as the file system its layers live on (false when
 * the target is "overlay" itself). */
const volatile bool match_overlay_backing = true;

/* Per-thread entry state. LRU: a thread that never comes back (or a flood of
 * threads) cannot fill it for good. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FSSL_MAX_INFLIGHT);
	__type(key, __u32);
	__type(value, struct fsslower_start);
} starts SEC(".maps");

GADGET_EVENT(fsslower_event);

/* Turns a kernel pointer into a read-only BTF pointer (6.2+; weak, so that
 * objects load on older kernels, where only the _c variants are loaded). */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The struct file behind a descriptor of the current task. The task and its
 * descriptor table are read through BTF pointers (plain loads, no helper
 * calls); only the array slot needs a probe read. */
static __always_inline struct file *current_file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

static __always_inline void read_fs_name(struct super_block *sb, struct fs_name *out)
{
	const char *name = BPF_CORE_READ(sb, s_type, name);

	__builtin_memset(out, 0, sizeof(*out));
	bpf_probe_read_kernel_str(out, sizeof(*out), name);
}

static __always_inline bool is_target(const struct fs_name *name)
{
	return name->w[0] == target_fs.w[0] && name->w[1] == target_fs.w[1] &&
	       name->w[2] == target_fs.w[2] && name->w[3] == target_fs.w[3];
}

static __always_inline bool is_overlay(const struct fs_name *name)
{
	const char overlay[8] = "overlay";
	__u64 word;

	__builtin_memcpy(&word, overlay, sizeof(word));
	return name->w[0] == word && name->w[1] == 0;
}

/* The superblock an overlay keeps its files on: its upper layer's, or the
 * first lower layer's when it has no upper (read-only). Files of a container
 * on overlay then count as the file system under the overlay, as they do for
 * the reference, whose kprobes on that file system see the I/O overlay
 * passes down. */
static __always_inline struct super_block *overlay_backing_sb(struct super_block *sb)
{
	struct ovl_fs *ofs;
	struct ovl_layer *layers;
	struct vfsmount *mnt = NULL;

	if (!bpf_core_type_exists(struct ovl_fs) || !bpf_core_field_exists(struct ovl_fs, layers))
		return NULL;
	ofs = BPF_CORE_READ(sb, s_fs_info);
	layers = BPF_CORE_READ(ofs, layers);
	if (!layers)
		return NULL;
	bpf_core_read(&mnt, sizeof(mnt), &layers[0].mnt);
	if (!mnt && BPF_CORE_READ(ofs, numlayer) > 1)
		bpf_core_read(&mnt, sizeof(mnt), &layers[1].mnt);
	return mnt ? BPF_CORE_READ(mnt, mnt_sb) : NULL;
}

/* The fields of a struct file the filter needs. cast: through a BTF pointer
 * (plain loads); otherwise a probe read each. A compile-time constant in
 * every caller, so each variant holds only its own branch. */
struct file_view {
	struct super_block *sb;
	const char *type_name;
	__u32 mode;
	__u32 f_mode;
};

static __always_inline void view_file(struct file *file, bool cast, struct file_view *v)
{
	if (cast) {
		struct file *f = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
		struct inode *inode = f->f_inode;

		v->mode = inode->i_mode;
		v->sb = inode->i_sb;
		v->type_name = v->sb->s_type->name;
		v->f_mode = f->f_mode;
	} else {
		/* Through locals: BPF_CORE_READ relocates its first argument's
		 * accesses too, and struct file_view is not the kernel's. */
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		struct super_block *sb = BPF_CORE_READ(inode, i_sb);

		v->mode = BPF_CORE_READ(inode, i_mode);
		v->sb = sb;
		v->type_name = BPF_CORE_READ(sb, s_type, name);
		v->f_mode = BPF_CORE_READ(file, f_mode);
	}
}

static __always_inline __s64 file_pos(struct file *file, bool cast)
{
	if (cast)
		return ((struct file *)bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file)))->f_pos;
	return BPF_CORE_READ(file, f_pos);
}

/* A regular file on the wanted file system: what the reference's hooks, the
 * file system's file operations, would see. Pipes, sockets, devices and
 * directories are not; nor O_PATH descriptors, which no file operation sees. */
static __always_inline bool wanted_file(struct file *file, bool cast)
{
	struct file_view v;
	struct super_block *sb;
	struct fs_name name;

	view_file(file, cast, &v);
	if ((v.mode & FSSL_S_IFMT) != FSSL_S_IFREG || (v.f_mode & FSSL_FMODE_PATH))
		return false;
	__builtin_memset(&name, 0, sizeof(name));
	bpf_probe_read_kernel_str(&name, sizeof(name), v.type_name);
	if (is_target(&name))
		return true;
	if (!match_overlay_backing || !is_overlay(&name))
		return false;
	sb = overlay_backing_sb(v.sb);
	if (!sb)
		return false;
	read_fs_name(sb, &name);
	return is_target(&name);
}

static __always_inline void record_start(__s32 syscall, enum fsslower_op op, struct file *file, __s64 offset)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsslower_start *start = bpf_map_lookup_elem(&starts, &tid);

	/* Reuse this thread's slot in place: cheaper than an update, which
	 * allocates a new element and frees the old one. Only this thread
	 * writes its slot. */
	if (start) {
		start->file = (__u64)file;
		start->offset = offset;
		start->syscall = syscall;
		start->op = op;
		start->ts = bpf_ktime_get_ns();
		return;
	}
	struct fsslower_start fresh = {
		.ts = bpf_ktime_get_ns(),
		.file = (__u64)file,
		.offset = offset,
		.syscall = syscall,
		.op = op,
	};
	bpf_map_update_elem(&starts, &tid, &fresh, BPF_ANY);
}

static __always_inline bool discard_current(void)
{
	/* The mount namespace is only read when a filter is set. */
	return gadget_filter_by_mntns && gadget_should_discard_mntns_id(gadget_current_mntns_id());
}

/* Entry of a read or write; pos < 0 means "at the file position". */
static __always_inline int rw_enter(struct trace_event_raw_sys_enter *ctx, enum fsslower_op op, __s64 pos, bool cast)
{
	struct file *file;

	if (discard_current())
		return 0;
	file = current_file((int)ctx->args[0]);
	if (!file || !wanted_file(file, cast))
		return 0;
	if (pos < 0)
		pos = file_pos(file, cast);
	record_start((__s32)ctx->id, op, file, pos);
	return 0;
}

/* Takes this thread's pending entry for this syscall and returns its latency
 * when above the threshold, else 0. */
static __always_inline __u64 take_slow(struct trace_event_raw_sys_exit *ctx, struct fsslower_start **out)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsslower_start *start = bpf_map_lookup_elem(&starts, &tid);
	__u64 delta;

	if (!start || !start->ts || start->syscall != (__s32)ctx->id)
		return 0;
	delta = bpf_ktime_get_ns() - start->ts;
	start->ts = 0;
	if (delta <= min_lat_ns)
		return 0;
	*out = start;
	return delta;
}

static __always_inline void emit(struct file *file, enum fsslower_op op, __u64 latency_ns, __s64 offset, __u64 bytes)
{
	struct fsslower_event *event = gadget_reserve(sizeof(*event));
	const unsigned char *name;

	if (!event)
		return;
	gadget_fill_header(&event->header, gadget_current_mntns_id());
	event->latency_ns = latency_ns;
	event->offset = offset;
	event->bytes = bytes;
	event->op = op;
	event->pad = 0;
	event->file[0] = 0;
	name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(event->file, sizeof(event->file), name);
	gadget_submit(event);
}

static __always_inline int rw_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct fsslower_start *start = NULL;
	__u64 latency = take_slow(ctx, &start);
	long ret = ctx->ret;

	if (!latency || !start)
		return 0;
	if (start->op == FSSL_FSYNC)
		/* The range the file system was asked to sync, as the reference
		 * reports it: the whole file, [0, LLONG_MAX]. */
		emit((struct file *)start->file, FSSL_FSYNC, latency, 0, FSSL_LLONG_MAX);
	else
		emit((struct file *)start->file, start->op, latency, start->offset, ret > 0 ? ret : 0);
	return 0;
}

static __always_inline int open_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* The file exists only at exit: opens are timed first, filtered by
	 * file system at exit, and only when they were slow. */
	if (discard_current())
		return 0;
	record_start((__s32)ctx->id, FSSL_OPEN, NULL, 0);
	return 0;
}

static __always_inline int open_exit(struct trace_event_raw_sys_exit *ctx, bool cast)
{
	struct fsslower_start *start = NULL;
	__u64 latency = take_slow(ctx, &start);
	struct file *file;

	if (!latency || ctx->ret < 0)
		return 0;
	file = current_file((int)ctx->ret);
	if (!file || !wanted_file(file, cast))
		return 0;
	emit(file, FSSL_OPEN, latency, 0, 0);
	return 0;
}

/* One entry and one exit program per system call; the programs that read the
 * struct file come twice: <name> with bpf_rdonly_cast, <name>_c without. The
 * kernel keeps 15 characters of a name: "fssl_<syscall>_e/_x" stays
 * recognisable. */
#define FSSL_RW(syscall, op, pos)                                               \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                          \
	int fssl_##syscall##_e(struct trace_event_raw_sys_enter *ctx)           \
	{                                                                       \
		return rw_enter(ctx, op, pos, true);                            \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                          \
	int fssl_##syscall##_e_c(struct trace_event_raw_sys_enter *ctx)         \
	{                                                                       \
		return rw_enter(ctx, op, pos, false);                           \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #syscall)                           \
	int fssl_##syscall##_x(struct trace_event_raw_sys_exit *ctx)            \
	{                                                                       \
		return rw_exit(ctx);                                            \
	}

#define FSSL_OPEN_SYSCALL(syscall)                                              \
	SEC("tracepoint/syscalls/sys_enter_" #syscall)                          \
	int fssl_##syscall##_e(struct trace_event_raw_sys_enter *ctx)           \
	{                                                                       \
		return open_enter(ctx);                                         \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #syscall)                           \
	int fssl_##syscall##_x(struct trace_event_raw_sys_exit *ctx)            \
	{                                                                       \
		return open_exit(ctx, true);                                    \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #syscall)                           \
	int fssl_##syscall##_x_c(struct trace_event_raw_sys_exit *ctx)          \
	{                                                                       \
		return open_exit(ctx, false);                                   \
	}

/* read/write and readv/writev use the file position; the p- variants take an
 * offset (args[3]; on 64-bit the whole offset is in pos_l), where -1 for
 * preadv2/pwritev2 means the file position again. */
FSSL_RW(read, FSSL_READ, -1)
FSSL_RW(readv, FSSL_READ, -1)
FSSL_RW(pread64, FSSL_READ, (__s64)ctx->args[3])
FSSL_RW(preadv, FSSL_READ, (__s64)ctx->args[3])
FSSL_RW(preadv2, FSSL_READ, (__s64)ctx->args[3])
FSSL_RW(write, FSSL_WRITE, -1)
FSSL_RW(writev, FSSL_WRITE, -1)
FSSL_RW(pwrite64, FSSL_WRITE, (__s64)ctx->args[3])
FSSL_RW(pwritev, FSSL_WRITE, (__s64)ctx->args[3])
FSSL_RW(pwritev2, FSSL_WRITE, (__s64)ctx->args[3])
FSSL_RW(fsync, FSSL_FSYNC, 0)
FSSL_RW(fdatasync, FSSL_FSYNC, 0)
FSSL_OPEN_SYSCALL(open)
FSSL_OPEN_SYSCALL(creat)
FSSL_OPEN_SYSCALL(openat)
FSSL_OPEN_SYSCALL(openat2)

char LICENSE[] SEC("license") = "GPL";
