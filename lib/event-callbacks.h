/*
 * event-callbacks.h: event callbacks registered on a connection, and their
 * delivery through the application's event loop
 *
 * Drivers call conn_events_emit_*() from any thread; the callbacks run later,
 * from the event loop the application registered (virEventRegisterImpl or
 * virEventRegisterDefaultImpl), as in libvirt.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "lib/driver.h"

/* Any callback, stored untyped and called through its real type. */
typedef void (*ConnEventFunc)(void);

ConnEvents *conn_events_new(void);
/* Tells @events its connection (no reference: the connection owns them). */
void conn_events_attach(ConnEvents *events, virConnectPtr conn);
/* Runs the free callbacks of what is still registered. */
void conn_events_free(ConnEvents *events);

/* Registers @cb (a virConnectDomainEvent*Callback or
 * virConnectNetworkEvent*Callback, per @family and @event_id) on @conn,
 * for the object with @uuid only if not NULL. Returns the callback ID
 * (unique on @conn), or -1 with *error set: no event loop implementation
 * (VIR_ERR_INTERNAL_ERROR), the same callback already registered for the
 * same event and object (VIR_ERR_INVALID_ARG), or the driver's
 * connect_event_watch failing, which is called when the first
 * registration of (@family, @event_id) appears. @event_id is not checked
 * here. */
int conn_events_register(virConnectPtr conn, EventFamily family, int event_id,
                         const unsigned char *uuid, ConnEventFunc cb, void *opaque,
                         virFreeCallback freecb, GError **error);

/* Removes registration @callback_id of @family; its free callback runs
 * (after the callback itself returns, when called from inside it). An
 * unknown ID is VIR_ERR_INVALID_ARG. When the last registration of its
 * (@family, event ID) goes, the driver's connect_event_watch is told. */
bool conn_events_deregister(virConnectPtr conn, EventFamily family, int callback_id,
                            GError **error);

/* Queue a domain/network event for every matching registration on @conn.
 * @name/@uuid/@id describe the object as it is after the event. */
void conn_events_emit_domain_lifecycle(virConnectPtr conn, const char *name,
                                       const unsigned char *uuid, int id, int event, int detail);
void conn_events_emit_network_lifecycle(virConnectPtr conn, const char *name,
                                        const unsigned char *uuid, int event, int detail);
