/*
 * qemu_conf.h: host facts of the QEMU driver (capabilities, hypervisor
 * version, node info), computed lazily and cached
 *
 * Nothing here runs at start-up: the capabilities are built on the first
 * request from util/hostinfo (no emulator is probed), and the emulator
 * runs once, for `--version`, on the first connect_get_version, cached per
 * binary path, mtime and size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "util/hostinfo.h"

/* Tests only: read host facts from @paths (kept by pointer: it must live
 * until the next call; NULL returns to the real host). Drops the caches. */
void qemu_conf_set_host_paths(const HostinfoPaths *paths);
const HostinfoPaths *qemu_conf_host_paths(void);

/* Forgets the cached capabilities and version (SIGHUP, tests). */
void qemu_conf_reset(void);

/* The capabilities XML: host CPU, topology, NUMA cells, secmodel "none",
 * and one hvm guest per qemu-system-* binary found, with domain type qemu,
 * plus kvm where hostinfo_kvm_usable() and the arch runs natively. Caller
 * frees. Errors from util/hostinfo (VIR_ERR_INTERNAL_ERROR,
 * VIR_ERR_SYSTEM_ERROR). */
char *qemu_conf_get_capabilities(GError **error);

/* QEMU's version as major * 1000000 + minor * 1000 + micro, from
 * `<emulator> --version` of the host arch's emulator (else the first one
 * found). No emulator at all gives 0, which virsh prints as "Cannot
 * extract running QEMU hypervisor version" instead of failing. An emulator
 * that does not run or answers something unparseable:
 * VIR_ERR_INTERNAL_ERROR (QEMU_ERROR). */
bool qemu_conf_get_version(unsigned long *ret_version, GError **error);

/* Parses "QEMU emulator version 7.2.22 (...)" (micro optional); false if
 * the text has no such version. Exposed for tests. */
bool qemu_conf_parse_version(const char *text, unsigned long *ret_version);

/* virConnectGetMaxVcpus: NULL or "qemu"/"tcg": 16 as libvirt; "kvm": the
 * KVM limit from /dev/kvm. Unknown type: VIR_ERR_INVALID_ARG. */
int qemu_conf_get_max_vcpus(const char *type, GError **error);
