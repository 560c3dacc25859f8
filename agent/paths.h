/*
 * paths.h: every file and directory the agent uses, computed once
 *
 * Without a root: config /etc/virtnode, state /var/lib/virtnode, runtime
 * /run/virtnode, log /var/log/virtnode. With --root DIR the same tree lives
 * under DIR (DIR/etc/virtnode, ...), so tests and quickstart runs never touch
 * the host's files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct AgentPaths {
    char *root;                  /* absolute, or NULL for the host's tree */
    char *config_dir;            /* ETC = ROOT/etc/virtnode */
    char *config_file;           /* ETC/agent.conf, or --config */
    bool config_explicit;        /* --config given: the file must exist */
    char *qemu_dir;              /* ETC/qemu: domain definitions */
    char *qemu_autostart_dir;    /* ETC/qemu/autostart */
    char *network_dir;           /* ETC/qemu/networks */
    char *network_autostart_dir; /* ETC/qemu/networks/autostart */
    char *state_dir;             /* ROOT/var/lib/virtnode */
    char *run_dir;               /* RUN = ROOT/run/virtnode */
    char *sock_rw;               /* RUN/virtnode-sock */
    char *sock_ro;               /* RUN/virtnode-sock-ro */
    char *pid_file;              /* RUN/virtnoded.pid, or --pidfile */
    char *log_dir;               /* ROOT/var/log/virtnode */
    char *log_file;              /* LOG/virtnoded.log: default output with --daemon */
    bool first_run;              /* ETC/qemu/networks did not exist yet */
} AgentPaths;

/* @root, @config_file and @pid_file may be NULL (defaults); relative names
 * are made absolute against the current directory (the daemon leaves it). */
AgentPaths *agent_paths_new(const char *root, const char *config_file, const char *pid_file);
void agent_paths_free(AgentPaths *paths);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AgentPaths, agent_paths_free)

/* Creates every directory above that does not exist yet (ETC and state
 * 0755, RUN 0755, log 0700), including the root itself. */
bool agent_paths_create_dirs(const AgentPaths *paths, GError **error);
