/*
 * lib-event-test.c: the event loop entry points (lib/event.c) and event
 * callbacks on a connection (lib/event-callbacks.c), with the fake driver
 * of lib-mock-registry.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "lib/event-callbacks.h"
#include "tests/lib-mock-registry.h"

/* VIR_DOMAIN_EVENT_CALLBACK() casts between function types by design. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

static const unsigned char ok_uuid[VIR_UUID_BUFLEN] = { 1, 2,  3,  4,  5,  6,  7,  8,
                                                        9, 10, 11, 12, 13, 14, 15, 16 };
static const unsigned char other_uuid[VIR_UUID_BUFLEN] = { 0xaa, 2,  3,  4,  5,  6,  7,  8,
                                                           9,    10, 11, 12, 13, 14, 15, 16 };

static void
ignore_handler(void *user_data, virErrorPtr err)
{
}

static void
count_free(void *opaque)
{
    (*(int *)opaque)++;
}

/* The free callbacks given to the loop itself (they get the opaque). */
static int loop_freed;

static void
count_loop_free(void *opaque)
{
    loop_freed++;
}

static bool deadline_hit;

static void
deadline_cb(int timer, void *opaque)
{
    deadline_hit = true;
}

/* Iterates the default loop until *@counter reaches @want or 5 s pass. */
static void
run_until(const int *counter, int want)
{
    int deadline = virEventAddTimeout(5000, deadline_cb, NULL, NULL);

    deadline_hit = false;
    while (*counter < want && !deadline_hit)
        g_assert_cmpint(virEventRunDefaultImpl(), ==, 0);
    virEventRemoveTimeout(deadline);
    g_assert_false(deadline_hit);
}

/* Iterates the default loop for @ms milliseconds. */
static void
run_for(int ms)
{
    int deadline = virEventAddTimeout(ms, deadline_cb, NULL, NULL);

    deadline_hit = false;
    while (!deadline_hit)
        virEventRunDefaultImpl();
    virEventRemoveTimeout(deadline);
}

/* Must run first: nothing registered yet. */
static void
test_no_impl(void)
{
    virConnectPtr conn = virConnectOpen("mock:///default");

    g_assert_cmpint(virEventAddTimeout(0, deadline_cb, NULL, NULL), ==, -1);
    g_assert_cmpint(virEventAddHandle(0, VIR_EVENT_HANDLE_READABLE, NULL, NULL, NULL), ==, -1);
    g_assert_cmpint(virEventRemoveTimeout(1), ==, -1);
    g_assert_cmpint(virEventRemoveHandle(1), ==, -1);
    virEventUpdateTimeout(1, 0);
    virEventUpdateHandle(1, 0);

    virSetErrorFunc(NULL, ignore_handler);
    g_assert_cmpint(virConnectDomainEventRegisterAny(
                        conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                        (virConnectDomainEventGenericCallback)deadline_cb, NULL, NULL),
                    ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(virGetLastErrorMessage(), ==,
                    "internal error: could not initialize domain event timer");
    virSetErrorFunc(NULL, NULL);
    virConnectClose(conn);
}

/* ---- a recording implementation, as an application would bring ------- */

typedef struct {
    int adds, updates, removes;
    int last_frequency;
    virEventTimeoutCallback cb;
    void *opaque;
    virFreeCallback ff;
} Recorder;

static Recorder rec;

static int
rec_add_timeout(int frequency, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    rec.adds++;
    rec.last_frequency = frequency;
    rec.cb = cb;
    rec.opaque = opaque;
    rec.ff = ff;
    return 42;
}

static void
rec_update_timeout(int timer, int frequency)
{
    g_assert_cmpint(timer, ==, 42);
    rec.updates++;
    rec.last_frequency = frequency;
}

static int
rec_remove_timeout(int timer)
{
    g_assert_cmpint(timer, ==, 42);
    rec.removes++;
    return 0;
}

/* freed first: count_free() works on it */
typedef struct {
    int freed;
    int calls;
    char *name;
    int id;
    int event;
    int detail;
} DomSeen;

static int
dom_lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    DomSeen *seen = opaque;

    seen->calls++;
    g_free(seen->name);
    seen->name = g_strdup(virDomainGetName(dom));
    seen->id = (int)virDomainGetID(dom);
    seen->event = event;
    seen->detail = detail;
    g_assert_true(virDomainGetConnect(dom) == conn);
    return 0;
}

