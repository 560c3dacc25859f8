/*
 * procstat.c: one process's /proc/PID/stat
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>
#include <string.h>

#include "util/procstat.h"

bool
proc_stat_read(pid_t pid, ProcStat *ret)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *rest;

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
        return false;
    /* the command name (field 2) may hold spaces and parentheses */
    if (!(rest = strrchr(text, ')')))
        return false;
    fields = g_strsplit(rest + 1, " ", 0);
    /* fields[0] is empty (the space after ')'), [1] the state (field 3),
     * so field N is fields[N - 2] */
    if (g_strv_length(fields) < 21)
        return false;
    ret->state = fields[1][0];
    ret->ppid = (pid_t)g_ascii_strtoll(fields[2], NULL, 10);
    ret->utime = g_ascii_strtoull(fields[12], NULL, 10);
    ret->stime = g_ascii_strtoull(fields[13], NULL, 10);
    ret->start_time = g_ascii_strtoull(fields[20], NULL, 10);
    return true;
}

bool
proc_stat_running(const ProcStat *st)
{
    return st->state != 'Z' && st->state != 'X';
}
