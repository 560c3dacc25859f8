/*
 * pidfile.h: the agent's pid file, locked for the process lifetime
 *
 * The lock (flock) is what tells a running agent apart from a stale file:
 * the kernel drops it when the holder dies, even on kill -9, so the next
 * agent simply takes the file over.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct AgentPidfile AgentPidfile;

/* Creates or opens @path, locks it and writes our pid. If another process
 * holds the lock, fails naming the file and that process's pid. */
AgentPidfile *agent_pidfile_acquire(const char *path, GError **error);

/* Rewrites the pid (after the daemon's fork the lock is inherited). */
bool agent_pidfile_update(AgentPidfile *pf, GError **error);

/* Removes the file (while still locked), then drops the lock. NULL is fine. */
void agent_pidfile_release(AgentPidfile *pf);

/* Frees without removing the file (a forked parent letting go). */
void agent_pidfile_free(AgentPidfile *pf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AgentPidfile, agent_pidfile_free)

/* The pid written in @path, or 0 when missing or unreadable. */
pid_t agent_pidfile_read(const char *path);
