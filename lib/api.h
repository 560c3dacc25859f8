/*
 * api.h: what every public entry point of lib/ does the same way --
 * reset the thread's error, validate handles and arguments, refuse
 * mutating calls on read-only connections, turn a driver's GError into
 * the thread's virError and dispatch it to the error handlers
 *
 * Only lib/ includes this. Each file defines API_FROM (the virErrorDomain
 * its own argument errors are reported from) before using the macros.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "lib/driver.h"
#include "lib/object.h"

/* Sets the thread's last error (level ERROR): @code, @domain, and the
 * message libvirt gives @code with the formatted detail. */
void api_error_set(int domain, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Sets the thread's last error from a driver's GError (which stays owned by
 * the caller). NULL leaves it unset: api_error_dispatch() then reports
 * libvirt's generic failure. */
void api_error_from_gerror(const GError *error);

/* What libvirt's virDispatchError does: a generic error if none is set,
 * a copy into @conn's error (if @conn), then the connection's handler,
 * else the global one, else virDefaultErrorFunc. */
void api_error_dispatch(virConnectPtr conn);

/* Reports a failed driver call: @error into the thread's error, then
 * dispatch on @conn. */
void api_fail(virConnectPtr conn, const GError *error);

/* libvirt's name of a virErrorDomain ("Test Driver"), NULL if unknown. */
const char *api_error_domain_name(int domain);

#define API_ENTER() virResetLastError()

/* The checks below report, dispatch and return @retval from the caller. */
#define API_CHECK_CONN(conn, retval)                                                               \
    do {                                                                                           \
        if (!obj_connect_is_valid(conn)) {                                                         \
            api_error_set(API_FROM, VIR_ERR_INVALID_CONN, "%s", __func__);                         \
            api_error_dispatch(NULL);                                                              \
            return retval;                                                                         \
        }                                                                                          \
    } while (0)

#define API_CHECK_DOMAIN(dom, retval)                                                              \
    do {                                                                                           \
        if (!obj_domain_is_valid(dom)) {                                                           \
            api_error_set(VIR_FROM_DOM, VIR_ERR_INVALID_DOMAIN, "%s", __func__);                   \
            api_error_dispatch(NULL);                                                              \
            return retval;                                                                         \
        }                                                                                          \
    } while (0)

#define API_CHECK_NETWORK(net, retval)                                                             \
    do {                                                                                           \
        if (!obj_network_is_valid(net)) {                                                          \
            api_error_set(VIR_FROM_NETWORK, VIR_ERR_INVALID_NETWORK, "%s", __func__);              \
            api_error_dispatch(NULL);                                                              \
            return retval;                                                                         \
        }                                                                                          \
    } while (0)

/* An argument error in libvirt's words, e.g. "xml in virDomainDefineXML
 * must not be NULL"; @what completes "<arg> in <function> ...". */
#define API_ARG_FAIL(conn, arg, what, retval)                                                      \
    do {                                                                                           \
        api_error_set(API_FROM, VIR_ERR_INVALID_ARG, "%s in %s " what, arg, __func__);             \
        api_error_dispatch(conn);                                                                  \
        return retval;                                                                             \
    } while (0)

#define API_CHECK_NONNULL(conn, arg, retval)                                                       \
    do {                                                                                           \
        if ((arg) == NULL)                                                                         \
            API_ARG_FAIL(conn, #arg, "must not be NULL", retval);                                  \
    } while (0)

/* Legacy fixed-size arrays: NULL is fine when the size is 0. */
#define API_CHECK_ARRAY(conn, arg, size, retval)                                                   \
    do {                                                                                           \
        if ((arg) == NULL && (size) > 0)                                                           \
            API_ARG_FAIL(conn, #arg, "must not be NULL", retval);                                  \
        if ((size) < 0)                                                                            \
            API_ARG_FAIL(conn, #size, "must be zero or greater", retval);                          \
    } while (0)

#define API_CHECK_NONNEGATIVE(conn, arg, retval)                                                   \
    do {                                                                                           \
        if ((arg) < 0)                                                                             \
            API_ARG_FAIL(conn, #arg, "must be zero or greater", retval);                           \
    } while (0)

#define API_CHECK_RW(conn, retval)                                                                 \
    do {                                                                                           \
        if ((conn)->flags & VIR_CONNECT_RO) {                                                      \
            api_error_set(API_FROM, VIR_ERR_OPERATION_DENIED, "read only access prevents %s",      \
                          __func__);                                                               \
            api_error_dispatch(conn);                                                              \
            return retval;                                                                         \
        }                                                                                          \
    } while (0)

/* The driver member @member of @conn, or VIR_ERR_NO_SUPPORT naming the
 * public function, as libvirt reports a driver that lacks it. */
#define API_NEED_DRIVER(conn, member, retval)                                                      \
    do {                                                                                           \
        if (!(conn)->driver || !(conn)->driver->member) {                                          \
            api_error_set(API_FROM, VIR_ERR_NO_SUPPORT, "%s", __func__);                           \
            api_error_dispatch(conn);                                                              \
            return retval;                                                                         \
        }                                                                                          \
    } while (0)
