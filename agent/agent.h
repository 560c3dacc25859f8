/*
 * agent.h: virtnoded's life cycle: start-up, signals, reload, shutdown
 *
 * agent_run() is the whole daemon minus the protocol and the drivers, which
 * plug in through AgentHooks: the RPC layer installs its frame dispatcher,
 * the drivers load their definitions at start-up and re-read them on SIGHUP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "agent/config.h"
#include "agent/paths.h"
#include "agent/server.h"

/* Seconds SIGTERM waits for calls in flight before closing the clients. */
#define AGENT_SHUTDOWN_TIMEOUT_MS 15000

typedef struct AgentOptions {
    const char *root;        /* --root: NULL for the host's paths */
    const char *config_file; /* --config: NULL for ETC/agent.conf */
    const char *pid_file;    /* --pidfile: NULL for RUN/virtnoded.pid */
    bool daemon;             /* --daemon */
    bool verbose;            /* --verbose: debug messages (to stderr in the foreground) */
} AgentOptions;

typedef struct Agent Agent;

typedef struct AgentHooks {
    /* The protocol layer's callbacks (dispatch NULL: no protocol yet). */
    AgentServerHooks server;
    /* After the pid file is locked and before the sockets listen: load the
     * definitions. Failing stops the start-up with the error. */
    bool (*startup)(Agent *agent, gpointer data, GError **error);
    /* After SIGHUP re-read the configuration successfully: re-read the
     * definitions (the config is already the new one). */
    void (*reload)(Agent *agent, gpointer data);
    /* After the clients were drained, before they are closed. */
    void (*shutdown)(Agent *agent, gpointer data);
    gpointer data;
} AgentHooks;

/* Runs the agent until SIGTERM/SIGINT; returns the exit status (0, or 1
 * when it could not start, with the reason on stderr). With @opts->daemon
 * the calling process exits inside, once the daemon is ready. */
int agent_run(const AgentOptions *opts, const AgentHooks *hooks);

const AgentPaths *agent_get_paths(Agent *agent);
/* The current configuration (replaced on a successful SIGHUP). */
const AgentConfig *agent_get_config(Agent *agent);
AgentServer *agent_get_server(Agent *agent);
