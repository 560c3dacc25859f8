/*
 * remote_priv.h: what the remote driver's files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "drivers/remote/remote_client.h"
#include "lib/driver.h"

/* conn->driver_data of a remote connection. */
typedef struct RemoteConn {
    RemoteClient *client;
    virConnectPtr conn; /* no reference: the connection owns us */
    bool keepalive;     /* the server speaks the keepalive program (feature 10) */
    bool event_ids;     /* server-side event callbacks (feature 14) */

    GMutex lock;         /* protects what follows */
    char *type;          /* CONNECT_GET_TYPE, asked once */
    GHashTable *watches; /* event_watch_key(family, event id) -> server callback ID */
} RemoteConn;

/* The client's event handler (opaque: the RemoteConn): turns lifecycle
 * MESSAGEs into conn_events_emit_*() and CONNECTION_CLOSED into the
 * application's close callback. Runs on the reader thread. */
void remote_events_dispatch(const RpcHeader *header, const guint8 *body, gsize body_len,
                            void *opaque);

/* The client's close handler (opaque: the RemoteConn). */
void remote_events_closed(int reason, void *opaque);

/* HypervisorDriver.connect_event_watch: registers one server-side
 * callback for all objects on the first local registration of (@family,
 * @event_id), deregisters it with the last. */
bool remote_connect_event_watch(virConnectPtr conn, EventFamily family, int event_id, bool enable,
                                GError **error);
