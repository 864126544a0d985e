/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Absolute paths from kernel objects (struct path, struct file, a task's cwd
 * and executable), for programs that cannot call bpf_d_path: tracepoints may
 * not, and fentry/LSM hooks are not always allowed (lockdown).
 *
 * The path is built right to left in a scratch buffer of twice GADGET_PATH_MAX
 * bytes: the masks on offsets and lengths then prove to the verifier that no
 * access leaves the buffer.
 */
#ifndef GADGET_PATH_H
#define GADGET_PATH_H

#include "gadget.h"

#define GADGET_PATH_MAX 4096
#define GADGET_PATH_MASK (GADGET_PATH_MAX - 1)
#define GADGET_PATH_DEPTH 64

struct gadget_path_buf {
	char bytes[GADGET_PATH_MAX * 2];
	__u32 off; /* where the path being built starts in bytes */
};

/* Fills buf with the absolute path of the dentry in the mount, as seen from the
 * root of its mount namespace, and returns the offset where that NUL-terminated
 * string starts; the string ends at byte GADGET_PATH_MAX - 1. Paths deeper than
 * GADGET_PATH_DEPTH components lose their leading components.
 *
 * A global function: the verifier checks it once, not at every call site. Its
 * kernel pointers travel as integers because global functions may only take
 * pointers to plain data. */
__noinline __u32 gadget_read_dentry_path(__u64 dentry_ptr, __u64 vfsmnt_ptr, struct gadget_path_buf *buf)
{
	struct dentry *dentry = (struct dentry *)dentry_ptr;
	struct vfsmount *vfsmnt = (struct vfsmount *)vfsmnt_ptr;
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);

	if (!buf)
		return 0;
	/* The write offset lives in map memory, not in a register: the verifier then
	 * sees the same state at every iteration, whatever path led there, and prunes
	 * instead of exploring each combination of mount crossings and names. */
	buf->off = GADGET_PATH_MAX - 1;
	buf->bytes[GADGET_PATH_MAX - 1] = 0;

	for (int i = 0; i < GADGET_PATH_DEPTH; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

		if (dentry == mnt_root || dentry == parent) {
			struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

			/* The root of a file system that is not a mount root is a
			 * detached tree; the root of the top mount ends the walk. */
			if (dentry != mnt_root || mnt == mnt_parent)
				break;
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			vfsmnt = &mnt->mnt;
			continue;
		}

		__u32 len = BPF_CORE_READ(dentry, d_name.len);
		const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
		__u32 off = buf->off;

		if (len + 1 > off)
			break;
		off -= len;
		bpf_probe_read_kernel(&buf->bytes[off & GADGET_PATH_MASK], len & GADGET_PATH_MASK, name);
		off -= 1;
		buf->bytes[off & GADGET_PATH_MASK] = '/';
		buf->off = off;
		dentry = parent;
	}

	__u32 off = buf->off;

	if (off == GADGET_PATH_MAX - 1) {
		/* The root itself. */
		off -= 1;
		buf->bytes[off & GADGET_PATH_MASK] = '/';
	}
	return off & GADGET_PATH_MASK;
}

/* gadget_read_dentry_path for a struct path (in kernel memory or on the stack). */
static __always_inline __u32 gadget_read_path(const struct path *path, struct gadget_path_buf *buf)
{
	return gadget_read_dentry_path((__u64)BPF_CORE_READ(path, dentry), (__u64)BPF_CORE_READ(path, mnt), buf);
}

/* Copies the path that gadget_read_path left in buf to dst (at most
 * GADGET_PATH_MAX bytes, NUL included) and returns the bytes copied. */
static __always_inline __u64 gadget_copy_path(char *dst, const struct gadget_path_buf *buf, __u64 off)
{
	__u64 size = GADGET_PATH_MAX - (off & GADGET_PATH_MASK);

	if (size > GADGET_PATH_MAX)
		size = GADGET_PATH_MAX;
	barrier_var(size);
	bpf_probe_read_kernel(dst, size, &buf->bytes[off & GADGET_PATH_MASK]);
	return size;
}

/* The open file behind a descriptor of the current task, or NULL. */
static __always_inline struct file *gadget_current_file(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	unsigned int max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	struct file *file = NULL;

	if (fd < 0 || (unsigned int)fd >= max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

#endif /* GADGET_PATH_H */
