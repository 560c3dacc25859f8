/*
 * server.h: the agent's UNIX socket listeners and client connections
 *
 * The server accepts connections on its listeners (the rw and ro sockets)
 * on a GLib main context. Each connection is an AgentClient: it reads
 * frames (a 4-byte big-endian length word counting itself, then the
 * header and payload) and hands every complete frame to the dispatch
 * function installed by the protocol layer. Replies go back through
 * agent_client_send(), from any thread.
 *
 * Threads: everything here runs on the server's main context except
 * agent_client_send(), agent_client_end_call(), agent_client_close() and
 * the ref/unref/getter functions, which any thread may call, and the
 * AgentCallFunc of agent_client_queue_call(), which runs on a worker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "agent/config.h"

/* Smallest and largest length word (libvirt 9.0 limits): a 24-byte header
 * and at most 32 MiB after the length word. */
#define AGENT_FRAME_MIN 28u
#define AGENT_FRAME_MAX 33554436u

typedef struct AgentServer AgentServer;
typedef struct AgentClient AgentClient;

/* Called on the main context for every complete frame of @client. @frame
 * holds the bytes after the length word (header + payload, at least 24
 * bytes). The function may answer at once (agent_client_send) or hand the
 * call to a worker (agent_client_queue_call); it must not block. */
typedef void (*AgentDispatchFunc)(AgentClient *client, GBytes *frame, gpointer user_data);

/* Called on the main context once per client: after it connected (the
 * place to attach per-connection state with agent_client_set_private) and
 * after it was closed (its fd is already gone; drop event registrations). */
typedef void (*AgentClientFunc)(AgentClient *client, gpointer user_data);

/* A call run on a worker thread by agent_client_queue_call(). */
typedef void (*AgentCallFunc)(AgentClient *client, GBytes *frame, gpointer user_data);

typedef struct AgentServerHooks {
    AgentDispatchFunc dispatch;    /* NULL: frames are refused (no protocol) */
    AgentClientFunc client_opened; /* may be NULL */
    AgentClientFunc client_closed; /* may be NULL */
    gpointer user_data;
} AgentServerHooks;

/* ---- server ------------------------------------------------------------ */

/* A server taking its limits from @cfg, running on @context (NULL: the
 * thread-default main context). Starts no thread and opens nothing yet. */
AgentServer *agent_server_new(const AgentConfig *cfg, GMainContext *context, GError **error);

/* Installs the protocol layer's callbacks (copied). Call before listening. */
void agent_server_set_hooks(AgentServer *server, const AgentServerHooks *hooks);

/* Creates, binds (mode exactly @mode, group @gid unless (gid_t)-1) and
 * listens on a UNIX socket at @path; clients coming in on it are read-only
 * when @readonly. @path must not exist. */
bool agent_server_listen(AgentServer *server, const char *path, bool readonly, unsigned mode,
                         gid_t gid, GError **error);

/* Takes the new limits (max clients, requests per client, workers). */
void agent_server_apply_config(AgentServer *server, const AgentConfig *cfg);

/* Closes the listeners and removes their socket files. */
void agent_server_stop_accepting(AgentServer *server);

/* Stops reading from clients and runs the main context until every call in
 * flight finished and every reply was written, or @timeout_ms passed, or
 * agent_server_abort_drain() was called. True when everything finished. */
bool agent_server_drain(AgentServer *server, guint timeout_ms);
void agent_server_abort_drain(AgentServer *server);

/* Closes every client connection. */
void agent_server_close_clients(AgentServer *server);

/* Stops accepting, closes clients, frees. If calls are still running on
 * workers the server is deliberately leaked (they still use it): the
 * process is about to exit anyway. NULL is fine. */
void agent_server_free(AgentServer *server);

guint agent_server_client_count(AgentServer *server);
/* Calls begun and not yet ended, over all clients. */
guint agent_server_calls_in_flight(AgentServer *server);

/* ---- clients ------------------------------------------------------------- */

AgentClient *agent_client_ref(AgentClient *client);
void agent_client_unref(AgentClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AgentClient, agent_client_unref)

/* Numbered from 1 in connection order; used in log lines. */
guint64 agent_client_get_id(AgentClient *client);
/* Came in on the read-only socket: every mutating call must be denied. */
bool agent_client_is_readonly(AgentClient *client);
/* Peer credentials from SO_PEERCRED, taken at connect time. */
pid_t agent_client_get_pid(AgentClient *client);
uid_t agent_client_get_uid(AgentClient *client);
gid_t agent_client_get_gid(AgentClient *client);
AgentServer *agent_client_get_server(AgentClient *client);

/* Per-connection state of the protocol layer; @destroy runs when the
 * client is freed. Main context only. */
void agent_client_set_private(AgentClient *client, gpointer data, GDestroyNotify destroy);
gpointer agent_client_get_private(AgentClient *client);

/* Queues a complete message (length word included) for sending; the main
 * context writes it, handling partial writes. Any thread. Dropped silently
 * once the client is closed. */
void agent_client_send(AgentClient *client, GBytes *message);

/* Closes the connection on the main context: at once, or with
 * @flush after the queued messages were written. Any thread. */
void agent_client_close(AgentClient *client, bool flush);
bool agent_client_is_closed(AgentClient *client);

/* Counts a call in flight. While a client has max_client_requests calls in
 * flight, no more frames are read from it. begin: main context (from the
 * dispatch function); end: any thread. */
void agent_client_begin_call(AgentClient *client);
void agent_client_end_call(AgentClient *client);

/* begin_call, then @func(client, frame, user_data) on a worker thread,
 * then end_call. Holds references on @client and @frame meanwhile. */
void agent_client_queue_call(AgentClient *client, GBytes *frame, AgentCallFunc func,
                             gpointer user_data);
