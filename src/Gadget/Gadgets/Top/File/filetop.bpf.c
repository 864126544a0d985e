// SPDX-License-Identifier: GPL-2.0
/*
 * top file: reads and writes per thread and file, summed in the kernel.
 *
 * The reference hooks vfs_read/vfs_write with kprobes and counts the bytes
 * asked for. Without kprobes, the system calls' exit tracepoints give the bytes
 * actually transferred (the return value), for read, write, their p- and
 * v- variants. The descriptor is the call's first argument: at exit it is still
 * in the saved user registers (bpf_task_pt_regs, 5.15), so no entry program
 * runs; older kernels remember it per thread at entry. The descriptor is
 * resolved to its struct file at exit (task->files->fdt->fd[fd]), and the file
 * to its inode, device and type. The BTF raw tracepoint sys_exit would be one
 * program instead of ten, but it runs for every system call of the machine
 * (measured for trace fsslower: a getppid loop at 0.45 of its rate, against
 * 0.77 with per-syscall tracepoints).
 *
 * Stats go to one of two hash maps, the one the single slot of current_stats
 * points to. Each interval user space points the slot at the other map, which
 * waits until no program runs with the old one (the kernel does that for every
 * update of a map of maps), then reads and empties the old map at leisure:
 * no increment can land in an entry being read or deleted, so every byte is
 * counted in exactly one interval.
 */
#include "gadget.h"

#define FILETOP_MAX_ENTRIES 10240
#define FILETOP_NAME_MAX 256 /* NAME_MAX + NUL: a dentry's name */

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFREG 0100000

/* What identifies a row: the thread, and the file by inode and device. */
struct filetop_key {
	gadget_mntns_id mntns_id;
	__u64 inode;
	__u32 dev; /* the file system's device (i_sb->s_dev), as the kernel encodes it */
	__u32 pid;
	__u32 tid;
	__u32 pad;
};

struct filetop_value {
	__u64 reads;
	__u64 read_bytes;
	__u64 writes;
	__u64 write_bytes;
	__u32 uid;
	__u32 gid;
	char comm[TASK_COMM_LEN];
	char filename[FILETOP_NAME_MAX]; /* the dentry's name, NUL-terminated */
	__u8 type; /* 'R' regular file, 'S' socket, 'O' anything else */
	__u8 pad[7];
};

const volatile bool regular_file_only = true;
/* bpf_task_pt_regs exists (5.15): the descriptor is read at exit, no entry hook runs. */
const volatile bool with_registers = true;

struct filetop_stats {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILETOP_MAX_ENTRIES);
	__type(key, struct filetop_key);
	__type(value, struct filetop_value);
} stats_a SEC(".maps"), stats_b SEC(".maps");

/* The map programs add to now: stats_a or stats_b (see above). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct filetop_stats);
} current_stats SEC(".maps") = {
	.values = { &stats_a },
};

/* Descriptors of calls under way, by thread, when the registers cannot be read at exit.
 * LRU: the entry of a thread whose exit was never seen does not stay forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __s32);
} pending_fds SEC(".maps");

/* A new entry is built here: it is too big for the stack next to the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct filetop_value);
} scratch SEC(".maps");

GADGET_EVENT(filetop_key);
GADGET_EVENT(filetop_value);

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* The file behind descriptor fd of the task, or NULL. The task's tables are
 * read through its BTF pointer (plain loads). The verifier allows no variable
 * offset into a BTF object, so the slot of fd is read either with a probe read
 * or, cast (bpf_rdonly_cast, 6.2+), as the first member of a struct whose first
 * member is a struct file pointer, like the slot (struct kiocb: ki_filp): a
 * plain load that yields a BTF pointer too, so the file's fields that follow
 * are plain loads as well. */
static __always_inline struct file *task_file(struct task_struct *task, int fd, bool cast)
{
	struct fdtable *fdt = task->files->fdt;
	struct file **fds = fdt->fd;
	struct file *file = NULL;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	if (cast) {
		struct kiocb *slot = bpf_rdonly_cast(&fds[fd], bpf_core_type_id_kernel(struct kiocb));

		return slot->ki_filp;
	}
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

/* What the key and the filter need of a file. cast: through a BTF pointer
 * (bpf_rdonly_cast, 6.2+: plain loads); otherwise a probe read each. A constant
 * in every caller, so each program variant holds only its own branch. */
struct file_view {
	__u64 inode;
	__u32 dev;
	__u32 mode;
};

static __always_inline void view_file(struct file *file, bool cast, struct file_view *v)
{
	if (cast) {
		/* file came from a BTF pointer (task_file): plain loads. */
		struct inode *inode = file->f_inode;

		v->mode = inode->i_mode;
		v->inode = inode->i_ino;
		v->dev = inode->i_sb->s_dev;
	} else {
		struct inode *inode = BPF_CORE_READ(file, f_inode);

		v->mode = BPF_CORE_READ(inode, i_mode);
		v->inode = BPF_CORE_READ(inode, i_ino);
		v->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	}
}

static __always_inline int enter(__s32 fd)
{
	__u32 tid;

	if (gadget_should_discard_mntns_id(gadget_current_mntns_id()))
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&pending_fds, &tid, &fd, BPF_ANY);
	return 0;
}

