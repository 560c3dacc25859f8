/*
 * hostinfo.h: host facts read from /proc, /sys and $PATH (node info, free
 * memory, CPU topology, NUMA cells, KVM usability, qemu binaries)
 *
 * Every reader takes a HostinfoPaths so tests can point it at a fake tree
 * under tests/data/hostinfo/; NULL (or a NULL member) means the real host.
 * Nothing here runs a program: emulators are only found, never probed.
 *
 * util/ must not depend on conf/: results are plain data that a driver
 * turns into a Caps (conf/caps.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

/* Where the host facts are read. NULL members take the default shown. */
typedef struct HostinfoPaths {
    const char *proc;        /* "/proc" */
    const char *sys;         /* "/sys" */
    const char *dev_kvm;     /* "/dev/kvm" */
    const char *arch;        /* uname(2) machine, e.g. "x86_64" */
    const char *search_path; /* emulator search: "$PATH:/usr/bin" */
} HostinfoPaths;

/* Fills @info as libvirt's virNodeGetInfo does on Linux: model =
 * architecture (uname machine), memory = /proc/meminfo MemTotal (KiB), cpus
 * = online CPUs, mhz = the last "cpu MHz" of /proc/cpuinfo ("clock" on ppc, 0 on
 * ARM or if absent), nodes = NUMA nodes, sockets per node, cores per socket,
 * threads per core (maxima over the online CPUs, from sysfs topology).
 * When nodes*sockets*cores*threads differs from the present CPUs (online +
 * offline) it falls back, as libvirt does, to nodes=1 sockets=1
 * cores=present threads=1. So the product is always the number of present
 * CPUs: equal to cpus unless some CPUs are offline. *error:
 * VIR_ERR_INTERNAL_ERROR / VIR_ERR_SYSTEM_ERROR in UTIL_ERROR. */
bool hostinfo_get_node_info(const HostinfoPaths *paths, virNodeInfo *info, GError **error);

/* Free memory in bytes (virNodeGetFreeMemory): the sum of the NUMA nodes'
 * MemFree if sysfs has nodes, else /proc/meminfo MemFree. */
bool hostinfo_get_free_memory(const HostinfoPaths *paths, unsigned long long *ret_bytes,
                              GError **error);

/* Host CPU description for the capabilities' <host><cpu>. */
typedef struct HostinfoCpu {
    char *arch;       /* uname machine */
    char *vendor;     /* libvirt's vendor name: "Intel", "AMD", "Hygon"; NULL otherwise */
    char *model_name; /* /proc/cpuinfo "model name" (informational); NULL if none */
    unsigned sockets; /* virNodeInfo's sockets, cores and threads, with */
    unsigned dies;    /* dies = 1, as libvirt's host CPU topology */
    unsigned cores;
    unsigned threads;
    GPtrArray *flags; /* char *: /proc/cpuinfo "flags" of the first CPU */
} HostinfoCpu;

HostinfoCpu *hostinfo_get_cpu(const HostinfoPaths *paths, GError **error);
void hostinfo_cpu_free(HostinfoCpu *cpu);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostinfoCpu, hostinfo_cpu_free)

/* One CPU of a NUMA cell. An offline CPU has socket_id = die_id = core_id
 * = -1 and siblings NULL (sysfs has no topology for it); missing topology
 * files of an online CPU read as 0, as in libvirt. */
typedef struct HostinfoCellCpu {
    unsigned id;
    int socket_id;
    int die_id;
    int core_id;
    char *siblings; /* thread_siblings_list, e.g. "0,4"; NULL if unknown */
} HostinfoCellCpu;

typedef struct HostinfoCellDistance {
    unsigned id;
    unsigned value;
} HostinfoCellDistance;

typedef struct HostinfoCell {
    unsigned id;
    unsigned long long memory_kib; /* MemTotal of the node; 0 if unknown */
    GArray *cpus;                  /* HostinfoCellCpu */
    GArray *distances;             /* HostinfoCellDistance; empty if unknown */
} HostinfoCell;

/* NUMA cells from /sys/devices/system/node (each node's cpulist, meminfo,
 * distance); a host without that directory gets one cell 0 with every
 * online CPU and /proc/meminfo MemTotal (libvirt's fake NUMA).
 * Returns a GPtrArray of HostinfoCell * that frees its elements. */
GPtrArray *hostinfo_get_cells(const HostinfoPaths *paths, GError **error);
void hostinfo_cell_free(HostinfoCell *cell);

/* The host name as libvirt's virGetHostname: gethostname(), made fully
 * qualified through getaddrinfo(AI_CANONNAME) when it has no dot and the
 * lookup succeeds. Caller frees. */
char *hostinfo_get_hostname(GError **error);

/* True only if the CPU flags have vmx or svm AND @paths->dev_kvm opens
 * read-write. VIRTNODE_FORCE_TCG=1 in the environment forces false (the CI
 * host's KVM is PVM: /dev/kvm opens but guests do not run). */
bool hostinfo_kvm_usable(const HostinfoPaths *paths);

/* A qemu-system-* binary found on the search path. */
typedef struct HostinfoEmulator {
    char *path;        /* absolute */
    char *arch;        /* libvirt arch name: "x86_64", "i686" (qemu-system-i386), ... */
    unsigned wordsize; /* 32 or 64 */
} HostinfoEmulator;

/* Executable qemu-system-ARCH files in @paths->search_path order, one per
 * arch (the first found wins), sorted by arch name; binaries whose ARCH has
 * no libvirt name are skipped. No binary is run. Returns a GPtrArray of
 * HostinfoEmulator * that frees its elements (never NULL; may be empty). */
GPtrArray *hostinfo_find_emulators(const HostinfoPaths *paths);
void hostinfo_emulator_free(HostinfoEmulator *emu);

/* libvirt's arch name and word size for qemu's target name ("i386" ->
 * "i686", 32); NULL if unknown. */
const char *hostinfo_qemu_target_to_arch(const char *target, unsigned *ret_wordsize);
