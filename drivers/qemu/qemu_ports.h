/*
 * qemu_ports.h: TCP port ranges handed out to guests (VNC/SPICE autoport)
 *
 * A range remembers what it handed out; a port is also skipped when some
 * other program listens on it (a test bind on the wildcard IPv4 and IPv6
 * addresses, in the caller's network namespace), as a guest's display
 * server would otherwise fail to start. Thread-safe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct PortRange PortRange;

/* The ports @first..@last (inclusive, 1..65535) named @name in messages
 * ("display" as libvirt says). */
PortRange *port_range_new(const char *name, unsigned int first, unsigned int last);
/* New bounds for later acquisitions; ports handed out stay used. */
void port_range_set_bounds(PortRange *range, unsigned int first, unsigned int last);
void port_range_free(PortRange *range);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PortRange, port_range_free)

/* The lowest port of @range neither handed out nor bound by anyone.
 * None left: VIR_ERR_INTERNAL_ERROR "Unable to find an unused port in
 * range 'display' (5900-65535)". */
bool port_range_acquire(PortRange *range, unsigned int *ret_port, GError **error);

/* Marks @port as used (a guest that already runs with it, found again
 * after an agent restart). False if it was already marked or is outside
 * the range. */
bool port_range_reserve(PortRange *range, unsigned int port);

/* Gives @port back (unknown ports are ignored). */
void port_range_release(PortRange *range, unsigned int port);

/* Whether @port is handed out. */
bool port_range_in_use(PortRange *range, unsigned int port);
