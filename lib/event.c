/*
 * event.c: the application's event loop as libvirt sees it -- the
 * implementation registered with virEventRegisterImpl (python-libvirt and
 * others bring their own), or the default one on GLib's default main
 * context, run by virEventRunDefaultImpl
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib.h>
#include <stdbool.h>

#include <glib-unix.h>

#include <libvirt/libvirt.h>

/* ---- registered implementation --------------------------------------- */

typedef struct {
    virEventAddHandleFunc add_handle;
    virEventUpdateHandleFunc update_handle;
    virEventRemoveHandleFunc remove_handle;
    virEventAddTimeoutFunc add_timeout;
    virEventUpdateTimeoutFunc update_timeout;
    virEventRemoveTimeoutFunc remove_timeout;
} EventImpl;

G_LOCK_DEFINE_STATIC(impl);
static EventImpl impl;

static EventImpl
impl_get(void)
{
    EventImpl copy;

    G_LOCK(impl);
    copy = impl;
    G_UNLOCK(impl);
    return copy;
}

void
virEventRegisterImpl(virEventAddHandleFunc addHandle, virEventUpdateHandleFunc updateHandle,
                     virEventRemoveHandleFunc removeHandle, virEventAddTimeoutFunc addTimeout,
                     virEventUpdateTimeoutFunc updateTimeout,
                     virEventRemoveTimeoutFunc removeTimeout)
{
    G_LOCK(impl);
    impl.add_handle = addHandle;
    impl.update_handle = updateHandle;
    impl.remove_handle = removeHandle;
    impl.add_timeout = addTimeout;
    impl.update_timeout = updateTimeout;
    impl.remove_timeout = removeTimeout;
    G_UNLOCK(impl);
}

int
virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    EventImpl i = impl_get();

    return i.add_handle ? i.add_handle(fd, events, cb, opaque, ff) : -1;
}

void
virEventUpdateHandle(int watch, int events)
{
    EventImpl i = impl_get();

    if (i.update_handle)
        i.update_handle(watch, events);
}

int
virEventRemoveHandle(int watch)
{
    EventImpl i = impl_get();

    return i.remove_handle ? i.remove_handle(watch) : -1;
}

int
virEventAddTimeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    EventImpl i = impl_get();

    return i.add_timeout ? i.add_timeout(frequency, cb, opaque, ff) : -1;
}

void
virEventUpdateTimeout(int timer, int frequency)
{
    EventImpl i = impl_get();

    if (i.update_timeout)
        i.update_timeout(timer, frequency);
}

int
virEventRemoveTimeout(int timer)
{
    EventImpl i = impl_get();

    return i.remove_timeout ? i.remove_timeout(timer) : -1;
}

/* ---- default implementation on GLib ---------------------------------- */

/* A handle or a timer. The record outlives its GSource: removal destroys
 * the source at once but frees the record (and calls ff) from an idle
 * callback of the loop, so a callback that is running on the loop thread
 * keeps valid data, and ff never runs inside the remove call (libvirt
 * documents that applications may hold locks there that ff takes). */
typedef struct {
    int id;
    bool is_handle;
    int fd;        /* handles */
    int events;    /* handles: VIR_EVENT_HANDLE_* */
    int frequency; /* timers: ms, -1 disabled */
    virEventHandleCallback handle_cb;
    virEventTimeoutCallback timeout_cb;
    void *opaque;
    virFreeCallback ff;
    GSource *source; /* NULL while disabled */
} LoopEntry;

G_LOCK_DEFINE_STATIC(loop);
static GHashTable *loop_entries; /* id -> LoopEntry */
static int loop_next_id = 1;

static GIOCondition
events_to_condition(int events)
{
    GIOCondition cond = 0;

    if (events & VIR_EVENT_HANDLE_READABLE)
        cond |= G_IO_IN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        cond |= G_IO_OUT;
    /* poll() reports these whether asked or not; libvirt's loop passed
     * them on, so callers rely on seeing them. */
    if (cond || (events & (VIR_EVENT_HANDLE_ERROR | VIR_EVENT_HANDLE_HANGUP)))
        cond |= G_IO_ERR | G_IO_HUP;
    return cond;
}

static int
condition_to_events(GIOCondition cond)
{
    int events = 0;

    if (cond & (G_IO_IN | G_IO_PRI))
        events |= VIR_EVENT_HANDLE_READABLE;
    if (cond & G_IO_OUT)
        events |= VIR_EVENT_HANDLE_WRITABLE;
    if (cond & (G_IO_ERR | G_IO_NVAL))
        events |= VIR_EVENT_HANDLE_ERROR;
    if (cond & G_IO_HUP)
        events |= VIR_EVENT_HANDLE_HANGUP;
    return events;
}

