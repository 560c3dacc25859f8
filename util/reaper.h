/*
 * reaper.h: reaping the orphans a child subreaper inherits
 *
 * The agent is a child subreaper (PID 1 here reaps orphans only every few
 * seconds), so processes orphaned below it (the helper of a dnsmasq that
 * was killed, a qemu whose agent died before this one started) become its
 * children. Children the agent waits for by pid itself (dnsmasq, qemu:
 * cmd_spawn() registers them) are "watched"; reaper_sweep() reaps every
 * other exited child, so none stays a zombie.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* @pid is waited for by its owner: sweeps leave it alone. */
void reaper_watch(pid_t pid);
/* Its owner reaped it (or gave up on it). */
void reaper_forget(pid_t pid);
bool reaper_is_watched(pid_t pid);

/* Reaps the exited children of this process that are not watched and
 * were zombies at the previous sweep already (a child just spawned may
 * exit before its owner watches it); returns how many. Called from one
 * thread (the agent's main loop, every few seconds). */
unsigned int reaper_sweep(void);
