/*
 * event-callbacks.c: event callbacks registered on a connection, and their
 * delivery from the application's event loop
 *
 * Drivers emit from any thread: events are queued and a timer of the
 * application's loop (registered with the first callback, enabled with 0
 * while the queue is not empty, disabled with -1 once drained) delivers
 * them, as libvirt does. A callback may deregister itself or others while
 * it runs: registrations are then only marked, and purged once no
 * delivery is in progress.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>

#include "lib/event-callbacks.h"
#include "lib/object.h"
#include "util/error.h"

/* object_event errors in libvirt come from no particular subsystem */
#define EVENT_ERROR error_quark(VIR_FROM_NONE)

typedef struct {
    int id;
    EventFamily family;
    int event_id;
    bool has_uuid;
    unsigned char uuid[UUID_LEN];
    ConnEventFunc cb;
    void *opaque;
    virFreeCallback freecb;
    bool deleted; /* deregistered during a delivery, purged after it */
} EventCallback;

typedef struct {
    EventFamily family;
    int event_id;
    char *name;
    unsigned char uuid[UUID_LEN];
    int id; /* domains */
    int event;
    int detail;
} QueuedEvent;

struct ConnEvents {
    gint refs;            /* the connection's, and the timer's while it exists */
    GMutex lock;          /* protects everything below */
    GMutex reg_lock;      /* serializes (de)registrations with the driver hook */
    virConnectPtr conn;   /* not a reference */
    bool closed;          /* the connection is going away */
    GPtrArray *callbacks; /* EventCallback * */
    int next_id;
    GQueue queue;    /* QueuedEvent * */
    int timer;       /* event loop timer, -1 if none */
    int dispatching; /* deliveries in progress */
};

static void
queued_event_free(gpointer data)
{
    QueuedEvent *qe = data;

    g_free(qe->name);
    g_free(qe);
}

ConnEvents *
conn_events_new(void)
{
    ConnEvents *ev = g_new0(ConnEvents, 1);

    ev->refs = 1;
    g_mutex_init(&ev->lock);
    g_mutex_init(&ev->reg_lock);
    ev->callbacks = g_ptr_array_new();
    g_queue_init(&ev->queue);
    ev->timer = -1;
    return ev;
}

void
conn_events_attach(ConnEvents *events, virConnectPtr conn)
{
    events->conn = conn;
}

static ConnEvents *
events_ref(ConnEvents *ev)
{
    g_atomic_int_inc(&ev->refs);
    return ev;
}

static void
events_unref(void *opaque)
{
    ConnEvents *ev = opaque;

    if (!g_atomic_int_dec_and_test(&ev->refs))
        return;
    g_queue_clear_full(&ev->queue, queued_event_free);
    g_ptr_array_unref(ev->callbacks);
    g_mutex_clear(&ev->lock);
    g_mutex_clear(&ev->reg_lock);
    g_free(ev);
}

/* Stops the timer and drops queued events; caller holds the lock. Returns
 * the timer to remove (after unlocking), -1 if none. */
static int
events_stop_timer_locked(ConnEvents *ev)
{
    int timer = ev->timer;

    ev->timer = -1;
    g_queue_clear_full(&ev->queue, queued_event_free);
    return timer;
}

void
conn_events_free(ConnEvents *events)
{
    g_autoptr(GPtrArray) left = NULL;
    int timer;

    if (!events)
        return;
    g_mutex_lock(&events->lock);
    events->closed = true;
    timer = events_stop_timer_locked(events);
    left = g_steal_pointer(&events->callbacks);
    events->callbacks = g_ptr_array_new();
    g_mutex_unlock(&events->lock);

    if (timer >= 0)
        virEventRemoveTimeout(timer);
    for (guint i = 0; i < left->len; i++) {
        EventCallback *c = g_ptr_array_index(left, i);

        if (c->freecb)
            c->freecb(c->opaque);
        g_free(c);
    }
    events_unref(events);
}

static bool
callback_matches(const EventCallback *c, EventFamily family, int event_id)
{
    return !c->deleted && c->family == family && c->event_id == event_id;
}

static guint
count_active_locked(ConnEvents *ev, EventFamily family, int event_id)
{
    guint n = 0;

    for (guint i = 0; i < ev->callbacks->len; i++) {
        if (callback_matches(g_ptr_array_index(ev->callbacks, i), family, event_id))
            n++;
    }
    return n;
}

static guint
count_all_active_locked(ConnEvents *ev)
{
    guint n = 0;

    for (guint i = 0; i < ev->callbacks->len; i++) {
        if (!((EventCallback *)g_ptr_array_index(ev->callbacks, i))->deleted)
            n++;
    }
    return n;
}

