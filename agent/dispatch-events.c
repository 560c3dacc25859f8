/*
 * dispatch-events.c: event registrations and event MESSAGEs
 *
 * Each client's registrations live here with their server-side callback
 * IDs (numbered daemon-wide per family, from 0, as libvirtd does). Towards
 * the driver a client holds at most one lib/ event callback per family,
 * for lifecycle events of every object: it is installed with the first
 * lifecycle registration and removed with the last, and it filters by
 * object itself. Registrations for other event IDs are accepted (clients
 * such as `virsh event --all` ask for them) but nothing ever sends them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "agent/dispatch-priv.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "util/error.h"
#include "util/log.h"

#define DISPATCH_ERROR error_quark(VIR_FROM_RPC)

/* ---- delivery ---------------------------------------------------------------- */

/* The callback IDs of @dc's lifecycle registrations of @family matching
 * @uuid; *ret_legacy tells whether a legacy registration matches too.
 * NULL if the client is gone; else its reference in *ret_client. */
static GArray *
events_match(DispatchClient *dc, EventFamily family, const unsigned char *uuid,
             AgentClient **ret_client, bool *ret_legacy)
{
    GArray *ids = NULL;

    *ret_legacy = false;
    *ret_client = NULL;
    g_mutex_lock(&dc->lock);
    if (dc->client) {
        *ret_client = agent_client_ref(dc->client);
        ids = g_array_new(FALSE, FALSE, sizeof(int));
        for (guint i = 0; i < dc->events->len; i++) {
            const DispatchEventReg *reg = &g_array_index(dc->events, DispatchEventReg, i);

            if (reg->family != family || reg->event_id != 0 ||
                (reg->has_uuid && memcmp(reg->uuid, uuid, UUID_LEN) != 0))
                continue;
            if (reg->legacy)
                *ret_legacy = true;
            else
                g_array_append_val(ids, reg->callback_id);
        }
    }
    g_mutex_unlock(&dc->lock);
    return ids;
}

static void
events_send(AgentClient *client, int procedure, xdrproc_t proc, void *msg)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) frame = NULL;
    RpcHeader header;

    rpc_header_init(&header, procedure, RPC_TYPE_MESSAGE, RPC_EVENT_SERIAL, RPC_STATUS_OK);
    if (!(frame = rpc_message_encode(&header, proc, msg, &err))) {
        log_warn("client %" G_GUINT64_FORMAT ": cannot encode event %d: %s",
                 agent_client_get_id(client), procedure, err->message);
        return;
    }
    agent_client_send(client, frame);
}

static int
events_domain_lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail,
                           void *opaque)
{
    g_autoptr(AgentClient) client = NULL;
    g_autoptr(GArray) ids = NULL;
    bool legacy;

    if (!(ids = events_match(opaque, EVENT_FAMILY_DOMAIN, dom->uuid, &client, &legacy)))
        return 0;
    for (guint i = 0; i < ids->len; i++) {
        RpcDomainEventCallbackLifecycleMsg msg = {
            .callback_id = g_array_index(ids, int, i),
            .event = event,
            .detail = detail,
        };

        rpc_domain_init(&msg.dom, dom->name, dom->uuid, dom->id);
        events_send(client, RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                    (xdrproc_t)xdr_RpcDomainEventCallbackLifecycleMsg, &msg);
    }
    if (legacy) {
        RpcDomainEventLifecycleMsg msg = { .event = event, .detail = detail };

        rpc_domain_init(&msg.dom, dom->name, dom->uuid, dom->id);
        events_send(client, RPC_PROC_DOMAIN_EVENT_LIFECYCLE,
                    (xdrproc_t)xdr_RpcDomainEventLifecycleMsg, &msg);
    }
    return 0;
}

static void
events_network_lifecycle_cb(virConnectPtr conn, virNetworkPtr net, int event, int detail,
                            void *opaque)
{
    g_autoptr(AgentClient) client = NULL;
    g_autoptr(GArray) ids = NULL;
    bool legacy;

    if (!(ids = events_match(opaque, EVENT_FAMILY_NETWORK, net->uuid, &client, &legacy)))
        return;
    for (guint i = 0; i < ids->len; i++) {
        RpcNetworkEventLifecycleMsg msg = {
            .callback_id = g_array_index(ids, int, i),
            .event = event,
            .detail = detail,
        };

        rpc_network_init(&msg.net, net->name, net->uuid);
        events_send(client, RPC_PROC_NETWORK_EVENT_LIFECYCLE,
                    (xdrproc_t)xdr_RpcNetworkEventLifecycleMsg, &msg);
    }
}

/* ---- registrations ------------------------------------------------------------ */

static bool
events_check_id(EventFamily family, int event_id, GError **error)
{
    int count = family == EVENT_FAMILY_DOMAIN ? DISPATCH_DOMAIN_EVENT_ID_COUNT
                                              : DISPATCH_NETWORK_EVENT_ID_COUNT;

    if (event_id < 0 || event_id >= count) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR, "unsupported event ID %d",
                    event_id);
        return false;
    }
    return true;
}

