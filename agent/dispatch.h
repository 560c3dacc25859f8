/*
 * dispatch.h: the server side of libvirt's wire protocol in virtnoded
 *
 * The dispatcher plugs into the agent's server (agent/server.h) through
 * AgentServerHooks. It turns every frame a client sends into a call of
 * the local driver's table (lib/driver.h) on a virConnect of its own per
 * client, and answers with the reply or error record libvirtd would send
 * (shared/protocol/remote-subset.md). Keepalive PINGs are answered on the
 * main context; calls that reach the driver run on the server's worker
 * pool; event registrations turn the driver's lifecycle events into
 * MESSAGE frames.
 *
 * The driver table is a parameter: the agent gives its local driver,
 * tests give drivers/test's table (or a modified copy of it).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "agent/config.h"
#include "agent/server.h"
#include "lib/driver.h"

typedef struct Dispatcher Dispatcher;

typedef struct DispatcherOptions {
    /* The table every client's connection is opened with. */
    const HypervisorDriver *driver;
    /* The URI handed to driver->connect_open; NULL: the one the client
     * sent (after it was accepted as qemu:///system). Tests open the test
     * driver with "test:///default" here. */
    const char *driver_uri;
    /* The context the server runs on (keepalive timers go there); NULL:
     * the default main context. */
    GMainContext *context;
} DispatcherOptions;

/* A dispatcher with the settings of @cfg (keepalive, unix_sock_group).
 * @opts is copied (the strings too). Never fails. */
Dispatcher *dispatcher_new(const DispatcherOptions *opts, const AgentConfig *cfg);

Dispatcher *dispatcher_ref(Dispatcher *d);
/* The server's hooks do not hold a reference: keep one until the server
 * is freed. NULL is fine. */
void dispatcher_unref(Dispatcher *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Dispatcher, dispatcher_unref)

/* Takes the new keepalive settings and socket group (after SIGHUP). They
 * apply to keepalives started and calls made from now on. */
void dispatcher_apply_config(Dispatcher *d, const AgentConfig *cfg);

/* Fills @ret_hooks with the dispatcher's frame and client callbacks, for
 * agent_server_set_hooks() or AgentHooks.server. */
void dispatcher_get_server_hooks(Dispatcher *d, AgentServerHooks *ret_hooks);
