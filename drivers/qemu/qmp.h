/*
 * qmp.h: a client for one qemu monitor (QMP) on a unix socket
 *
 * QMP speaks one JSON object per line: qemu's greeting, then replies
 * ({"return": ...} or {"error": {"class", "desc"}}, matched to commands by
 * "id") and events ({"event": NAME, "data": {...}, "timestamp": {...}}).
 * A QmpConn owns one reader thread that parses those lines and hands
 * replies to the threads waiting in qmp_command() and events to the
 * event callback. qemu may emit an event before the reply to the command
 * that caused it (a RESUME before "cont" returns); both reach their
 * consumer, in the order qemu wrote them.
 *
 * Errors are in QEMU_ERROR (util/error.h): VIR_ERR_OPERATION_TIMEOUT when
 * qemu does not answer in time, VIR_ERR_OPERATION_FAILED otherwise.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>

typedef struct QmpConn QmpConn;

/* The name qmp's event callback receives once when qemu closes the
 * monitor (qemu exited or closed the socket), with @data NULL and
 * @timestamp_us -1. qemu has no event of that name; one it sent anyway
 * would be dropped. Not delivered after qmp_close() was called. */
#define QMP_EVENT_EOF "EOF"

/* Events qemu sends about the guest's lifecycle (passed through as any). */
#define QMP_EVENT_SHUTDOWN "SHUTDOWN" /* data: guest (bool), reason (string) */
#define QMP_EVENT_POWERDOWN "POWERDOWN"
#define QMP_EVENT_RESET "RESET"
#define QMP_EVENT_STOP "STOP"
#define QMP_EVENT_RESUME "RESUME"
#define QMP_EVENT_GUEST_PANICKED "GUEST_PANICKED"

/* Timeout of the helpers below (qmp_query_status() ...) unless
 * qmp_set_timeout() changes it. */
#define QMP_DEFAULT_TIMEOUT_MS 30000

/* Called on the connection's reader thread for each event, in qemu's
 * order: @event is its name, @data its "data" member or NULL (borrowed:
 * take a json_object_get() reference to keep it), @timestamp_us qemu's
 * timestamp in microseconds since the epoch (-1 if absent). It may run
 * before qmp_connect() has returned (qemu is free to send events right
 * after negotiating capabilities). The callback must return promptly and must not call
 * qmp_command() or qmp_close() on
 * @conn (replies are read by this very thread); hand work to another
 * thread instead. */
typedef void (*QmpEventFunc)(QmpConn *conn, const char *event, json_object *data,
                             gint64 timestamp_us, gpointer user_data);

/* Connects to the monitor socket @path, retrying while it does not exist
 * or refuses connections (qemu creates it shortly after it starts) until
 * @timeout_ms passes; reads the greeting and negotiates capabilities
 * within the same time. @event_cb (may be NULL) gets events with
 * @user_data from then on. Returns NULL with VIR_ERR_OPERATION_TIMEOUT or
 * VIR_ERR_OPERATION_FAILED naming @path in *error. Free with qmp_close(). */
QmpConn *qmp_connect(const char *path, int timeout_ms, QmpEventFunc event_cb, gpointer user_data,
                     GError **error);

/* Stops the reader thread and closes the socket, then frees @conn
 * (accepts NULL). Calls waiting in qmp_command() on other threads return
 * VIR_ERR_OPERATION_FAILED "monitor closed" first; no event callback runs
 * once this returns. No call on @conn may start after qmp_close(), and the
 * event callback must not call it. */
void qmp_close(QmpConn *conn);

/* qemu's version from the greeting (major, minor, micro); any may be NULL. */
void qmp_get_version(const QmpConn *conn, int *ret_major, int *ret_minor, int *ret_micro);

/* Whether qemu closed the monitor (the QMP_EVENT_EOF notification). */
bool qmp_is_closed(QmpConn *conn);

/* Sets the timeout of the helpers below (not of qmp_command()). */
void qmp_set_timeout(QmpConn *conn, int timeout_ms);

/* Runs command @name with @args (a JSON object, borrowed; NULL for none)
 * and waits up to @timeout_ms (negative: forever) for its reply. Safe
 * from any thread but the reader's, and from several at once. On success
 * *ret_reply (if not NULL) is the "return" member (caller puts it). On
 * failure *error is VIR_ERR_OPERATION_FAILED "qemu: CLASS: desc" for a QMP
 * error, VIR_ERR_OPERATION_FAILED "monitor closed" if the monitor closes
 * (or is closed) first, VIR_ERR_OPERATION_TIMEOUT on timeout (a late reply
 * is then dropped). */
bool qmp_command(QmpConn *conn, const char *name, json_object *args, json_object **ret_reply,
                 int timeout_ms, GError **error);

/* "query-status": *ret_running and *ret_status (qemu's RunState name,
 * "running", "paused", "prelaunch", "shutdown", ...; caller frees); either
 * may be NULL. */
bool qmp_query_status(QmpConn *conn, bool *ret_running, char **ret_status, GError **error);

/* "cont", "stop", "system_powerdown" (presses the ACPI button only: a guest
 * may ignore it), "system_reset". */
bool qmp_cont(QmpConn *conn, GError **error);
bool qmp_stop(QmpConn *conn, GError **error);
bool qmp_system_powerdown(QmpConn *conn, GError **error);
bool qmp_system_reset(QmpConn *conn, GError **error);

/* "dump-guest-memory" to @path (an ELF core of the guest's memory, no
 * paging, written by qemu itself), waiting up to @timeout_ms: qemu answers
 * when the file is complete. */
bool qmp_dump_guest_memory(QmpConn *conn, const char *path, int timeout_ms, GError **error);

/* "quit": qemu exits. The monitor closing before the reply arrives counts
 * as success, since qemu may exit before it writes the reply. */
bool qmp_quit(QmpConn *conn, GError **error);

/* "query-vnc": the VNC server's host and service (port) as qemu reports
 * them (caller frees), both NULL when VNC is not enabled; either output
 * may be NULL. */
bool qmp_query_vnc(QmpConn *conn, char **ret_host, char **ret_service, GError **error);
