/*
 * dispatch-priv.h: what the dispatcher's files share (not for other modules)
 *
 * dispatch.c owns the frame checks and the call life cycle; the area
 * files (dispatch-host.c, dispatch-domain.c, dispatch-network.c,
 * dispatch-events.c) each export a table of DispatchEntry, one per
 * procedure they serve.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sys/types.h>

#include "agent/dispatch.h"
#include "agent/keepalive.h"
#include "rpc/procedures.h"

/* libvirt 9.0's number of domain / network event IDs: registrations for
 * IDs below are accepted (only lifecycle events are ever sent). */
#define DISPATCH_DOMAIN_EVENT_ID_COUNT 27
#define DISPATCH_NETWORK_EVENT_ID_COUNT 1

struct Dispatcher {
    gatomicrefcount ref;
    const HypervisorDriver *driver;
    char *driver_uri;
    GMainContext *context;
    GMutex lock; /* protects the settings below */
    int keepalive_interval;
    int keepalive_count;
    char *sock_group; /* unix_sock_group, NULL if none */
    /* daemon-wide server-side callback IDs (atomic) */
    gint next_callback_id[EVENT_FAMILY_LAST];
};

/* One registration of a client for events (316/313, or legacy 167/105). */
typedef struct DispatchEventReg {
    int callback_id; /* -1 for legacy registrations */
    EventFamily family;
    int event_id;
    bool has_uuid;
    unsigned char uuid[UUID_LEN];
    bool legacy; /* sent as DOMAIN_EVENT_LIFECYCLE (107), no callback ID */
} DispatchEventReg;

/* Per-connection state, the AgentClient's private data. Reference
 * counted: calls in flight and the driver's event callbacks hold one. */
typedef struct DispatchClient {
    gatomicrefcount ref;
    Dispatcher *d;  /* holds a reference */
    guint64 id;     /* the AgentClient's, for log lines */
    bool ro_socket; /* came in on the read-only socket */
    uid_t uid;
    gid_t gid;

    GMutex lock;         /* protects the fields below */
    AgentClient *client; /* not a reference; NULL once closed */
    virConnectPtr conn;  /* the client's connection (a reference), NULL until opened */
    bool opening;        /* CONNECT_OPEN in progress */
    bool readonly;       /* the socket, or CONNECT_OPEN's flags */
    GArray *events;      /* DispatchEventReg */
    /* conn_events registration IDs of the lifecycle callbacks, -1 if none */
    int lib_callback[EVENT_FAMILY_LAST];

    GMutex event_lock; /* serialises (de)registrations with the driver */

    Keepalive *keepalive; /* main context only */
} DispatchClient;

/* A call being served: everything a procedure's handler may need. */
typedef struct DispatchCall {
    Dispatcher *d;
    DispatchClient *dc;
    AgentClient *client;
    RpcHeader header;
    const RpcProcedure *proc;
    const struct DispatchEntry *entry;
    virConnectPtr conn; /* a reference while the call runs; NULL before CONNECT_OPEN */
    bool close_after;   /* close the connection once the reply is written */
} DispatchCall;

/* A procedure's handler: @args is the decoded CALL payload (NULL for void
 * ones), @ret the zeroed reply struct to fill (NULL for void ones) with
 * memory it owns (g_malloc'd; freed with xdr_free). Returns false with
 * *error set for an error reply. */
typedef bool (*DispatchFunc)(DispatchCall *call, void *args, void *ret, GError **error);

typedef enum {
    /* Runs on the main context, without a hop to a worker: protocol-level
     * answers, and driver queries that the driver contract (lib/driver.h,
     * "must not block") keeps in memory. */
    DISPATCH_MAIN = 1 << 0,
} DispatchEntryFlags;

typedef struct DispatchEntry {
    int procedure;
    DispatchFunc func;
    /* The public API the procedure stands for, as errors name it
     * ("read only access prevents virDomainDefineXML"). */
    const char *api;
    /* The virErrorDomain libvirt reports this API's own errors from. */
    int from;
    unsigned int flags; /* DispatchEntryFlags */
} DispatchEntry;

extern const DispatchEntry dispatch_host_entries[];
extern const gsize dispatch_host_entries_count;
extern const DispatchEntry dispatch_domain_entries[];
extern const gsize dispatch_domain_entries_count;
extern const DispatchEntry dispatch_network_entries[];
extern const gsize dispatch_network_entries_count;
extern const DispatchEntry dispatch_event_entries[];
extern const gsize dispatch_event_entries_count;

/* The entry serving REMOTE procedure @procedure, NULL if none. */
const DispatchEntry *dispatch_entry_lookup(int procedure);

DispatchClient *dispatch_client_ref(DispatchClient *dc);
void dispatch_client_unref(DispatchClient *dc);
/* dispatch_client_unref as a virFreeCallback / GDestroyNotify. */
void dispatch_client_unref_cb(void *dc);

/* Sets VIR_ERR_NO_SUPPORT for @call's API (a driver lacking the member). */
bool dispatch_no_support(DispatchCall *call, GError **error);

/* Checks that the driver has @member; else NO_SUPPORT and returns false
 * from the handler. */
#define DISPATCH_NEED(call, member, error)                                                         \
    do {                                                                                           \
        if (!(call)->conn->driver->member)                                                         \
            return dispatch_no_support((call), (error));                                           \
    } while (0)

/* A handle for the domain / network a CALL names, on the call's
 * connection (a new reference). */
virDomainPtr dispatch_get_domain(DispatchCall *call, const RpcDomain *dom);
virNetworkPtr dispatch_get_network(DispatchCall *call, const RpcNetwork *net);

/* Fills a reply's domain / network from a handle (owned copies). */
void dispatch_make_domain(RpcDomain *ret_dom, virDomainPtr dom);
void dispatch_make_network(RpcNetwork *ret_net, virNetworkPtr net);

/* Moves the first @count strings of @names (g_malloc'd; the array itself
 * stays the caller's) into a reply's string list. */
void dispatch_take_names(u_int *ret_len, RpcStr **ret_val, char **names, int count);

/* Events: drop every registration of @dc (the client is closing). Main
 * context. */
void dispatch_events_client_closed(DispatchClient *dc);
