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

ConnEvents *conn_events_new(void);
/* Runs the free callbacks of what is still registered. */
void conn_events_free(ConnEvents *events);

/* Queue a domain/network event for every matching registration on @conn.
 * @name/@uuid/@id describe the object as it is after the event. */
void conn_events_emit_domain_lifecycle(virConnectPtr conn, const char *name,
                                       const unsigned char *uuid, int id, int event, int detail);
void conn_events_emit_network_lifecycle(virConnectPtr conn, const char *name,
                                        const unsigned char *uuid, int event, int detail);
