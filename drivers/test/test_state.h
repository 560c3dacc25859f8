/*
 * test_state.h: the in-memory state behind test:/// connections
 *
 * All connections to test:///default in one process share one TestState
 * (refcounted, freed with the last connection), as in libvirt; a
 * test:///PATH connection gets its own state loaded from PATH. One mutex
 * guards everything in a state: the driver is for tests, not throughput.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "conf/caps.h"
#include "conf/domdef.h"
#include "conf/netdef.h"

typedef struct TestDom {
    DomDef *def;     /* the live definition while active, else the config */
    DomDef *new_def; /* config to apply at the next stop (defined while active) */
    bool persistent;
    bool autostart;
    int state;         /* virDomainState */
    int reason;        /* reason code of @state */
    int id;            /* -1 while inactive */
    gint64 start_time; /* g_get_monotonic_time() at start, for cpu time */
} TestDom;

typedef struct TestNet {
    NetDef *def;     /* the live definition while active, else the config */
    NetDef *new_def; /* config to apply at the next stop */
    bool persistent;
    bool autostart;
    bool active;
    gint64 start_wall; /* g_get_real_time() at start, for lease expiry */
} TestNet;

typedef struct TestState {
    gint refs;           /* changed under the registry lock (test_state.c) */
    GMutex lock;         /* guards everything below */
    GPtrArray *domains;  /* TestDom *, in definition order */
    GPtrArray *networks; /* TestNet * */
    GPtrArray *conns;    /* virConnectPtr open on this state (not referenced) */
    int next_id;
    Caps *caps;
} TestState;

/* The shared state of test:///default: created on first use, else a new
 * reference. Errors: whatever building the default objects reported. */
TestState *test_state_get_default(GError **error);
/* A private state loaded from a libvirt test-driver style XML file
 * (<node> holding <domain> and <network> elements). */
TestState *test_state_load_file(const char *path, GError **error);
/* Drops one reference; the last one frees the state. */
void test_state_unref(TestState *state);

/* Register / forget a connection that receives this state's events. */
void test_state_attach_conn(TestState *state, virConnectPtr conn);
void test_state_detach_conn(TestState *state, virConnectPtr conn);

/* The state of @conn (its driver_data). */
TestState *test_state_of(virConnectPtr conn);

/* Lookups, called with state->lock held; NULL if absent (no error set). */
TestDom *test_state_find_dom_by_name(TestState *state, const char *name);
TestDom *test_state_find_dom_by_uuid(TestState *state, const unsigned char *uuid);
TestDom *test_state_find_dom_by_id(TestState *state, int id);
TestNet *test_state_find_net_by_name(TestState *state, const char *name);
TestNet *test_state_find_net_by_uuid(TestState *state, const unsigned char *uuid);

/* The object behind a handle (by UUID, as libvirt); with the lock held.
 * Sets VIR_ERR_NO_DOMAIN / VIR_ERR_NO_NETWORK when it is gone. */
TestDom *test_state_dom_of_handle(TestState *state, virDomainPtr dom, GError **error);
TestNet *test_state_net_of_handle(TestState *state, virNetworkPtr net, GError **error);

/* Adds @dom / @net to the state (takes ownership) or removes and frees it. */
void test_state_add_dom(TestState *state, TestDom *dom);
void test_state_remove_dom(TestState *state, TestDom *dom);
void test_state_add_net(TestState *state, TestNet *net);
void test_state_remove_net(TestState *state, TestNet *net);

void test_dom_free(TestDom *dom);
void test_net_free(TestNet *net);

/* Queue a lifecycle event for every connection open on @state; with the
 * lock held (delivery happens later, from the application's event loop). */
void test_state_emit_dom(TestState *state, const TestDom *dom, int event, int detail);
void test_state_emit_net(TestState *state, const TestNet *net, int event, int detail);

/* Sets VIR_ERR_INVALID_ARG "unsupported flags (0x..) in function ..." and
 * returns false if @flags has bits outside @allowed. */
bool test_check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error);
