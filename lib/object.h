/*
 * object.h: the reference-counted objects behind virConnectPtr,
 * virDomainPtr and virNetworkPtr, for lib/ and the drivers
 *
 * Objects are handles: a domain or network handle names the object (name,
 * UUID, id) on its connection; the state lives in the driver. Reference
 * counts are atomic, so handles may be shared between threads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "util/uuid.h"

typedef struct HypervisorDriver HypervisorDriver;
typedef struct ConnEvents ConnEvents;

#define CONNECT_MAGIC 0x4e4f4331u /* "CON1" */
#define DOMAIN_MAGIC 0x4d4f4431u
#define NETWORK_MAGIC 0x54454e31u

struct _virConnect {
    guint magic;
    gint refs;
    GMutex lock;        /* protects err, handler, user_data */
    char *uri;          /* the URI as the client should see it */
    unsigned int flags; /* VIR_CONNECT_RO, ... */
    const HypervisorDriver *driver;
    void *driver_data; /* owned by the driver; freed by its connect_close */
    virError err;      /* last error reported on this connection */
    virErrorFunc handler;
    void *user_data;
    ConnEvents *events;     /* event callbacks registered on this connection */
    virConnectAuthPtr auth; /* the application's, set only during connect_open */
    /* virConnectRegisterCloseCallback; protected by lock */
    virConnectCloseFunc close_cb;
    void *close_opaque;
    virFreeCallback close_freecb;
};

struct _virDomain {
    guint magic;
    gint refs;
    virConnectPtr conn; /* holds a reference */
    char *name;
    unsigned char uuid[UUID_LEN];
    int id; /* -1 when inactive */
};

struct _virNetwork {
    guint magic;
    gint refs;
    virConnectPtr conn; /* holds a reference */
    char *name;
    unsigned char uuid[UUID_LEN];
};

/* New connection with one reference, no driver yet. */
virConnectPtr obj_connect_new(void);
void obj_connect_ref(virConnectPtr conn);
/* Drops one reference; the last one closes the driver and frees. Returns
 * the references left. */
int obj_connect_unref(virConnectPtr conn);
/* Takes a reference unless the last one is already gone (the connection is
 * being closed by another thread); returns whether it took one. */
bool obj_connect_try_ref(virConnectPtr conn);
/* For drivers whose connection can break (remote): runs the close callback
 * the application registered, once, with @reason (virConnectCloseReason). */
void obj_connect_report_closed(virConnectPtr conn, int reason);

/* New handles with one reference each; they take a reference on @conn. */
virDomainPtr obj_domain_new(virConnectPtr conn, const char *name,
                            const unsigned char uuid[UUID_LEN], int id);
virNetworkPtr obj_network_new(virConnectPtr conn, const char *name,
                              const unsigned char uuid[UUID_LEN]);
void obj_domain_ref(virDomainPtr dom);
int obj_domain_unref(virDomainPtr dom);
void obj_network_ref(virNetworkPtr net);
int obj_network_unref(virNetworkPtr net);

bool obj_connect_is_valid(virConnectPtr conn);
bool obj_domain_is_valid(virDomainPtr dom);
bool obj_network_is_valid(virNetworkPtr net);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, obj_domain_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNetwork, obj_network_unref)
