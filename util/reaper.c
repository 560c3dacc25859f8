/*
 * reaper.c: reaping the orphans a child subreaper inherits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/procstat.h"
#include "util/reaper.h"

static GMutex reaper_lock;
static GHashTable *watched;   /* GINT_TO_POINTER(pid) */
static GHashTable *last_seen; /* unwatched zombies of the previous sweep */

void
reaper_watch(pid_t pid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&reaper_lock);

    if (!watched)
        watched = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_add(watched, GINT_TO_POINTER(pid));
}

void
reaper_forget(pid_t pid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&reaper_lock);

    if (watched)
        g_hash_table_remove(watched, GINT_TO_POINTER(pid));
}

bool
reaper_is_watched(pid_t pid)
{
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&reaper_lock);

    return watched && g_hash_table_contains(watched, GINT_TO_POINTER(pid));
}

/* Whether @pid is our child and a zombie. */
static bool
our_zombie(pid_t pid)
{
    ProcStat st;

    return proc_stat_read(pid, &st) && st.state == 'Z' && st.ppid == getpid();
}

unsigned int
reaper_sweep(void)
{
    g_autoptr(GDir) dir = NULL;
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    siginfo_t info = { 0 };
    const char *name;
    unsigned int n = 0;

    /* Most sweeps find no exited child at all: one waitid() (which reaps
     * nothing) tells, and /proc is read only when there is one. */
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0)
        dir = g_dir_open("/proc", 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        char *end = NULL;
        long pid = strtol(name, &end, 10);
        gpointer key = GINT_TO_POINTER((int)pid);

        if (pid <= 0 || *end || reaper_is_watched((pid_t)pid) || !our_zombie((pid_t)pid))
            continue;
        /* A child spawned a moment ago may exit before its owner watches
         * it: only a zombie seen by the previous sweep too is an orphan. */
        if (!last_seen || !g_hash_table_contains(last_seen, key)) {
            g_hash_table_add(seen, key);
            continue;
        }
        /* a zombie already: this does not block */
        if (waitpid((pid_t)pid, NULL, WNOHANG) == (pid_t)pid)
            n++;
    }
    if (last_seen)
        g_hash_table_unref(last_seen);
    last_seen = seen;
    return n;
}
