/*
 * lib-mock-registry.h: a driver registry for lib/ unit tests -- one fake
 * driver ("mock", URIs mock:///...) whose behaviour the test sets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "lib/driver.h"

typedef struct {
    int opens;       /* connect_open calls that succeeded */
    int closes;      /* connect_close calls */
    int watch_on;    /* connect_event_watch(enable = true) calls */
    int watch_off;   /* connect_event_watch(enable = false) calls */
    bool fail_watch; /* connect_event_watch fails */
} MockState;

/* Counters of the fake driver; tests reset it with memset. */
extern MockState mock_state;