static void
deliver(virConnectPtr conn, const QueuedEvent *qe, ConnEventFunc cb, void *opaque)
{
    switch (qe->family) {
    case EVENT_FAMILY_DOMAIN: {
        virDomainPtr dom = obj_domain_new(conn, qe->name, qe->uuid, qe->id);

        if (qe->event_id == VIR_DOMAIN_EVENT_ID_LIFECYCLE)
            ((virConnectDomainEventCallback)cb)(conn, dom, qe->event, qe->detail, opaque);
        obj_domain_unref(dom);
        break;
    }
    case EVENT_FAMILY_NETWORK: {
        virNetworkPtr net = obj_network_new(conn, qe->name, qe->uuid);

        if (qe->event_id == VIR_NETWORK_EVENT_ID_LIFECYCLE)
            ((virConnectNetworkEventLifecycleCallback)cb)(conn, net, qe->event, qe->detail, opaque);
        obj_network_unref(net);
        break;
    }
    case EVENT_FAMILY_LAST:
        break;
    }
}

/* Frees the registrations marked while deliveries ran; caller holds the
 * lock. Returns them, for their free callbacks to run unlocked. */
static GPtrArray *
purge_deleted_locked(ConnEvents *ev)
{
    GPtrArray *gone = g_ptr_array_new();

    for (guint i = 0; i < ev->callbacks->len;) {
        EventCallback *c = g_ptr_array_index(ev->callbacks, i);

        if (c->deleted) {
            g_ptr_array_remove_index(ev->callbacks, i);
            g_ptr_array_add(gone, c);
        } else {
            i++;
        }
    }
    return gone;
}

static void
run_free_callbacks(GPtrArray *gone)
{
    for (guint i = 0; i < gone->len; i++) {
        EventCallback *c = g_ptr_array_index(gone, i);

        if (c->freecb)
            c->freecb(c->opaque);
        g_free(c);
    }
    g_ptr_array_unref(gone);
}

static void
events_timer(int timer, void *opaque)
{
    ConnEvents *ev = opaque;
    GQueue batch = G_QUEUE_INIT;
    virConnectPtr conn;
    QueuedEvent *qe;
    GPtrArray *gone = NULL;

    g_mutex_lock(&ev->lock);
    /* The connection may be on its way out in another thread: deliver
     * nothing then (its events die with it). */
    if (ev->closed || !obj_connect_try_ref(ev->conn)) {
        g_mutex_unlock(&ev->lock);
        return;
    }
    conn = ev->conn;
    batch = ev->queue;
    g_queue_init(&ev->queue);
    if (ev->timer >= 0)
        virEventUpdateTimeout(ev->timer, -1);
    ev->dispatching++;
    g_mutex_unlock(&ev->lock);

    while ((qe = g_queue_pop_head(&batch))) {
        for (guint i = 0;; i++) {
            ConnEventFunc cb = NULL;
            void *cb_opaque = NULL;
            EventCallback *c;

            g_mutex_lock(&ev->lock);
            if (i >= ev->callbacks->len) {
                g_mutex_unlock(&ev->lock);
                break;
            }
            c = g_ptr_array_index(ev->callbacks, i);
            if (callback_matches(c, qe->family, qe->event_id) &&
                (!c->has_uuid || memcmp(c->uuid, qe->uuid, UUID_LEN) == 0)) {
                cb = c->cb;
                cb_opaque = c->opaque;
            }
            g_mutex_unlock(&ev->lock);
            if (cb)
                deliver(conn, qe, cb, cb_opaque);
        }
        queued_event_free(qe);
    }

    g_mutex_lock(&ev->lock);
    if (--ev->dispatching == 0)
        gone = purge_deleted_locked(ev);
    g_mutex_unlock(&ev->lock);
    if (gone)
        run_free_callbacks(gone);
    obj_connect_unref(conn);
}

static void
events_emit(virConnectPtr conn, QueuedEvent *qe)
{
    ConnEvents *ev = conn->events;

    g_mutex_lock(&ev->lock);
    if (ev->closed || ev->timer < 0 || count_active_locked(ev, qe->family, qe->event_id) == 0) {
        g_mutex_unlock(&ev->lock);
        queued_event_free(qe);
        return;
    }
    g_queue_push_tail(&ev->queue, qe);
    virEventUpdateTimeout(ev->timer, 0);
    g_mutex_unlock(&ev->lock);
}

void
conn_events_emit_domain_lifecycle(virConnectPtr conn, const char *name, const unsigned char *uuid,
                                  int id, int event, int detail)
{
    QueuedEvent *qe = g_new0(QueuedEvent, 1);

    qe->family = EVENT_FAMILY_DOMAIN;
    qe->event_id = VIR_DOMAIN_EVENT_ID_LIFECYCLE;
    qe->name = g_strdup(name);
    memcpy(qe->uuid, uuid, UUID_LEN);
    qe->id = id;
    qe->event = event;
    qe->detail = detail;
    events_emit(conn, qe);
}

void
conn_events_emit_network_lifecycle(virConnectPtr conn, const char *name, const unsigned char *uuid,
                                   int event, int detail)
{
    QueuedEvent *qe = g_new0(QueuedEvent, 1);

    qe->family = EVENT_FAMILY_NETWORK;
    qe->event_id = VIR_NETWORK_EVENT_ID_LIFECYCLE;
    qe->name = g_strdup(name);
    memcpy(qe->uuid, uuid, UUID_LEN);
    qe->id = -1;
    qe->event = event;
    qe->detail = detail;
    events_emit(conn, qe);
}