static gboolean
handle_dispatch(int fd, GIOCondition cond, gpointer data)
{
    LoopEntry *e = data;

    e->handle_cb(e->id, fd, condition_to_events(cond), e->opaque);
    return G_SOURCE_CONTINUE;
}

static gboolean
timeout_dispatch(gpointer data)
{
    LoopEntry *e = data;

    e->timeout_cb(e->id, e->opaque);
    return G_SOURCE_CONTINUE;
}

/* Replaces the entry's source after a change; caller holds the loop lock. */
static void
entry_rearm(LoopEntry *e)
{
    if (e->source) {
        g_source_destroy(e->source);
        g_source_unref(e->source);
        e->source = NULL;
    }
    if (e->is_handle) {
        GIOCondition cond = events_to_condition(e->events);

        if (!cond)
            return;
        e->source = g_unix_fd_source_new(e->fd, cond);
        g_source_set_callback(e->source, G_SOURCE_FUNC(handle_dispatch), e, NULL);
    } else {
        if (e->frequency < 0)
            return;
        /* 0 fires on every iteration of the loop, as in libvirt */
        e->source = g_timeout_source_new(e->frequency);
        g_source_set_callback(e->source, timeout_dispatch, e, NULL);
    }
    g_source_attach(e->source, NULL);
}

static int
entry_add(LoopEntry *e)
{
    G_LOCK(loop);
    if (!loop_entries)
        loop_entries = g_hash_table_new(g_direct_hash, g_direct_equal);
    e->id = loop_next_id++;
    g_hash_table_insert(loop_entries, GINT_TO_POINTER(e->id), e);
    entry_rearm(e);
    G_UNLOCK(loop);
    return e->id;
}

static gboolean
entry_free_idle(gpointer data)
{
    LoopEntry *e = data;

    if (e->ff)
        e->ff(e->opaque);
    g_free(e);
    return G_SOURCE_REMOVE;
}

static int
entry_remove(int id, bool is_handle)
{
    LoopEntry *e;

    G_LOCK(loop);
    e = loop_entries ? g_hash_table_lookup(loop_entries, GINT_TO_POINTER(id)) : NULL;
    if (!e || e->is_handle != is_handle) {
        G_UNLOCK(loop);
        return -1;
    }
    g_hash_table_remove(loop_entries, GINT_TO_POINTER(id));
    if (e->source) {
        g_source_destroy(e->source);
        g_source_unref(e->source);
        e->source = NULL;
    }
    g_idle_add(entry_free_idle, e);
    G_UNLOCK(loop);
    return 0;
}

static int
default_add_handle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
    LoopEntry *e = g_new0(LoopEntry, 1);

    e->is_handle = true;
    e->fd = fd;
    e->events = events;
    e->handle_cb = cb;
    e->opaque = opaque;
    e->ff = ff;
    return entry_add(e);
}

static void
default_update_handle(int watch, int events)
{
    LoopEntry *e;

    G_LOCK(loop);
    e = loop_entries ? g_hash_table_lookup(loop_entries, GINT_TO_POINTER(watch)) : NULL;
    if (e && e->is_handle && e->events != events) {
        e->events = events;
        entry_rearm(e);
    }
    G_UNLOCK(loop);
}

static int
default_remove_handle(int watch)
{
    return entry_remove(watch, true);
}

static int
default_add_timeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    LoopEntry *e = g_new0(LoopEntry, 1);

    e->frequency = frequency;
    e->timeout_cb = cb;
    e->opaque = opaque;
    e->ff = ff;
    return entry_add(e);
}

static void
default_update_timeout(int timer, int frequency)
{
    LoopEntry *e;

    G_LOCK(loop);
    e = loop_entries ? g_hash_table_lookup(loop_entries, GINT_TO_POINTER(timer)) : NULL;
    /* Re-arming an unchanged period would restart it: a timer that is
     * updated often would never fire. */
    if (e && !e->is_handle && (e->frequency != frequency || !e->source)) {
        e->frequency = frequency;
        entry_rearm(e);
    }
    G_UNLOCK(loop);
}

static int
default_remove_timeout(int timer)
{
    return entry_remove(timer, false);
}

int
virEventRegisterDefaultImpl(void)
{
    virResetLastError();
    virEventRegisterImpl(default_add_handle, default_update_handle, default_remove_handle,
                         default_add_timeout, default_update_timeout, default_remove_timeout);
    return 0;
}

int
virEventRunDefaultImpl(void)
{
    virResetLastError();
    g_main_context_iteration(NULL, TRUE);
    return 0;
}