static void
test_custom_impl(void)
{
    virConnectPtr conn = virConnectOpen("mock:///default");
    DomSeen seen = { 0 };
    int id;

    memset(&rec, 0, sizeof(rec));
    virEventRegisterImpl(NULL, NULL, NULL, rec_add_timeout, rec_update_timeout, rec_remove_timeout);
    id = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                          VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), &seen,
                                          count_free);
    g_assert_cmpint(id, >=, 0);
    /* the timer exists, disabled, from the first registration */
    g_assert_cmpint(rec.adds, ==, 1);
    g_assert_cmpint(rec.last_frequency, ==, -1);

    /* an event enables it; the loop's tick delivers and disables it */
    conn_events_emit_domain_lifecycle(conn, "ok", ok_uuid, 7, VIR_DOMAIN_EVENT_STARTED,
                                      VIR_DOMAIN_EVENT_STARTED_BOOTED);
    g_assert_cmpint(rec.last_frequency, ==, 0);
    g_assert_cmpint(seen.calls, ==, 0);
    rec.cb(42, rec.opaque);
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpstr(seen.name, ==, "ok");
    g_assert_cmpint(seen.id, ==, 7);
    g_assert_cmpint(seen.event, ==, VIR_DOMAIN_EVENT_STARTED);
    g_assert_cmpint(rec.last_frequency, ==, -1);

    /* the last registration takes the timer away; the impl frees it */
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, id), ==, 0);
    g_assert_cmpint(seen.freed, ==, 1);
    g_assert_cmpint(rec.removes, ==, 1);
    rec.ff(rec.opaque);
    virConnectClose(conn);
    g_free(seen.name);
    virEventRegisterImpl(NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- the default implementation -------------------------------------- */

static void
count_timeout(int timer, void *opaque)
{
    (*(int *)opaque)++;
}

static void
test_timeouts(void)
{
    int fired = 0, zero_fired = 0;
    int timer, zero;

    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    loop_freed = 0;
    timer = virEventAddTimeout(10, count_timeout, &fired, count_loop_free);
    g_assert_cmpint(timer, >, 0);
    run_until(&fired, 3);

    /* disabled: no more calls */
    virEventUpdateTimeout(timer, -1);
    fired = 0;
    run_for(50);
    g_assert_cmpint(fired, ==, 0);

    /* 0: on every iteration */
    zero = virEventAddTimeout(0, count_timeout, &zero_fired, NULL);
    for (int i = 0; i < 3; i++)
        virEventRunDefaultImpl();
    g_assert_cmpint(zero_fired, ==, 3);
    g_assert_cmpint(virEventRemoveTimeout(zero), ==, 0);

    /* re-enabled */
    virEventUpdateTimeout(timer, 5);
    run_until(&fired, 2);

    /* removal: ff runs later, from the loop, not inside the call */
    g_assert_cmpint(virEventRemoveTimeout(timer), ==, 0);
    g_assert_cmpint(loop_freed, ==, 0);
    run_until(&loop_freed, 1);
    g_assert_cmpint(virEventRemoveTimeout(timer), ==, -1);
}

typedef struct {
    int calls;
    int fd;
    int events;
} HandleSeen;

static void
handle_cb(int watch, int fd, int events, void *opaque)
{
    HandleSeen *seen = opaque;
    char c;

    seen->calls++;
    seen->fd = fd;
    seen->events = events;
    if (events & VIR_EVENT_HANDLE_READABLE)
        (void)!read(fd, &c, 1);
}

static void
test_handles(void)
{
    HandleSeen seen = { 0 };
    int fds[2];
    int watch;

    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    g_assert_cmpint(pipe(fds), ==, 0);
    loop_freed = 0;
    watch = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, handle_cb, &seen, count_loop_free);
    g_assert_cmpint(watch, >, 0);
    g_assert_cmpint(write(fds[1], "x", 1), ==, 1);
    run_until(&seen.calls, 1);
    g_assert_cmpint(seen.fd, ==, fds[0]);
    g_assert_cmpint(seen.events, ==, VIR_EVENT_HANDLE_READABLE);

    /* no events asked: not called */
    virEventUpdateHandle(watch, 0);
    g_assert_cmpint(write(fds[1], "y", 1), ==, 1);
    run_for(30);
    g_assert_cmpint(seen.calls, ==, 1);

    /* asked again: the pending byte, then the hang-up */
    virEventUpdateHandle(watch, VIR_EVENT_HANDLE_READABLE);
    run_until(&seen.calls, 2);
    g_assert_cmpint(seen.events, ==, VIR_EVENT_HANDLE_READABLE);
    close(fds[1]);
    run_until(&seen.calls, 3);
    g_assert_true(seen.events & VIR_EVENT_HANDLE_HANGUP);

    g_assert_cmpint(virEventRemoveHandle(watch), ==, 0);
    g_assert_cmpint(virEventRemoveHandle(watch), ==, -1);
    run_until(&loop_freed, 1);
    close(fds[0]);
}

