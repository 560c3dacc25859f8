/*
 * server.c: the agent's UNIX socket listeners, worker pool and shutdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <config.h>

#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/server-priv.h"
#include "util/error.h"
#include "util/log.h"

#define SERVER_ERROR error_quark(VIR_FROM_RPC)
/* Connections taken per wake-up of a listener, so one busy socket cannot
 * starve the clients already connected. */
#define SERVER_ACCEPT_BATCH 64
/* Pause after the process ran out of descriptors. */
#define SERVER_ACCEPT_RETRY_MS 200

static void server_watch_listeners(AgentServer *server);

AgentServer *
agent_server_new(const AgentConfig *cfg, GMainContext *context, GError **error)
{
    AgentServer *server = g_new0(AgentServer, 1);

    server->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
    server->listeners = g_ptr_array_new();
    server->clients = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                            (GDestroyNotify)agent_client_unref, NULL);
    server->pool = g_thread_pool_new(agent_server_job_run, server, cfg->max_workers, FALSE, error);
    if (!server->pool) {
        g_prefix_error(error, "cannot create the worker pool: ");
        g_hash_table_unref(server->clients);
        g_ptr_array_unref(server->listeners);
        g_main_context_unref(server->context);
        g_free(server);
        return NULL;
    }
    agent_server_apply_config(server, cfg);
    return server;
}

void
agent_server_set_hooks(AgentServer *server, const AgentServerHooks *hooks)
{
    server->hooks = *hooks;
}

void
agent_server_apply_config(AgentServer *server, const AgentConfig *cfg)
{
    g_atomic_int_set(&server->max_clients, cfg->max_clients);
    g_atomic_int_set(&server->max_client_requests, cfg->max_client_requests);
    g_thread_pool_set_max_threads(server->pool, cfg->max_workers, NULL);
    /* GLib keeps idle pool threads process-wide; we are its only user. */
    g_thread_pool_set_max_unused_threads(cfg->min_workers);

    if (g_hash_table_size(server->clients) > 0) {
        GHashTableIter it;
        gpointer client;

        /* A raised per-client limit lets paused clients read again. */
        g_hash_table_iter_init(&it, server->clients);
        while (g_hash_table_iter_next(&it, &client, NULL))
            agent_client_kick(client);
    }
}

guint
agent_server_client_count(AgentServer *server)
{
    return g_hash_table_size(server->clients);
}

guint
agent_server_calls_in_flight(AgentServer *server)
{
    return (guint)g_atomic_int_get(&server->calls_in_flight);
}

static void
server_log_refused(int fd, const char *why)
{
    struct ucred cred = { -1, (uid_t)-1, (gid_t)-1 };
    socklen_t len = sizeof(cred);

    (void)getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    log_warn("client connection refused: %s (pid %ld uid %ld gid %ld)", why, (long)cred.pid,
             (long)cred.uid, (long)cred.gid);
}

static gboolean
server_accept_retry_cb(gpointer data)
{
    AgentServer *server = data;

    g_source_unref(server->accept_retry);
    server->accept_retry = NULL;
    server_watch_listeners(server);
    return G_SOURCE_REMOVE;
}

static void
server_unwatch_listeners(AgentServer *server)
{
    for (guint i = 0; i < server->listeners->len; i++) {
        AgentListener *l = g_ptr_array_index(server->listeners, i);

        if (l->source) {
            g_source_destroy(l->source);
            g_source_unref(l->source);
            l->source = NULL;
        }
    }
}

static gboolean
server_accept_cb(int fd, GIOCondition cond, gpointer data)
{
    AgentListener *l = data;
    AgentServer *server = l->server;

    for (int i = 0; i < SERVER_ACCEPT_BATCH; i++) {
        int cfd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        AgentClient *client;

        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            log_error("cannot accept a connection on '%s': %s", l->path, g_strerror(errno));
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* The pending connection stays readable: without a pause this
                 * callback would spin until a descriptor is freed. */
                server_unwatch_listeners(server);
                server->accept_retry = g_timeout_source_new(SERVER_ACCEPT_RETRY_MS);
                g_source_set_callback(server->accept_retry, server_accept_retry_cb, server, NULL);
                g_source_attach(server->accept_retry, server->context);
                return G_SOURCE_CONTINUE;
            }
            break;
        }
        if (server->draining) {
            server_log_refused(cfd, "the agent is shutting down");
            close(cfd);
            continue;
        }
        if (g_hash_table_size(server->clients) >= (guint)g_atomic_int_get(&server->max_clients)) {
            g_autofree char *why =
                g_strdup_printf("max_clients (%d) reached", g_atomic_int_get(&server->max_clients));

            server_log_refused(cfd, why);
            close(cfd);
            continue;
        }
        client = agent_client_new(server, cfd, l->readonly);
        g_hash_table_add(server->clients, client);
        agent_client_start(client);
    }
    return G_SOURCE_CONTINUE;
}

static void
server_watch_listeners(AgentServer *server)
{
    for (guint i = 0; i < server->listeners->len; i++) {
        AgentListener *l = g_ptr_array_index(server->listeners, i);

        if (l->source || l->fd < 0)
            continue;
        l->source = g_unix_fd_source_new(l->fd, G_IO_IN);
        g_source_set_callback(l->source, G_SOURCE_FUNC(server_accept_cb), l, NULL);
        g_source_attach(l->source, server->context);
    }
}

