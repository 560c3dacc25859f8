/*
 * procstat.h: one process's /proc/PID/stat
 *
 * What the agent needs to know about its children and the processes it
 * adopted after a restart: whether one still runs, whether a pid still is
 * the same process (its start time), who its parent is, and its CPU time.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct ProcStat {
    char state;                    /* field 3: R, S, D, Z, X, ... */
    pid_t ppid;                    /* field 4 */
    unsigned long long utime;      /* field 14, clock ticks */
    unsigned long long stime;      /* field 15, clock ticks */
    unsigned long long start_time; /* field 22: clock ticks after boot */
} ProcStat;

/* Reads /proc/@pid/stat; false if there is no such process. */
bool proc_stat_read(pid_t pid, ProcStat *ret);

/* Neither a zombie nor dead. */
bool proc_stat_running(const ProcStat *st);
