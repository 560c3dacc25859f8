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
#include "agent/dispatch.h"
#include "drivers/qemu/qemu_domain.h"
#include "drivers/qemu/qemu_driver.h"
#include "conf/xmlutil.h"
#include "lib/object.h"
#include "lib/uri.h"
#include "net/network_driver.h"
#include "util/installdirs.h"
#include "util/log.h"
#include "util/reaper.h"

/* After the pid file is locked, before the sockets listen: the event loop
 * lib/ delivers driver events on (the agent's main loop runs the default
 * main context), the dispatcher's settings, and the definitions. */
/* libvirt's packages put the "default" NAT network in place when they are
 * installed; virtnoded, which also runs from a build tree or on a fresh
 * --root, does it on its first run: when it creates the network directory.
 * A failure is logged, never fatal: the agent is useful without it. */
static void
agent_install_default_network(void)
{
    g_autofree char *path = installdirs_data_file("networks/default.xml");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VirUri) uri = uri_parse("qemu:///system", NULL);
    virConnectPtr conn = obj_connect_new();
    virNetworkPtr net = NULL;

    if (!g_file_get_contents(path, &xml, NULL, &err) ||
        qemu_driver.connect_open(conn, uri, 0, &err) != DRV_OPEN_SUCCESS)
        goto out;
    conn->driver = &qemu_driver;
    if (!(net = qemu_driver.network_define_xml(conn, xml, 0, &err)) ||
        !qemu_driver.network_set_autostart(net, 1, &err))
        goto out;
    log_info("first run: defined the 'default' network from '%s' and marked it autostart", path);
out:
    if (err)
        log_warn("first run: cannot install the 'default' network from '%s': %s", path,
                 err->message);
    if (net)
        obj_network_unref(net);
    obj_connect_unref(conn);
}

/* Where running networks keep their files (STATE/network, RUN/network)
 * and which firewall backend new starts use. */
static void
agent_configure_networks(Agent *agent)
{
    const AgentPaths *paths = agent_get_paths(agent);
    g_autofree char *state = g_build_filename(paths->state_dir, "network", NULL);
    g_autofree char *run = g_build_filename(paths->run_dir, "network", NULL);
    const char *backend =
        agent_firewall_backend_to_string(agent_get_config(agent)->firewall_backend);

    NetRunConfig *cfg = netrun_config_new(state, run, backend);

    cfg->fw_conflict_fail = agent_get_config(agent)->firewall_conflict_fail;
    network_driver_configure(cfg);
}

/* Where running guests keep their monitor sockets and status records
 * (RUN/qemu), qemu's output (LOG/qemu) and crash dumps (STATE/qemu/dump). */
static void
agent_configure_domains(Agent *agent)
{
    const AgentPaths *paths = agent_get_paths(agent);
    g_autofree char *run = g_build_filename(paths->run_dir, "qemu", NULL);
    g_autofree char *log = g_build_filename(paths->log_dir, "qemu", NULL);
    g_autofree char *dump = g_build_filename(paths->state_dir, "qemu", "dump", NULL);

    qemu_domain_set_runtime(run, log, dump);
    qemu_domain_set_display_ports((unsigned)agent_get_config(agent)->remote_display_port_min,
                                  (unsigned)agent_get_config(agent)->remote_display_port_max);
}

/* Autostart happens once per host boot, as libvirt does: the first agent
 * since RUN was cleared starts the autostart networks, then the autostart
 * domains (which attach to them), and leaves a marker; later agents (a
 * restart, an upgrade) leave alone what an administrator stopped. It runs
 * in a thread of its own while clients are served already (they see the
 * guests come up); an agent stopped meanwhile leaves no marker, so the
 * next one finishes the job. */
static GThread *autostart_thread;

static gpointer
agent_autostart_run(gpointer data)
{
    g_autofree char *marker = data;
    g_autoptr(GError) err = NULL;
    gint64 t0 = g_get_monotonic_time();

    network_driver_autostart();
    if (!qemu_domain_autostart()) {
        log_info("autostart: interrupted by the agent's stop");
        return NULL;
    }
    if (!g_file_set_contents(marker, "", 0, &err))
        log_warn("autostart: cannot write '%s': %s", marker, err->message);
    log_info("autostart: done in %.1f ms", (double)(g_get_monotonic_time() - t0) / 1000.0);
    return NULL;
}

