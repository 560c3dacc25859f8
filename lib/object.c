/*
 * object.c: reference-counted connection, domain and network handles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "lib/driver.h"
#include "lib/event-callbacks.h"
#include "lib/object.h"

virConnectPtr
obj_connect_new(void)
{
    virConnectPtr conn = g_new0(virConnect, 1);

    conn->magic = CONNECT_MAGIC;
    conn->refs = 1;
    g_mutex_init(&conn->lock);
    conn->events = conn_events_new();
    conn_events_attach(conn->events, conn);
    return conn;
}

void
obj_connect_ref(virConnectPtr conn)
{
    g_atomic_int_inc(&conn->refs);
}

bool
obj_connect_try_ref(virConnectPtr conn)
{
    int refs;

    do {
        refs = g_atomic_int_get(&conn->refs);
        if (refs <= 0)
            return false;
    } while (!g_atomic_int_compare_and_exchange(&conn->refs, refs, refs + 1));
    return true;
}

void
obj_connect_report_closed(virConnectPtr conn, int reason)
{
    virConnectCloseFunc cb;
    void *opaque;
    virFreeCallback freecb;

    g_mutex_lock(&conn->lock);
    cb = conn->close_cb;
    opaque = conn->close_opaque;
    freecb = conn->close_freecb;
    conn->close_cb = NULL;
    conn->close_opaque = NULL;
    conn->close_freecb = NULL;
    g_mutex_unlock(&conn->lock);

    if (cb)
        cb(conn, reason, opaque);
    if (freecb)
        freecb(opaque);
}

int
obj_connect_unref(virConnectPtr conn)
{
    int left;

    if (!conn)
        return 0;
    left = g_atomic_int_add(&conn->refs, -1) - 1;
    if (left > 0)
        return left;

    /* The driver first: closing takes the connection out of the driver's
     * list, so no emitter can reach it once connect_close returns. Only then
     * are the callbacks (and any queued event) dropped; none is delivered. */
    if (conn->driver && conn->driver->connect_close)
        conn->driver->connect_close(conn);
    conn_events_free(conn->events);
    conn->events = NULL;
    if (conn->close_freecb)
        conn->close_freecb(conn->close_opaque);
    virResetError(&conn->err);
    g_free(conn->uri);
    g_mutex_clear(&conn->lock);
    conn->magic = 0;
    g_free(conn);
    return 0;
}

virDomainPtr
obj_domain_new(virConnectPtr conn, const char *name, const unsigned char uuid[UUID_LEN], int id)
{
    virDomainPtr dom = g_new0(virDomain, 1);

    dom->magic = DOMAIN_MAGIC;
    dom->refs = 1;
    obj_connect_ref(conn);
    dom->conn = conn;
    dom->name = g_strdup(name);
    memcpy(dom->uuid, uuid, UUID_LEN);
    dom->id = id;
    return dom;
}

void
obj_domain_ref(virDomainPtr dom)
{
    g_atomic_int_inc(&dom->refs);
}

int
obj_domain_unref(virDomainPtr dom)
{
    int left;

    if (!dom)
        return 0;
    left = g_atomic_int_add(&dom->refs, -1) - 1;
    if (left > 0)
        return left;
    dom->magic = 0;
    obj_connect_unref(dom->conn);
    g_free(dom->name);
    g_free(dom);
    return 0;
}

virNetworkPtr
obj_network_new(virConnectPtr conn, const char *name, const unsigned char uuid[UUID_LEN])
{
    virNetworkPtr net = g_new0(virNetwork, 1);

    net->magic = NETWORK_MAGIC;
    net->refs = 1;
    obj_connect_ref(conn);
    net->conn = conn;
    net->name = g_strdup(name);
    memcpy(net->uuid, uuid, UUID_LEN);
    return net;
}

void
obj_network_ref(virNetworkPtr net)
{
    g_atomic_int_inc(&net->refs);
}

int
obj_network_unref(virNetworkPtr net)
{
    int left;

    if (!net)
        return 0;
    left = g_atomic_int_add(&net->refs, -1) - 1;
    if (left > 0)
        return left;
    net->magic = 0;
    obj_connect_unref(net->conn);
    g_free(net->name);
    g_free(net);
    return 0;
}

bool
obj_connect_is_valid(virConnectPtr conn)
{
    return conn && conn->magic == CONNECT_MAGIC && g_atomic_int_get(&conn->refs) > 0;
}

bool
obj_domain_is_valid(virDomainPtr dom)
{
    return dom && dom->magic == DOMAIN_MAGIC && g_atomic_int_get(&dom->refs) > 0 &&
           obj_connect_is_valid(dom->conn);
}

bool
obj_network_is_valid(virNetworkPtr net)
{
    return net && net->magic == NETWORK_MAGIC && g_atomic_int_get(&net->refs) > 0 &&
           obj_connect_is_valid(net->conn);
}
