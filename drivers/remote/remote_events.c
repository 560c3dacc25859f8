/*
 * remote_events.c: events of a remote connection -- registration on the
 * server, and delivery of the event MESSAGEs it sends
 *
 * lib/ keeps the application's callbacks and filters them per object, so
 * the server is asked for one callback per (family, event ID) covering
 * every object, as libvirt's client does. Incoming events carry the
 * server's callback ID; with one server callback per event kind there is
 * nothing to route by it, and an event racing a (de)registration is
 * simply dropped by lib/ when no local callback wants it.
 *
 * Handlers run on the reader thread while the application may be dropping
 * its last reference to the connection: they only touch it with a
 * reference of their own (obj_connect_try_ref), and the connection may be
 * closed (on this very thread) when they drop it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "drivers/remote/remote_priv.h"
#include "lib/event-callbacks.h"
#include "rpc/procedures.h"
#include "util/error.h"

static gpointer
watch_key(EventFamily family, int event_id)
{
    return GINT_TO_POINTER(((int)family << 16) | (event_id & 0xffff));
}

bool
remote_connect_event_watch(virConnectPtr conn, EventFamily family, int event_id, bool enable,
                           GError **error)
{
    RemoteConn *priv = conn->driver_data;
    gpointer key = watch_key(family, event_id);
    gpointer value;
    int callback_id;

    if (!priv->event_ids) {
        g_set_error(error, REMOTE_ERROR, VIR_ERR_NO_SUPPORT,
                    "server does not support event callbacks");
        return false;
    }
    if (enable) {
        switch (family) {
        case EVENT_FAMILY_DOMAIN: {
            RpcConnectDomainEventCallbackRegisterAnyArgs args = { .event_id = event_id };
            RpcConnectDomainEventCallbackRegisterAnyRet ret;

            if (!remote_client_call(priv->client,
                                    RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, &args,
                                    &ret, error))
                return false;
            callback_id = ret.callback_id;
            break;
        }
        case EVENT_FAMILY_NETWORK: {
            RpcConnectNetworkEventRegisterAnyArgs args = { .event_id = event_id };
            RpcConnectNetworkEventRegisterAnyRet ret;

            if (!remote_client_call(priv->client, RPC_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
                                    &args, &ret, error))
                return false;
            callback_id = ret.callback_id;
            break;
        }
        case EVENT_FAMILY_LAST:
        default:
            g_set_error(error, REMOTE_ERROR, VIR_ERR_INVALID_ARG, "unknown event family %d",
                        (int)family);
            return false;
        }
        g_mutex_lock(&priv->lock);
        g_hash_table_insert(priv->watches, key, GINT_TO_POINTER(callback_id));
        g_mutex_unlock(&priv->lock);
        return true;
    }

    g_mutex_lock(&priv->lock);
    if (!g_hash_table_lookup_extended(priv->watches, key, NULL, &value)) {
        g_mutex_unlock(&priv->lock);
        return true;
    }
    g_hash_table_remove(priv->watches, key);
    g_mutex_unlock(&priv->lock);
    callback_id = GPOINTER_TO_INT(value);

    switch (family) {
    case EVENT_FAMILY_DOMAIN: {
        RpcConnectDomainEventCallbackDeregisterAnyArgs args = { .callback_id = callback_id };

        return remote_client_call(priv->client,
                                  RPC_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, &args,
                                  NULL, error);
    }
    case EVENT_FAMILY_NETWORK: {
        RpcConnectNetworkEventDeregisterAnyArgs args = { .callback_id = callback_id };

        return remote_client_call(priv->client, RPC_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
                                  &args, NULL, error);
    }
    case EVENT_FAMILY_LAST:
    default:
        return true;
    }
}

/* Decodes the body of event @procedure into @msg; false if malformed (an
 * event the server got wrong is dropped, as libvirt's client does). */
static bool
decode_event(int procedure, const guint8 *body, gsize body_len, void *msg)
{
    const RpcProcedure *proc = rpc_remote_procedure(procedure);

    return proc && rpc_payload_decode(body, body_len, proc->args_proc, msg, proc->args_size, NULL);
}

static void
free_event(int procedure, void *msg)
{
    rpc_payload_free(rpc_remote_procedure(procedure)->args_proc, msg);
}

void
remote_events_dispatch(const RpcHeader *header, const guint8 *body, gsize body_len, void *opaque)
{
    RemoteConn *priv = opaque;
    virConnectPtr conn = priv->conn;

    if (!obj_connect_try_ref(conn))
        return; /* the connection is going away */

    switch (header->procedure) {
    case RPC_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        RpcDomainEventCallbackLifecycleMsg msg;

        if (!decode_event(header->procedure, body, body_len, &msg))
            break;
        conn_events_emit_domain_lifecycle(conn, msg.dom.name, (const unsigned char *)msg.dom.uuid,
                                          msg.dom.id, msg.event, msg.detail);
        free_event(header->procedure, &msg);
        break;
    }
    case RPC_PROC_DOMAIN_EVENT_LIFECYCLE: {
        RpcDomainEventLifecycleMsg msg;

        if (!decode_event(header->procedure, body, body_len, &msg))
            break;
        conn_events_emit_domain_lifecycle(conn, msg.dom.name, (const unsigned char *)msg.dom.uuid,
                                          msg.dom.id, msg.event, msg.detail);
        free_event(header->procedure, &msg);
        break;
    }
    case RPC_PROC_NETWORK_EVENT_LIFECYCLE: {
        RpcNetworkEventLifecycleMsg msg;

        if (!decode_event(header->procedure, body, body_len, &msg))
            break;
        conn_events_emit_network_lifecycle(conn, msg.net.name, (const unsigned char *)msg.net.uuid,
                                           msg.event, msg.detail);
        free_event(header->procedure, &msg);
        break;
    }
    case RPC_PROC_CONNECT_EVENT_CONNECTION_CLOSED: {
        RpcConnectEventConnectionClosedMsg msg;

        if (!decode_event(header->procedure, body, body_len, &msg))
            break;
        obj_connect_report_closed(conn, msg.reason);
        break;
    }
    default:
        break;
    }
    /* May be the last reference: the connection then closes right here. */
    obj_connect_unref(conn);
}

void
remote_events_closed(int reason, void *opaque)
{
    RemoteConn *priv = opaque;
    virConnectPtr conn = priv->conn;

    if (!obj_connect_try_ref(conn))
        return;
    obj_connect_report_closed(conn, reason);
    obj_connect_unref(conn);
}
