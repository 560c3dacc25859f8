/*
 * qemu_capabilities.h: what a QEMU binary can do, learned lazily and cached
 *
 * Emulators are found by name (qemu-system-ARCH) without running them.
 * A binary is probed only when someone asks for its capabilities (the start
 * of a domain for its arch): it runs once per help query (-help,
 * -machine help, -accel help, -device help), each under a timeout, and the
 * result is cached by the binary's identity (path, mtime, size, inode,
 * device). An unchanged binary is never run again; a replaced or rebuilt one
 * is probed again on its next use. With a cache directory the results also
 * survive an agent restart.
 *
 * Thread-safe: concurrent first requests for one binary probe it once, the
 * others wait for that probe; different binaries probe in parallel.
 *
 * Test seams: VIRTNODE_QEMU_DIR (environment) replaces the emulator search
 * path with one directory; qemu_caps_set_host_paths() points the KVM check at
 * a fake cpuinfo and /dev/kvm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "conf/caps.h"
#include "util/hostinfo.h"

/* How long one help query may run before the binary is killed. */
#define QEMU_CAPS_PROBE_TIMEOUT_MS 30000

/* What one binary can do. Immutable once made: any thread may read it
 * without locking. Refcounted: the cache holds one reference while the
 * binary is unchanged, each qemu_caps_get()/qemu_caps_lookup() hands the
 * caller another (release it with qemu_caps_unref()). A caller's reference
 * stays valid after the binary is replaced or the cache is reset. */
typedef struct QemuCaps QemuCaps;

/* One machine type as `-machine help` lists it. */
typedef struct QemuCapsMachine {
    char *name;
    char *canonical; /* "pc" -> "pc-i440fx-7.2"; NULL if not an alias */
    bool deprecated;
} QemuCapsMachine;

/* ---- configuration (agent start-up, tests) ---- */

/* Tests only: where the KVM check reads cpuinfo (@paths->proc) and which
 * device it opens (@paths->dev_kvm), the host arch (@paths->arch) and the
 * search path when VIRTNODE_QEMU_DIR is unset (@paths->search_path). Kept
 * by pointer: it must live until the next call; NULL returns to the host. */
void qemu_caps_set_host_paths(const HostinfoPaths *paths);

/* Persists probe results as files under @dir (created if missing; the agent
 * passes STATE/qemu/capabilities), so a restarted agent probes nothing.
 * NULL keeps results in memory only (the default). *error: the directory
 * cannot be created (VIR_ERR_SYSTEM_ERROR). */
bool qemu_caps_set_cache_dir(const char *dir, GError **error);

/* The time limit of each help query in milliseconds (tests shorten it);
 * 0 restores QEMU_CAPS_PROBE_TIMEOUT_MS. */
void qemu_caps_set_probe_timeout(unsigned timeout_ms);

/* Forgets every cached result held in memory (not the cache directory's
 * files): the next request reads the directory or probes. Tests only; it
 * must not race with qemu_caps_get(). */
void qemu_caps_reset(void);

/* Counts completed probes and cache loads, so a holder of data derived from
 * the cache (the capabilities XML) can tell that it is stale. */
guint qemu_caps_generation(void);

/* ---- finding emulators (nothing runs) ---- */

/* The emulator search path: VIRTNODE_QEMU_DIR if set, else the paths' or
 * $PATH, then /usr/bin and /usr/local/bin. Caller frees. */
char *qemu_caps_search_path(void);

/* The qemu-system-* binaries on qemu_caps_search_path(), one per arch, as
 * hostinfo_find_emulators() (GPtrArray of HostinfoEmulator *, never NULL).
 * Runs nothing. */
GPtrArray *qemu_caps_find_emulators(void);

/* ---- probing and the cache ---- */

/* The capabilities of @binary: from the cache if the binary is unchanged,
 * else from the cache directory, else by probing it now. Returns a new
 * reference. *error: the binary does not exist (VIR_ERR_SYSTEM_ERROR), does
 * not run, fails, times out or prints nothing we understand
 * (VIR_ERR_INTERNAL_ERROR), all in QEMU_ERROR. A failed probe is not cached:
 * the next request tries again. */