/* Whether a legacy registration for @event_id exists; caller holds the lock. */
static int
events_find_legacy_locked(DispatchClient *dc, int event_id)
{
    for (guint i = 0; i < dc->events->len; i++) {
        const DispatchEventReg *reg = &g_array_index(dc->events, DispatchEventReg, i);

        if (reg->legacy && reg->event_id == event_id)
            return (int)i;
    }
    return -1;
}

/* Adds a registration of @dc; *ret_callback_id gets its server-side ID
 * (legacy ones have none). */
static bool
events_add(DispatchCall *call, EventFamily family, int event_id, const RpcUuid *uuid, bool legacy,
           int *ret_callback_id, GError **error)
{
    DispatchClient *dc = call->dc;
    DispatchEventReg reg = { .callback_id = -1, .family = family, .event_id = event_id };
    bool closed, duplicate, need_lib;
    bool ok = false;

    if (!events_check_id(family, event_id, error))
        return false;
    if (uuid) {
        reg.has_uuid = true;
        memcpy(reg.uuid, uuid, UUID_LEN);
    }
    reg.legacy = legacy;

    g_mutex_lock(&dc->event_lock);
    g_mutex_lock(&dc->lock);
    closed = !dc->client;
    duplicate = legacy && events_find_legacy_locked(dc, event_id) >= 0;
    need_lib = event_id == 0 && dc->lib_callback[family] < 0;
    g_mutex_unlock(&dc->lock);
    if (closed) {
        g_set_error_literal(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR, "client is closing");
        goto out;
    }
    if (duplicate) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR,
                    "domain event %d already registered", event_id);
        goto out;
    }
    if (need_lib) {
        ConnEventFunc cb = family == EVENT_FAMILY_DOMAIN
                               ? (ConnEventFunc)events_domain_lifecycle_cb
                               : (ConnEventFunc)events_network_lifecycle_cb;
        int id = conn_events_register(call->conn, family, 0, NULL, cb, dispatch_client_ref(dc),
                                      dispatch_client_unref_cb, error);

        if (id < 0) {
            dispatch_client_unref(dc); /* not kept on failure */
            goto out;
        }
        g_mutex_lock(&dc->lock);
        dc->lib_callback[family] = id;
        g_mutex_unlock(&dc->lock);
    }
    if (!legacy)
        reg.callback_id = g_atomic_int_add(&call->d->next_callback_id[family], 1);
    g_mutex_lock(&dc->lock);
    g_array_append_val(dc->events, reg);
    g_mutex_unlock(&dc->lock);
    if (ret_callback_id)
        *ret_callback_id = reg.callback_id;
    ok = true;
out:
    g_mutex_unlock(&dc->event_lock);
    return ok;
}

/* Removes the registration at @index of @dc, and the lib/ callback with
 * the last lifecycle one of its family. Caller holds event_lock. */
static void
events_remove_at(DispatchCall *call, guint index)
{
    DispatchClient *dc = call->dc;
    DispatchEventReg reg;
    bool still = false;
    int lib_id = -1;

    g_mutex_lock(&dc->lock);
    reg = g_array_index(dc->events, DispatchEventReg, index);
    g_array_remove_index(dc->events, index);
    for (guint i = 0; i < dc->events->len; i++) {
        const DispatchEventReg *o = &g_array_index(dc->events, DispatchEventReg, i);

        if (o->family == reg.family && o->event_id == 0)
            still = true;
    }
    if (reg.event_id == 0 && !still) {
        lib_id = dc->lib_callback[reg.family];
        dc->lib_callback[reg.family] = -1;
    }
    g_mutex_unlock(&dc->lock);
    if (lib_id >= 0) {
        g_autoptr(GError) err = NULL;

        if (!conn_events_deregister(call->conn, reg.family, lib_id, &err))
            log_warn("client %" G_GUINT64_FORMAT ": cannot remove its event callback: %s", dc->id,
                     err->message);
    }
}

static bool
events_remove(DispatchCall *call, EventFamily family, int callback_id, GError **error)
{
    DispatchClient *dc = call->dc;
    int found = -1;

    g_mutex_lock(&dc->event_lock);
    g_mutex_lock(&dc->lock);
    for (guint i = 0; i < dc->events->len; i++) {
        const DispatchEventReg *reg = &g_array_index(dc->events, DispatchEventReg, i);

        if (!reg->legacy && reg->family == family && reg->callback_id == callback_id) {
            found = (int)i;
            break;
        }
    }
    g_mutex_unlock(&dc->lock);
    if (found >= 0)
        events_remove_at(call, (guint)found);
    g_mutex_unlock(&dc->event_lock);
    if (found < 0) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_RPC, "%s event callback %d not registered",
                    family == EVENT_FAMILY_DOMAIN ? "domain" : "network", callback_id);
        return false;
    }
    return true;
}

static bool
events_remove_legacy(DispatchCall *call, int event_id, GError **error)
{
    DispatchClient *dc = call->dc;
    int found;

    g_mutex_lock(&dc->event_lock);
    g_mutex_lock(&dc->lock);
    found = events_find_legacy_locked(dc, event_id);
    g_mutex_unlock(&dc->lock);
    if (found >= 0)
        events_remove_at(call, (guint)found);
    g_mutex_unlock(&dc->event_lock);
    if (found < 0) {
        g_set_error(error, DISPATCH_ERROR, VIR_ERR_INTERNAL_ERROR, "domain event %d not registered",
                    event_id);
        return false;
    }
    return true;
}