/* ---- event callbacks on a connection ---------------------------------- */

typedef struct {
    virConnectPtr conn;
    const unsigned char *uuid;
    const char *name;
} EmitArgs;

static gpointer
emit_thread(gpointer data)
{
    EmitArgs *args = data;

    conn_events_emit_domain_lifecycle(args->conn, args->name, args->uuid, 3,
                                      VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    return NULL;
}

static void
test_domain_events(void)
{
    virConnectPtr conn;
    virDomainPtr ok;
    DomSeen all = { 0 }, only_ok = { 0 };
    int id_all, id_ok;
    EmitArgs args;
    GThread *thread;

    memset(&mock_state, 0, sizeof(mock_state));
    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    virSetErrorFunc(NULL, ignore_handler);
    conn = virConnectOpen("mock:///default");
    ok = virDomainLookupByName(conn, "ok");

    id_all = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), &all,
                                              count_free);
    id_ok = virConnectDomainEventRegisterAny(conn, ok, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                             VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), &only_ok,
                                             count_free);
    g_assert_cmpint(id_all, >=, 0);
    g_assert_cmpint(id_ok, >=, 0);
    g_assert_cmpint(id_ok, !=, id_all);
    /* the driver hears about the first registration of the event only */
    g_assert_cmpint(mock_state.watch_on, ==, 1);

    /* the same callback for the same event and object is refused */
    g_assert_cmpint(virConnectDomainEventRegisterAny(conn, ok, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                     VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb),
                                                     &only_ok, NULL),
                    ==, -1);
    g_assert_cmpstr(virGetLastErrorMessage(), ==,
                    "invalid argument: event callback already tracked");
    g_assert_cmpint(virConnectDomainEventRegisterAny(
                        conn, NULL, 27, VIR_DOMAIN_EVENT_CALLBACK(dom_lifecycle_cb), NULL, NULL),
                    ==, -1);
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "invalid argument: eventID must be less than 27");
    g_assert_cmpint(virConnectDomainEventRegisterAny(conn, NULL, 0, NULL, NULL, NULL), ==, -1);
    g_assert_cmpstr(virGetLastErrorMessage(), ==,
                    "invalid argument: cb in virConnectDomainEventRegisterAny must not be NULL");

    /* from another thread, delivered by the loop; the filter holds */
    args = (EmitArgs){ conn, other_uuid, "other" };
    thread = g_thread_new("emit", emit_thread, &args);
    g_thread_join(thread);
    run_until(&all.calls, 1);
    g_assert_cmpstr(all.name, ==, "other");
    g_assert_cmpint(all.event, ==, VIR_DOMAIN_EVENT_STOPPED);
    g_assert_cmpint(all.detail, ==, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    g_assert_cmpint(only_ok.calls, ==, 0);
    args = (EmitArgs){ conn, ok_uuid, "ok" };
    thread = g_thread_new("emit", emit_thread, &args);
    g_thread_join(thread);
    run_until(&only_ok.calls, 1);
    g_assert_cmpint(all.calls, ==, 2);
    g_assert_cmpstr(only_ok.name, ==, "ok");
    g_assert_cmpint(only_ok.id, ==, 3);

    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, 99), ==, -1);
    g_assert_cmpstr(virGetLastErrorMessage(), ==,
                    "invalid argument: could not find event callback 99 for deletion");
    g_assert_cmpint(virConnectNetworkEventDeregisterAny(conn, id_all), ==, -1);
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, id_all), ==, 0);
    g_assert_cmpint(all.freed, ==, 1);
    g_assert_cmpint(mock_state.watch_off, ==, 0);
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, id_ok), ==, 0);
    g_assert_cmpint(only_ok.freed, ==, 1);
    g_assert_cmpint(mock_state.watch_off, ==, 1);

    /* nobody listens: nothing is queued or delivered */
    conn_events_emit_domain_lifecycle(conn, "ok", ok_uuid, 3, VIR_DOMAIN_EVENT_STARTED, 0);
    run_for(20);
    g_assert_cmpint(all.calls, ==, 2);

    virDomainFree(ok);
    virConnectClose(conn);
    g_free(all.name);
    g_free(only_ok.name);
    virSetErrorFunc(NULL, NULL);
}

typedef struct {
    int freed;
    int calls;
    int event;
    char *name;
} NetSeen;

