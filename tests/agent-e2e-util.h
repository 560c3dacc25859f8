/*
 * agent-e2e-util.h: a virtnoded of its own for end-to-end test programs
 *
 * Starts the built agent/virtnoded with --root on a fresh temporary
 * directory (no privileges needed: everything lives there), waits for its
 * "ready" log line with a deadline, and stops it by PID. Its log (stdout
 * and stderr) goes to a file the tests read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    char *tmp;     /* the temporary directory, removed by e2e_agent_free */
    char *root;    /* --root */
    char *sock;    /* RUN/virtnode-sock */
    char *sock_ro; /* RUN/virtnode-sock-ro */
    char *uri;     /* qemu+unix:///system?socket=SOCK */
    char *uri_ro;  /* qemu+unix:///system?socket=SOCK_RO */
    char *log;     /* the agent's stdout and stderr */
    pid_t pid;     /* 0 when not running */
} E2eAgent;

/* A fixture with its paths; nothing started yet. */
E2eAgent *e2e_agent_new(const char *name);

/* Starts virtnoded and waits (at most 15 s) until it logged that it is
 * ready. False (with the log tail as a test message) when it did not. */
bool e2e_agent_start(E2eAgent *agent);

/* SIGTERM, then waits at most 20 s. Returns the exit status, or -1 if it
 * did not exit (it is then killed) or died of a signal. */
int e2e_agent_stop(E2eAgent *agent);

/* True while the agent process exists and has not exited. */
bool e2e_agent_alive(E2eAgent *agent);

/* Stops a running agent, removes the directory, frees. */
void e2e_agent_free(E2eAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(E2eAgent, e2e_agent_free)

/* The agent's log from byte @offset on (NULL-safe; "" when none). */
char *e2e_agent_log_from(E2eAgent *agent, gsize offset);
/* The current size of the log, for e2e_agent_log_from(). */
gsize e2e_agent_log_size(E2eAgent *agent);

/* Open file descriptors of process @pid (/proc/PID/fd), -1 on error. */
int e2e_fd_count(pid_t pid);

/* The path of the libvirt.so.0 this process loaded (/proc/self/maps);
 * caller frees; NULL when none is mapped. */
char *e2e_loaded_libvirt(void);

/* Reads the test data file tests/data/interop/@name; aborts if missing. */
char *e2e_data(const char *name);

/* The XML part of an expected CLI output file (tests/data/interop/cli/),
 * i.e. everything before "--- stderr", without the blank line virsh adds. */
char *e2e_expected_xml(const char *name);
