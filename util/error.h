/*
 * error.h: GError domains that carry libvirt error codes
 *
 * Every fallible internal function reports through a GError whose `code` is
 * a virErrorNumber and whose domain quark names a virErrorDomain (see
 * STYLE.md §3). The GError message is the detail only ("no domain with
 * matching name 'x'"); error_format_message() adds libvirt's per-code prefix
 * ("Domain not found: ...") where the error becomes a virError.
 *
 * Errors that arrive already formatted (from the wire) use the "wire" quark
 * of their domain, so the prefix is not added twice.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/virterror.h>

GQuark error_quark(int from);
GQuark error_wire_quark(int from);

/* The virErrorDomain behind a quark made above; VIR_FROM_NONE for others.
 * *ret_formatted (if not NULL) tells whether the message is complete. */
int error_quark_domain(GQuark quark, bool *ret_formatted);

/* libvirt's message for @code with @detail (may be NULL); caller frees. */
char *error_format_message(int code, const char *detail);

#define CONF_DOMAIN_ERROR error_quark(VIR_FROM_DOMAIN)
#define CONF_NETWORK_ERROR error_quark(VIR_FROM_NETWORK)
#define CONF_CAPS_ERROR error_quark(VIR_FROM_CAPABILITIES)
#define UTIL_ERROR error_quark(VIR_FROM_NONE)
#define TEST_ERROR error_quark(VIR_FROM_TEST)
#define RPC_ERROR error_quark(VIR_FROM_RPC)
#define REMOTE_ERROR error_quark(VIR_FROM_REMOTE)
#define QEMU_ERROR error_quark(VIR_FROM_QEMU)
#define NET_ERROR error_quark(VIR_FROM_NETWORK)
#define URI_ERROR error_quark(VIR_FROM_URI)

/* g_set_error() with an errno detail appended, as libvirt's system errors. */
void error_set_errno(GError **error, GQuark quark, int errnum, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