bool
agent_server_listen(AgentServer *server, const char *path, bool readonly, unsigned mode, gid_t gid,
                    GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *tmp = g_strconcat(path, "~", NULL);
    AgentListener *l;
    mode_t old_umask;
    int fd;
    int r;

    if (strlen(tmp) >= sizeof(addr.sun_path)) {
        g_set_error(error, SERVER_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "socket path '%s' is too long (at most %zu bytes)", path,
                    sizeof(addr.sun_path) - 2);
        return false;
    }
    if (access(path, F_OK) == 0) {
        g_set_error(error, SERVER_ERROR, VIR_ERR_OPERATION_INVALID, "socket '%s' already exists",
                    path);
        return false;
    }
    /* The socket is made under a temporary name and renamed into place once
     * it has its mode and group and listens: whoever sees the path can
     * connect, and never sees it with the wrong permissions. */
    memcpy(addr.sun_path, tmp, strlen(tmp) + 1);
    unlink(tmp); /* left by a killed agent; we hold the pid file lock */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error_set_errno(error, SERVER_ERROR, errno, "cannot create a socket for '%s'", path);
        return false;
    }
    old_umask = umask(0077);
    r = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old_umask);
    if (r < 0) {
        error_set_errno(error, SERVER_ERROR, errno, "cannot bind socket '%s'", tmp);
        close(fd);
        return false;
    }
    if (chmod(tmp, mode) < 0 || (gid != (gid_t)-1 && chown(tmp, (uid_t)-1, gid) < 0)) {
        error_set_errno(error, SERVER_ERROR, errno, "cannot set the mode or group of '%s'", tmp);
        goto fail;
    }
    if (listen(fd, SOMAXCONN) < 0) {
        error_set_errno(error, SERVER_ERROR, errno, "cannot listen on '%s'", tmp);
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        error_set_errno(error, SERVER_ERROR, errno, "cannot rename '%s' to '%s'", tmp, path);
        goto fail;
    }

    l = g_new0(AgentListener, 1);
    l->server = server;
    l->path = g_strdup(path);
    l->fd = fd;
    l->readonly = readonly;
    g_ptr_array_add(server->listeners, l);
    server_watch_listeners(server);
    return true;

fail:
    unlink(tmp);
    close(fd);
    return false;
}

void
agent_server_stop_accepting(AgentServer *server)
{
    server_unwatch_listeners(server);
    if (server->accept_retry) {
        g_source_destroy(server->accept_retry);
        g_source_unref(server->accept_retry);
        server->accept_retry = NULL;
    }
    for (guint i = 0; i < server->listeners->len; i++) {
        AgentListener *l = g_ptr_array_index(server->listeners, i);

        unlink(l->path);
        close(l->fd);
        g_free(l->path);
        g_free(l);
    }
    g_ptr_array_set_size(server->listeners, 0);
}

/* The clients, each with a reference held (closing one may free others). */
static GPtrArray *
server_clients_snapshot(AgentServer *server)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)agent_client_unref);
    GHashTableIter it;
    gpointer client;

    g_hash_table_iter_init(&it, server->clients);
    while (g_hash_table_iter_next(&it, &client, NULL))
        g_ptr_array_add(all, agent_client_ref(client));
    return all;
}

static bool
server_any_output(AgentServer *server)
{
    GHashTableIter it;
    gpointer client;

    g_hash_table_iter_init(&it, server->clients);
    while (g_hash_table_iter_next(&it, &client, NULL)) {
        if (agent_client_has_output(client))
            return true;
    }
    return false;
}

static gboolean
server_drain_tick(gpointer data)
{
    return G_SOURCE_CONTINUE; /* only wakes the loop below to look at the clock */
}

bool
agent_server_drain(AgentServer *server, guint timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    g_autoptr(GPtrArray) clients = server_clients_snapshot(server);
    GSource *tick;
    bool done;

    server->draining = true;
    server->drain_aborted = false;
    for (guint i = 0; i < clients->len; i++)
        agent_client_update_reading(g_ptr_array_index(clients, i));

    tick = g_timeout_source_new(20);
    g_source_set_callback(tick, server_drain_tick, NULL, NULL);
    g_source_attach(tick, server->context);
    for (;;) {
        done = g_atomic_int_get(&server->calls_in_flight) == 0 && !server_any_output(server);
        if (done || server->drain_aborted || g_get_monotonic_time() >= deadline)
            break;
        g_main_context_iteration(server->context, TRUE);
    }
    g_source_destroy(tick);
    g_source_unref(tick);
    return done;
}

void
agent_server_abort_drain(AgentServer *server)
{
    server->drain_aborted = true;
}

void
agent_server_close_clients(AgentServer *server)
{
    g_autoptr(GPtrArray) clients = server_clients_snapshot(server);

    for (guint i = 0; i < clients->len; i++)
        agent_client_close_now(g_ptr_array_index(clients, i), "the agent is shutting down");
}

void
agent_server_free(AgentServer *server)
{
    guint running;

    if (!server)
        return;
    server->draining = true;
    agent_server_stop_accepting(server);
    agent_server_close_clients(server);
    running = (guint)g_atomic_int_get(&server->calls_in_flight);
    if (running > 0) {
        log_warn("%u call(s) still running on worker threads; not waiting for them", running);
        return;
    }
    g_thread_pool_free(server->pool, FALSE, TRUE);
    g_hash_table_unref(server->clients);
    g_ptr_array_unref(server->listeners);
    g_main_context_unref(server->context);
    g_free(server);
}