/* A new row: who, and the file's name and type. Rare (once per thread, file and
 * interval), so plain probe reads. */
static __always_inline struct filetop_value *add_row(void *stats, struct filetop_key *key,
						     struct file *file, __u32 mode)
{
	struct filetop_value *fresh;
	const unsigned char *name;
	__u64 uid_gid;
	__u32 zero = 0;

	fresh = bpf_map_lookup_elem(&scratch, &zero);
	if (!fresh)
		return NULL;
	__builtin_memset(fresh, 0, sizeof(*fresh));
	uid_gid = bpf_get_current_uid_gid();
	fresh->uid = (__u32)uid_gid;
	fresh->gid = uid_gid >> 32;
	bpf_get_current_comm(fresh->comm, sizeof(fresh->comm));
	name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(fresh->filename, sizeof(fresh->filename), name);
	if ((mode & S_IFMT) == S_IFREG)
		fresh->type = 'R';
	else if ((mode & S_IFMT) == S_IFSOCK)
		fresh->type = 'S';
	else
		fresh->type = 'O';
	/* Only this thread writes this key: nobody inserts it meanwhile. A full map
	 * (more rows in one interval than it holds) loses the call: counted, so
	 * that the run's summary says so. */
	if (bpf_map_update_elem(stats, key, fresh, BPF_NOEXIST)) {
		gadget_count_lost();
		return NULL;
	}
	return bpf_map_lookup_elem(stats, key);
}

static __always_inline int account(long ret, bool write, bool cast)
{
	/* Helper calls are what this costs most (each one tens of ns): everything
	 * about the task comes from its BTF pointer, with plain loads. */
	struct task_struct *task = bpf_get_current_task_btf();
	gadget_mntns_id mntns_id = task->nsproxy->mnt_ns->ns.inum;
	struct filetop_key key = {};
	struct filetop_value *value;
	struct file_view view;
	struct file *file;
	void *stats;
	__u32 zero = 0;
	int fd;

	if (gadget_should_discard_mntns_id(mntns_id))
		return 0;

	if (with_registers) {
		/* A BTF pointer: the saved register is a plain load. */
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);

		fd = PT_REGS_PARM1_SYSCALL(regs);
	} else {
		__u32 tid = task->pid;
		__s32 *pending = bpf_map_lookup_elem(&pending_fds, &tid);

		if (!pending)
			return 0;
		fd = *pending;
		bpf_map_delete_elem(&pending_fds, &tid);
	}

	file = task_file(task, fd, cast);
	if (!file)
		return 0;
	view_file(file, cast, &view);
	if (regular_file_only && (view.mode & S_IFMT) != S_IFREG)
		return 0;

	key.mntns_id = mntns_id;
	key.inode = view.inode;
	key.dev = view.dev;
	key.pid = task->tgid;
	key.tid = task->pid;

	stats = bpf_map_lookup_elem(&current_stats, &zero);
	if (!stats)
		return 0;
	value = bpf_map_lookup_elem(stats, &key);
	if (!value) {
		value = add_row(stats, &key, file, view.mode);
		if (!value)
			return 0;
	}
	/* One writer per key (its thread): plain adds. A failed call counts as a
	 * call, as the reference counts every call that reaches vfs_read/write. */
	if (write) {
		value->writes++;
		if (ret > 0)
			value->write_bytes += ret;
	} else {
		value->reads++;
		if (ret > 0)
			value->read_bytes += ret;
	}
	return 0;
}

/* Per system call: an entry program (loaded only where the registers cannot be
 * read at exit) and two exit programs, ft_<name>_x with bpf_rdonly_cast and
 * ft_<name>_x_c without; user space loads one of them. */
#define FILETOP_SYSCALL(name, is_write)                                         \
	SEC("tracepoint/syscalls/sys_enter_" #name)                             \
	int ft_##name##_e(struct trace_event_raw_sys_enter *ctx)                \
	{                                                                       \
		return enter((__s32)ctx->args[0]);                              \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #name)                              \
	int ft_##name##_x(struct trace_event_raw_sys_exit *ctx)                 \
	{                                                                       \
		return account(ctx->ret, is_write, true);                       \
	}                                                                       \
	SEC("tracepoint/syscalls/sys_exit_" #name)                              \
	int ft_##name##_x_c(struct trace_event_raw_sys_exit *ctx)               \
	{                                                                       \
		return account(ctx->ret, is_write, false);                      \
	}

FILETOP_SYSCALL(read, false)
FILETOP_SYSCALL(readv, false)
FILETOP_SYSCALL(pread64, false)
FILETOP_SYSCALL(preadv, false)
FILETOP_SYSCALL(preadv2, false)
FILETOP_SYSCALL(write, true)
FILETOP_SYSCALL(writev, true)
FILETOP_SYSCALL(pwrite64, true)
FILETOP_SYSCALL(pwritev, true)
FILETOP_SYSCALL(pwritev2, true)

char LICENSE[] SEC("license") = "GPL";
