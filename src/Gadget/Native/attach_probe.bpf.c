// SPDX-License-Identifier: GPL-2.0
/* Minimal programs, one per kind of hook, that KernelFeatures.CanAttach loads and attaches
 * one at a time (and detaches at once) to learn whether this kernel really accepts them:
 * a program type can exist and still be refused at load or attach (fentry under lockdown).
 * No maps and no globals, so a probe creates nothing but the program and its link. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tracepoint/sched/sched_process_exec")
int probe_tp(void *ctx)
{
	return 0;
}

SEC("raw_tp/sched_process_exec")
int probe_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_tp_btf)
{
	return 0;
}

/* bpf_fentry_test1 exists for such probes: only BPF test runs call it, so attaching to it
 * costs nothing anywhere else. */
SEC("fentry/bpf_fentry_test1")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(probe_fexit)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