/* Takes @c out of the list (never delivered: no free callback); the
 * timer goes with the last registration. Caller holds the lock; returns
 * the timer to remove, -1 if none. */
static int
unregister_failed_locked(ConnEvents *ev, EventCallback *c)
{
    g_ptr_array_remove(ev->callbacks, c);
    g_free(c);
    return count_all_active_locked(ev) == 0 && ev->dispatching == 0 ? events_stop_timer_locked(ev)
                                                                    : -1;
}

int
conn_events_register(virConnectPtr conn, EventFamily family, int event_id,
                     const unsigned char *uuid, ConnEventFunc cb, void *opaque,
                     virFreeCallback freecb, GError **error)
{
    const HypervisorDriver *drv = conn->driver;
    ConnEvents *ev = conn->events;
    EventCallback *c;
    guint before;
    int id;
    int stale_timer = -1;

    g_mutex_lock(&ev->reg_lock);
    g_mutex_lock(&ev->lock);
    for (guint i = 0; i < ev->callbacks->len; i++) {
        EventCallback *o = g_ptr_array_index(ev->callbacks, i);

        if (callback_matches(o, family, event_id) && o->cb == cb && o->has_uuid == (uuid != NULL) &&
            (!uuid || memcmp(o->uuid, uuid, UUID_LEN) == 0)) {
            g_mutex_unlock(&ev->lock);
            g_mutex_unlock(&ev->reg_lock);
            g_set_error(error, EVENT_ERROR, VIR_ERR_INVALID_ARG, "event callback already tracked");
            return -1;
        }
    }
    if (ev->timer < 0) {
        int timer = virEventAddTimeout(-1, events_timer, events_ref(ev), events_unref);

        if (timer < 0) {
            events_unref(ev);
            g_mutex_unlock(&ev->lock);
            g_mutex_unlock(&ev->reg_lock);
            g_set_error(error, EVENT_ERROR, VIR_ERR_INTERNAL_ERROR,
                        "could not initialize domain event timer");
            return -1;
        }
        ev->timer = timer;
    }
    before = count_active_locked(ev, family, event_id);
    c = g_new0(EventCallback, 1);
    c->id = id = ev->next_id++;
    c->family = family;
    c->event_id = event_id;
    if (uuid) {
        c->has_uuid = true;
        memcpy(c->uuid, uuid, UUID_LEN);
    }
    c->cb = cb;
    c->opaque = opaque;
    c->freecb = freecb;
    g_ptr_array_add(ev->callbacks, c);
    g_mutex_unlock(&ev->lock);

    if (before == 0 && drv && drv->connect_event_watch &&
        !drv->connect_event_watch(conn, family, event_id, true, error)) {
        g_mutex_lock(&ev->lock);
        stale_timer = unregister_failed_locked(ev, c);
        g_mutex_unlock(&ev->lock);
        if (stale_timer >= 0)
            virEventRemoveTimeout(stale_timer);
        id = -1;
    }
    g_mutex_unlock(&ev->reg_lock);
    return id;
}

bool
conn_events_deregister(virConnectPtr conn, EventFamily family, int callback_id, GError **error)
{
    const HypervisorDriver *drv = conn->driver;
    ConnEvents *ev = conn->events;
    EventCallback *c = NULL;
    EventCallback *free_now = NULL;
    guint left;
    int event_id;
    int stale_timer = -1;
    bool ok = true;

    g_mutex_lock(&ev->reg_lock);
    g_mutex_lock(&ev->lock);
    for (guint i = 0; i < ev->callbacks->len; i++) {
        EventCallback *o = g_ptr_array_index(ev->callbacks, i);

        if (o->id == callback_id && o->family == family && !o->deleted) {
            c = o;
            break;
        }
    }
    if (!c) {
        g_mutex_unlock(&ev->lock);
        g_mutex_unlock(&ev->reg_lock);
        g_set_error(error, EVENT_ERROR, VIR_ERR_INVALID_ARG,
                    "could not find event callback %d for deletion", callback_id);
        return false;
    }
    event_id = c->event_id;
    if (ev->dispatching > 0) {
        c->deleted = true;
    } else {
        g_ptr_array_remove(ev->callbacks, c);
        free_now = c;
    }
    left = count_active_locked(ev, family, event_id);
    if (count_all_active_locked(ev) == 0)
        stale_timer = events_stop_timer_locked(ev);
    g_mutex_unlock(&ev->lock);

    if (stale_timer >= 0)
        virEventRemoveTimeout(stale_timer);
    if (free_now) {
        if (free_now->freecb)
            free_now->freecb(free_now->opaque);
        g_free(free_now);
    }
    if (left == 0 && drv && drv->connect_event_watch)
        ok = drv->connect_event_watch(conn, family, event_id, false, error);
    g_mutex_unlock(&ev->reg_lock);
    return ok;
}