void
dispatch_events_client_closed(DispatchClient *dc)
{
    int lib[EVENT_FAMILY_LAST];
    virConnectPtr conn = NULL;

    g_mutex_lock(&dc->lock);
    for (int f = 0; f < EVENT_FAMILY_LAST; f++) {
        lib[f] = dc->lib_callback[f];
        dc->lib_callback[f] = -1;
    }
    g_array_set_size(dc->events, 0);
    if (dc->conn) {
        conn = dc->conn;
        obj_connect_ref(conn);
    }
    g_mutex_unlock(&dc->lock);
    for (int f = 0; conn && f < EVENT_FAMILY_LAST; f++) {
        g_autoptr(GError) err = NULL;

        if (lib[f] >= 0 && !conn_events_deregister(conn, f, lib[f], &err))
            log_warn("client %" G_GUINT64_FORMAT ": cannot remove its event callback: %s", dc->id,
                     err->message);
    }
    if (conn)
        obj_connect_unref(conn);
}

/* ---- procedures ---------------------------------------------------------------- */

static bool
events_domain_register_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventCallbackRegisterAnyArgs *a = args;
    RpcConnectDomainEventCallbackRegisterAnyRet *r = ret;

    return events_add(call, EVENT_FAMILY_DOMAIN, a->event_id,
                      a->dom ? (const RpcUuid *)&a->dom->uuid : NULL, false, &r->callback_id,
                      error);
}

static bool
events_domain_deregister_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventCallbackDeregisterAnyArgs *a = args;

    return events_remove(call, EVENT_FAMILY_DOMAIN, a->callback_id, error);
}

static bool
events_network_register_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNetworkEventRegisterAnyArgs *a = args;
    RpcConnectNetworkEventRegisterAnyRet *r = ret;

    return events_add(call, EVENT_FAMILY_NETWORK, a->event_id,
                      a->net ? (const RpcUuid *)&a->net->uuid : NULL, false, &r->callback_id,
                      error);
}

static bool
events_network_deregister_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectNetworkEventDeregisterAnyArgs *a = args;

    return events_remove(call, EVENT_FAMILY_NETWORK, a->callback_id, error);
}

static bool
events_legacy_register_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventRegisterAnyArgs *a = args;

    return events_add(call, EVENT_FAMILY_DOMAIN, a->event_id, NULL, true, NULL, error);
}

static bool
events_legacy_deregister_any(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventDeregisterAnyArgs *a = args;

    return events_remove_legacy(call, a->event_id, error);
}

static bool
events_legacy_register(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventRegisterRet *r = ret;

    if (!events_add(call, EVENT_FAMILY_DOMAIN, VIR_DOMAIN_EVENT_ID_LIFECYCLE, NULL, true, NULL,
                    error))
        return false;
    r->cb_registered = 1;
    return true;
}

static bool
events_legacy_deregister(DispatchCall *call, void *args, void *ret, GError **error)
{
    RpcConnectDomainEventDeregisterRet *r = ret;

    if (!events_remove_legacy(call, VIR_DOMAIN_EVENT_ID_LIFECYCLE, error))
        return false;
    r->cb_registered = 0;
    return true;
}

#define ENTRY(proc, func, api, from)                                                               \
    {                                                                                              \
        RPC_PROC_##proc, func, api, from, 0                                                        \
    }

const DispatchEntry dispatch_event_entries[] = {
    ENTRY(CONNECT_DOMAIN_EVENT_REGISTER, events_legacy_register, "virConnectDomainEventRegister",
          VIR_FROM_DOMAIN),
    ENTRY(CONNECT_DOMAIN_EVENT_DEREGISTER, events_legacy_deregister,
          "virConnectDomainEventDeregister", VIR_FROM_DOMAIN),
    ENTRY(CONNECT_DOMAIN_EVENT_REGISTER_ANY, events_legacy_register_any,
          "virConnectDomainEventRegisterAny", VIR_FROM_DOMAIN),
    ENTRY(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, events_legacy_deregister_any,
          "virConnectDomainEventDeregisterAny", VIR_FROM_DOMAIN),
    ENTRY(CONNECT_NETWORK_EVENT_REGISTER_ANY, events_network_register_any,
          "virConnectNetworkEventRegisterAny", VIR_FROM_NETWORK),
    ENTRY(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, events_network_deregister_any,
          "virConnectNetworkEventDeregisterAny", VIR_FROM_NETWORK),
    ENTRY(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, events_domain_register_any,
          "virConnectDomainEventRegisterAny", VIR_FROM_DOMAIN),
    ENTRY(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, events_domain_deregister_any,
          "virConnectDomainEventDeregisterAny", VIR_FROM_DOMAIN),
};

const gsize dispatch_event_entries_count = G_N_ELEMENTS(dispatch_event_entries);