static void
net_lifecycle_cb(virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
    NetSeen *seen = opaque;

    seen->calls++;
    seen->event = event;
    g_free(seen->name);
    seen->name = g_strdup(virNetworkGetName(net));
}

static void
test_network_events(void)
{
    virConnectPtr conn;
    NetSeen seen = { 0 };
    int id;

    memset(&mock_state, 0, sizeof(mock_state));
    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    virSetErrorFunc(NULL, ignore_handler);
    conn = virConnectOpen("mock:///default");

    /* the driver refusing the watch fails the registration, without
     * running the free callback */
    mock_state.fail_watch = true;
    g_assert_cmpint(virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                                      VIR_NETWORK_EVENT_CALLBACK(net_lifecycle_cb),
                                                      &seen, count_free),
                    ==, -1);
    g_assert_cmpint(virGetLastErrorCode(), ==, VIR_ERR_RPC);
    g_assert_cmpint(seen.freed, ==, 0);
    mock_state.fail_watch = false;

    g_assert_cmpint(virConnectNetworkEventRegisterAny(
                        conn, NULL, 1, VIR_NETWORK_EVENT_CALLBACK(net_lifecycle_cb), &seen, NULL),
                    ==, -1);
    g_assert_cmpstr(virGetLastErrorMessage(), ==, "invalid argument: eventID must be less than 1");

    id = virConnectNetworkEventRegisterAny(conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                           VIR_NETWORK_EVENT_CALLBACK(net_lifecycle_cb), &seen,
                                           count_free);
    g_assert_cmpint(id, >=, 0);
    conn_events_emit_network_lifecycle(conn, "default", ok_uuid, VIR_NETWORK_EVENT_STARTED, 0);
    /* a domain event reaches no network callback */
    conn_events_emit_domain_lifecycle(conn, "ok", ok_uuid, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    run_until(&seen.calls, 1);
    run_for(20);
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpstr(seen.name, ==, "default");
    g_assert_cmpint(seen.event, ==, VIR_NETWORK_EVENT_STARTED);

    /* closing the connection runs the free callbacks of what is left */
    g_assert_cmpint(virConnectClose(conn), ==, 0);
    g_assert_cmpint(seen.freed, ==, 1);
    g_assert_cmpint(mock_state.closes, ==, 1);
    g_free(seen.name);
    virSetErrorFunc(NULL, NULL);
}

typedef struct {
    virConnectPtr conn;
    int id;
    int calls;
    int freed;
    bool freed_during_call;
} SelfRemover;

static int
self_removing_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    SelfRemover *s = opaque;

    s->calls++;
    g_assert_cmpint(virConnectDomainEventDeregisterAny(conn, s->id), ==, 0);
    /* not freed while it runs */
    s->freed_during_call = s->freed > 0;
    return 0;
}

static void
self_remover_free(void *opaque)
{
    ((SelfRemover *)opaque)->freed++;
}

static void
test_deregister_in_callback(void)
{
    SelfRemover s = { 0 };

    g_assert_cmpint(virEventRegisterDefaultImpl(), ==, 0);
    s.conn = virConnectOpen("mock:///default");
    s.id = virConnectDomainEventRegisterAny(s.conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                            VIR_DOMAIN_EVENT_CALLBACK(self_removing_cb), &s,
                                            self_remover_free);
    g_assert_cmpint(s.id, >=, 0);
    conn_events_emit_domain_lifecycle(s.conn, "a", ok_uuid, 1, VIR_DOMAIN_EVENT_STARTED, 0);
    conn_events_emit_domain_lifecycle(s.conn, "b", ok_uuid, 1, VIR_DOMAIN_EVENT_STOPPED, 0);
    run_until(&s.freed, 1);
    g_assert_cmpint(s.calls, ==, 1);
    g_assert_false(s.freed_during_call);
    g_assert_cmpint(virConnectClose(s.conn), ==, 0);
    g_assert_cmpint(s.freed, ==, 1);
    run_for(10); /* lets the loop free the removed timer */
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lib/event/no-impl", test_no_impl);
    g_test_add_func("/lib/event/custom-impl", test_custom_impl);
    g_test_add_func("/lib/event/timeouts", test_timeouts);
    g_test_add_func("/lib/event/handles", test_handles);
    g_test_add_func("/lib/event/domain-events", test_domain_events);
    g_test_add_func("/lib/event/network-events", test_network_events);
    g_test_add_func("/lib/event/deregister-in-callback", test_deregister_in_callback);
    return g_test_run();
}