static void
agent_autostart(const AgentPaths *paths)
{
    g_autofree char *marker = g_build_filename(paths->run_dir, "autostarted", NULL);

    if (g_file_test(marker, G_FILE_TEST_EXISTS)) {
        log_info("autostart: done already since the host booted ('%s' exists)", marker);
        return;
    }
    autostart_thread = g_thread_new("autostart", agent_autostart_run, g_steal_pointer(&marker));
}

/* The agent is a child subreaper (agent.c): orphans from below it (the
 * helper of a killed dnsmasq, say) become its children; this reaps those
 * nobody waits for, every two seconds. */
static gboolean
agent_sweep_orphans(gpointer data G_GNUC_UNUSED)
{
    unsigned int n = reaper_sweep();

    if (n)
        log_debug("reaped %u orphaned process(es)", n);
    return G_SOURCE_CONTINUE;
}

static bool
agent_startup_hook(Agent *agent, gpointer data, GError **error)
{
    const AgentPaths *paths = agent_get_paths(agent);

    xml_init(); /* GLib and libxml2 set up on the main thread, before any worker */
    virEventRegisterDefaultImpl();
    dispatcher_apply_config(data, agent_get_config(agent));
    agent_configure_networks(agent);
    agent_configure_domains(agent);
    /* adopts the networks an earlier agent left running */
    if (!qemu_driver_init(paths->qemu_dir, paths->state_dir, paths->run_dir, error))
        return false;
    if (paths->first_run)
        agent_install_default_network();
    /* guests an earlier agent left running */
    qemu_domain_reconnect();
    agent_autostart(paths);
    g_timeout_add_seconds(2, agent_sweep_orphans, NULL);
    return true;
}

/* SIGHUP, after the configuration was re-read: new keepalive settings and
 * socket group, then the definitions. */
static void
agent_reload_hook(Agent *agent, gpointer data)
{
    g_autoptr(GError) err = NULL;

    dispatcher_apply_config(data, agent_get_config(agent));
    agent_configure_networks(agent); /* a new firewall_backend applies to new starts */
    qemu_domain_set_display_ports((unsigned)agent_get_config(agent)->remote_display_port_min,
                                  (unsigned)agent_get_config(agent)->remote_display_port_max);
    if (!qemu_driver_reload(&err))
        log_error("reload of the definitions failed, keeping the previous ones: %s", err->message);
}

/* Calls were drained: close the clients (their connections go with them),
 * then free the definitions. */
static void
agent_shutdown_hook(Agent *agent, gpointer data)
{
    AgentServer *server = agent_get_server(agent);

    /* starts under way finish (bounded), the others are skipped */
    qemu_domain_autostart_cancel();
    if (autostart_thread)
        g_thread_join(g_steal_pointer(&autostart_thread));
    agent_server_close_clients(server);
    if (agent_server_calls_in_flight(server) > 0) {
        /* a worker still uses the driver; the process exits anyway */
        log_warn("calls still running: definitions left loaded");
        return;
    }
    qemu_driver_shutdown();
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
    g_autoptr(AgentConfig) defaults = agent_config_new();
    const DispatcherOptions dopts = { .driver = &qemu_driver };
    g_autoptr(Dispatcher) dispatcher = NULL;
    AgentOptions opts;
    AgentHooks hooks = {
        .startup = agent_startup_hook,
        .reload = agent_reload_hook,
        .shutdown = agent_shutdown_hook,
    };

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

    /* the real settings come with the configuration (startup hook) */
    dispatcher = dispatcher_new(&dopts, defaults);
    dispatcher_get_server_hooks(dispatcher, &hooks.server);
    hooks.data = dispatcher;
    opts = (AgentOptions){
        .root = root,
        .config_file = config_file,
        .pid_file = pid_file,
        .daemon = daemon_mode,
        .verbose = verbose,
    };
    return agent_run(&opts, &hooks);
}