QemuCaps *qemu_caps_get(const char *binary, GError **error);

/* The cached capabilities of @binary if it has been probed (by this agent or,
 * with a cache directory, an earlier one) and is unchanged since; NULL
 * otherwise. Never runs the binary. Returns a new reference. */
QemuCaps *qemu_caps_lookup(const char *binary);

QemuCaps *qemu_caps_ref(QemuCaps *caps);
/* Accepts NULL. */
void qemu_caps_unref(QemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuCaps, qemu_caps_unref)

/* ---- reading QemuCaps ---- */

/* The path the capabilities were probed from. */
const char *qemu_caps_binary(const QemuCaps *caps);
/* major * 1000000 + minor * 1000 + micro, as virConnectGetVersion. */
unsigned long qemu_caps_version(const QemuCaps *caps);
/* QemuCapsMachine *, in the order QEMU lists them; borrowed from @caps. */
const GPtrArray *qemu_caps_machines(const QemuCaps *caps);
/* The machine marked "(default)"; NULL if the binary has none (most
 * non-x86 targets). Borrowed from @caps. */
const char *qemu_caps_default_machine(const QemuCaps *caps);
/* @name's canonical machine: an alias gives its target ("pc" ->
 * "pc-i440fx-7.2"), a machine itself; unknown (or NULL) gives NULL. */
const char *qemu_caps_resolve_machine(const QemuCaps *caps, const char *name);
/* Whether @name is a -device the binary has (a name or an alias QEMU
 * accepts, e.g. "virtio-net-pci", "e1000", "isa-serial"). */
bool qemu_caps_has_device(const QemuCaps *caps, const char *name);
/* Whether `-accel help` lists @name ("tcg", "kvm"). Listed is not usable:
 * see qemu_caps_kvm_usable(). */
bool qemu_caps_has_accel(const QemuCaps *caps, const char *name);
/* Whether the binary was built with SPICE / VNC (-spice, -vnc in -help). */
bool qemu_caps_has_spice(const QemuCaps *caps);
bool qemu_caps_has_vnc(const QemuCaps *caps);

/* ---- KVM and the emulator for a domain ---- */

/* True only if cpuinfo's flags have vmx or svm and /dev/kvm opens
 * read-write; VIRTNODE_FORCE_TCG=1 forces false. When false and
 * @ret_reason is not NULL, *ret_reason says why (caller frees). */
bool qemu_caps_kvm_check(char **ret_reason);
/* qemu_caps_kvm_check(NULL). */
bool qemu_caps_kvm_usable(void);

/* The binary for a domain without <emulator>: the qemu-system-* of @arch
 * (NULL: the host's; i686 falls back to qemu-system-x86_64) for @virt_type
 * ("qemu", "kvm"; NULL means "qemu"). Runs nothing. Caller frees. *error
 * (QEMU_ERROR, VIR_ERR_CONFIG_UNSUPPORTED): no binary for the arch; type
 * kvm when KVM is not usable ("KVM is not available on this host (REASON)")
 * or cannot run @arch natively; any other type. */
char *qemu_caps_pick_emulator(const char *arch, const char *virt_type, GError **error);

/* Adds to @guest the machines of its emulator if that binary has been
 * probed and is unchanged (the default first, aliases with their canonical
 * name); adds nothing otherwise. Never runs the binary, so the capabilities
 * XML stays cheap; qemu_caps_generation() tells when to rebuild it. */
void qemu_caps_guest_add_machines(CapsGuest *guest);

/* ---- exposed for tests ---- */

/* Capabilities from the four help texts (as the binary printed them). Only
 * -help's version line and -machine help's header are required;
 * VIR_ERR_INTERNAL_ERROR (QEMU_ERROR) names what is missing. */
QemuCaps *qemu_caps_parse(const char *binary, const char *help, const char *machine_help,
                          const char *accel_help, const char *device_help, GError **error);

/* A stable text dump of @caps (version, displays, accels, machines, the
 * devices the driver uses) for tests and logs; caller frees. */
char *qemu_caps_to_string(const QemuCaps *caps);
