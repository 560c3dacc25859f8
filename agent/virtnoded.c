/*
 * virtnoded.c: the agent's command line
 *
 * virtnoded [--root DIR] [--config FILE] [--pidfile FILE] [--daemon] [--verbose]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdio.h>

#include "agent/agent.h"
#include "util/log.h"

/* SIGHUP, after the configuration was re-read: the place where the
 * drivers will re-read their definitions. Nothing to re-read yet. */
static void
agent_reload_hook(Agent *agent, gpointer data)
{
    log_debug("reload: no definitions to re-read yet");
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autofree char *config_file = NULL;
    g_autofree char *pid_file = NULL;
    gboolean daemon_mode = FALSE;
    gboolean verbose = FALSE;
    gboolean version = FALSE;
    const GOptionEntry entries[] = {
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &root,
          "Keep every file under DIR (DIR/etc/virtnode, DIR/var/lib/virtnode, DIR/run/virtnode)",
          "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &config_file,
          "Configuration file (default: ETC/agent.conf)", "FILE" },
        { "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &pid_file,
          "Pid file (default: RUN/virtnoded.pid)", "FILE" },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &daemon_mode,
          "Run in the background once the sockets listen", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          "Log debug messages (to stderr in the foreground)", NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- virtnode node agent");
    g_autoptr(GError) err = NULL;
    AgentOptions opts;
    AgentHooks hooks = { .reload = agent_reload_hook };

    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(
        ctx, "Without --root: config /etc/virtnode, state /var/lib/virtnode, runtime "
             "/run/virtnode.\nSockets: RUN/virtnode-sock (read-write) and "
             "RUN/virtnode-sock-ro (read-only).\nSee virtnoded(8).");
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "virtnoded: error: %s (see --help)\n", err->message);
        return 1;
    }
    if (argc > 1) {
        fprintf(stderr, "virtnoded: error: unexpected argument '%s' (see --help)\n", argv[1]);
        return 1;
    }
    if (version) {
        printf("virtnoded (virtnode) %s\n", PACKAGE_VERSION);
        return 0;
    }

    opts = (AgentOptions){
        .root = root,
        .config_file = config_file,
        .pid_file = pid_file,
        .daemon = daemon_mode,
        .verbose = verbose,
    };
    return agent_run(&opts, &hooks);
}
