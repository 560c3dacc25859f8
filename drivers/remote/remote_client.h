/*
 * remote_client.h: one connection to virtnoded (or any libvirtd-compatible
 * server) over a UNIX socket, as the remote driver uses it
 *
 * A client owns the socket and a reader thread. Calls may be made from any
 * number of threads at once: each gets the next serial (0, 1, 2... as
 * libvirt's client numbers them), is sent under a write lock and waits on
 * its own condition until the reader hands it the REPLY with its serial.
 * The reader also answers keepalive PINGs, sends PINGs of its own when
 * keepalive is on (remote_client_set_keepalive), and passes event MESSAGEs
 * of the REMOTE program to the event handler.
 *
 * When the connection breaks (EOF, read error, bad length word, keepalive
 * timeout) every waiting call fails with the cause, later calls fail with
 * "client socket is closed", and the close handler runs once with a
 * virConnectCloseReason. Handlers run on the reader thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "rpc/message.h"

typedef struct RemoteClient RemoteClient;

/* An event MESSAGE of the REMOTE program: @body is everything after the
 * length word (header included), @body_len its size. */
typedef void (*RemoteClientEventFunc)(const RpcHeader *header, const guint8 *body, gsize body_len,
                                      void *opaque);
/* The connection broke; @reason is a virConnectCloseReason. Not called
 * when remote_client_close() ends it. */
typedef void (*RemoteClientCloseFunc)(int reason, void *opaque);

/* Connects to the UNIX socket @path. Fails with VIR_ERR_SYSTEM_ERROR
 * "Failed to connect socket to 'PATH': <strerror>" as libvirt words it.
 * No thread runs until remote_client_start(). */
RemoteClient *remote_client_connect(const char *path, GError **error);

/* Sets the handlers (either may be NULL) and starts the reader thread. */
void remote_client_start(RemoteClient *client, RemoteClientEventFunc event_fn,
                         RemoteClientCloseFunc close_fn, void *opaque);

/* Calls REMOTE procedure @procedure (it must be in rpc/procedures.h) with
 * @args (NULL for void arguments) and decodes the reply into @ret (the
 * procedure's ret struct, NULL for void; free it with rpc_payload_free()
 * of the procedure's ret_proc). On an error reply *error is the server's
 * error in error_wire_quark(domain); "unknown procedure" errors (code
 * VIR_ERR_RPC, domain RPC or REMOTE) become VIR_ERR_NO_SUPPORT, as
 * libvirt's client does. */
bool remote_client_call(RemoteClient *client, int procedure, const void *args, void *ret,
                        GError **error);

/* Client-side keepalive: after @interval seconds without receiving
 * anything, send a PING, and again every @interval seconds; close the
 * connection (reason VIR_CONNECT_CLOSE_REASON_KEEPALIVE) once @count PINGs
 * went unanswered. @interval <= 0 turns it off. */
void remote_client_set_keepalive(RemoteClient *client, int interval, unsigned int count);

/* Whether the connection is still usable. */
bool remote_client_is_alive(RemoteClient *client);

/* Ends the connection: shuts the socket down, stops the reader (joining
 * it, unless called from a handler on the reader thread itself) and drops
 * the caller's reference. Calls still waiting fail. NULL is ignored. */
void remote_client_close(RemoteClient *client);

/* Whether the current thread is @client's reader thread (a handler). */
bool remote_client_in_reader(RemoteClient *client);
