/*
 * dnsmasq.h: one dnsmasq per virtual network, run as the agent's child
 *
 * dnsmasq runs with --keep-in-foreground, so the agent stays its parent
 * and reaps it (PID 1 on our hosts reaps orphans only every ~2 s). Its pid
 * is kept with the process start time (/proc/PID/stat field 22) and both
 * are re-checked before any signal, so a recycled pid is never signalled
 * (after an agent restart the process is no longer our child but is still
 * recognised).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/netdef.h"
#include "net/dnsmasq-conf.h"

/* Environment variables dnsmasq passes on to its dhcp-script: where the
 * helper records leases, and the prefix lengths it records with them. */
#define DNSMASQ_ENV_LEASES_FILE "VIRTNODE_LEASES_FILE"
#define DNSMASQ_ENV_PREFIX_V4 "VIRTNODE_LEASES_PREFIX4"
#define DNSMASQ_ENV_PREFIX_V6 "VIRTNODE_LEASES_PREFIX6"
/* Overrides where dnsmasq_find_helper() looks (tests, packagers). */
#define DNSMASQ_ENV_HELPER "VIRTNODE_LEASESHELPER"
/* The dnsmasq program to run instead of the one found on PATH (a build of
 * one's own, tests). */
#define DNSMASQ_ENV_BINARY "VIRTNODE_DNSMASQ"

typedef struct DnsmasqProc {
    pid_t pid;                     /* 0: not running */
    unsigned long long start_time; /* clock ticks after boot, /proc/PID/stat field 22 */
} DnsmasqProc;

/* The dnsmasq program: $VIRTNODE_DNSMASQ if set, else PATH, then
 * /usr/local/sbin, /usr/sbin, /sbin.
 * Missing: VIR_ERR_OPERATION_FAILED (NET_ERROR) saying so. */
char *dnsmasq_find_binary(GError **error);

/* The lease helper: $VIRTNODE_LEASESHELPER if set; the build tree's
 * net/virtnode-leaseshelper when the running program is in the build
 * tree; else LIBEXECDIR's. Not executable: VIR_ERR_OPERATION_FAILED. */
char *dnsmasq_find_helper(GError **error);

/* Writes the hostsfile, the addn-hosts file and the config of @conf to
 * @paths (those not NULL), each atomically with mode 0644: dnsmasq re-reads
 * them as "nobody" on SIGHUP. */
bool dnsmasq_write_files(const DnsmasqConf *conf, const DnsmasqPaths *paths, GError **error);

/* Builds the config of @def, writes the files, starts dnsmasq and waits
 * (up to 10 s) until it has written its pid file, i.e. parsed the config
 * and bound its sockets. On failure nothing runs any more and *error
 * quotes what dnsmasq said (VIR_ERR_OPERATION_FAILED); the files stay for
 * inspection (dnsmasq_remove_files() removes them). @paths needs conf_file
 * and pid_file. No dnsmasq found: VIR_ERR_OPERATION_FAILED; an explicit
 * paths->binary that cannot run: VIR_ERR_SYSTEM_ERROR with errno's text;
 * dnsmasq not ready in time: VIR_ERR_OPERATION_TIMEOUT (it is killed). */
bool dnsmasq_start(const NetDef *def, const DnsmasqPaths *paths, DnsmasqProc *ret_proc,
                   GError **error);

/* Rewrites the files for the new @def and makes the running @proc re-read
 * the hosts files (SIGHUP). Fails with VIR_ERR_OPERATION_INVALID if @proc
 * is not running any more. Changes of other options need a restart. */
bool dnsmasq_reload(const NetDef *def, const DnsmasqPaths *paths, const DnsmasqProc *proc,
                    GError **error);

/* Sends @proc SIGTERM (if it still is that process) without waiting:
 * dnsmasq_stop() later waits for it, so a caller can do other work while
 * it exits. */
void dnsmasq_terminate(const DnsmasqProc *proc);

/* Stops @proc: SIGTERM, up to @timeout_ms for it to exit, then SIGKILL
 * (and up to 2 s more). Reaps it if it is our child. A process that is
 * already gone (or whose pid was recycled) is success. Also removes the
 * pid file. VIR_ERR_OPERATION_TIMEOUT if even SIGKILL does not end it. */
bool dnsmasq_stop(const DnsmasqProc *proc, const DnsmasqPaths *paths, unsigned int timeout_ms,
                  GError **error);

/* True if @pid runs (not a zombie) and started at @start_time. */
bool dnsmasq_is_alive(pid_t pid, unsigned long long start_time);

/* The start time of @pid from /proc/PID/stat (field 22); false if there
 * is no such process. */
bool dnsmasq_proc_start_time(pid_t pid, unsigned long long *ret_start_time);

/* Removes the config, hostsfile, addn-hosts and pid files (missing ones are
 * fine). The lease files stay: they are the network's lease history. */
void dnsmasq_remove_files(const DnsmasqPaths *paths);
