/*
 * qmp.c: a client for one qemu monitor (QMP) on a unix socket
 *
 * One reader thread per connection owns the receiving side: it splits
 * what arrives into lines, parses each as one JSON object, and dispatches
 * replies (by "id") to the commands waiting under the connection's lock
 * and events to the callback. Writers serialise on their own lock so a
 * slow write never holds up replies.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "drivers/qemu/qmp.h"
#include "util/error.h"
#include "util/log.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* qmp_connect() sends qmp_capabilities first, so it gets the first id. */
#define QMP_CAPABILITIES_ID 1

/* A line longer than this is not QMP: the monitor is dropped rather than
 * buffering without bound. */
#define QMP_MAX_LINE (16 * 1024 * 1024)

/* A command waiting for its reply; lives on the waiter's stack and is in
 * conn->pending while the waiter is. */
typedef struct QmpPending {
    gint64 id;
    bool done;
    json_object *reply; /* "return" member */
    GError *error;      /* QMP error reply */
} QmpPending;

struct QmpConn {
    char *path;
    int fd;
    QmpEventFunc event_cb;
    gpointer user_data;
    GThread *reader;
    int timeout_ms;
    int version[3];

    GMutex write_lock; /* one command on the socket at a time */

    GMutex lock;         /* everything below */
    GCond cond;          /* any change below */
    GHashTable *pending; /* &QmpPending.id -> QmpPending */
    gint64 next_id;
    bool greeted;
    bool ready;     /* capabilities negotiated: events go to the callback */
    bool eof;       /* the reader stopped: qemu closed, or qmp_close() */
    bool closing;   /* qmp_close() was called */
    unsigned users; /* threads inside qmp_run() */
};

static void
qmp_set_closed_error(GError **error)
{
    g_set_error_literal(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED, "monitor closed");
}

static const char *
qmp_get_string(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static void
qmp_handle_greeting(QmpConn *conn, json_object *greeting)
{
    static const char *const keys[] = { "major", "minor", "micro" };
    json_object *version = NULL, *qemu = NULL, *v;
    int parts[3] = { 0, 0, 0 };

    if (json_object_object_get_ex(greeting, "version", &version) &&
        json_object_object_get_ex(version, "qemu", &qemu)) {
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
            if (json_object_object_get_ex(qemu, keys[i], &v) &&
                json_object_is_type(v, json_type_int))
                parts[i] = json_object_get_int(v);
        }
    }
    g_mutex_lock(&conn->lock);
    memcpy(conn->version, parts, sizeof(parts));
    conn->greeted = true;
    g_cond_broadcast(&conn->cond);
    g_mutex_unlock(&conn->lock);
}

static void
qmp_handle_event(QmpConn *conn, json_object *msg, const char *name)
{
    json_object *data = NULL, *ts, *v;
    gint64 timestamp_us = -1;
    bool ready;

    /* the name is ours for the end of the stream; keep it unambiguous */
    if (strcmp(name, QMP_EVENT_EOF) == 0) {
        log_warn("qemu monitor '%s': dropping an event named '%s'", conn->path, name);
        return;
    }
    json_object_object_get_ex(msg, "data", &data);
    if (json_object_object_get_ex(msg, "timestamp", &ts) &&
        json_object_object_get_ex(ts, "seconds", &v)) {
        timestamp_us = json_object_get_int64(v) * G_USEC_PER_SEC;
        if (json_object_object_get_ex(ts, "microseconds", &v))
            timestamp_us += json_object_get_int64(v);
    }
    g_mutex_lock(&conn->lock);
    ready = conn->ready && !conn->closing;
    g_mutex_unlock(&conn->lock);
    if (ready && conn->event_cb)
        conn->event_cb(conn, name, data, timestamp_us, conn->user_data);
}

static void
qmp_handle_reply(QmpConn *conn, json_object *msg)
{
    json_object *id, *ret, *err;
    QmpPending *p;
    gint64 key;

    if (!json_object_object_get_ex(msg, "id", &id) || !json_object_is_type(id, json_type_int)) {
        /* we always send an integer id: qemu could not read a command */
        log_warn("qemu monitor '%s': reply without a command id: %s", conn->path,
                 json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN));
        return;
    }
    key = json_object_get_int64(id);
    g_mutex_lock(&conn->lock);
    p = g_hash_table_lookup(conn->pending, &key);
    if (!p) {
        g_mutex_unlock(&conn->lock);
        log_debug("qemu monitor '%s': dropping the reply to command %" G_GINT64_FORMAT
                  " (timed out)",
                  conn->path, key);
        return;
    }
    if (json_object_object_get_ex(msg, "return", &ret)) {
        p->reply = json_object_get(ret);
        /* capabilities negotiated: qemu may send events from the next
         * line on, possibly before qmp_connect()'s thread wakes up */
        if (p->id == QMP_CAPABILITIES_ID)
            conn->ready = true;
    } else {
        const char *klass = NULL, *desc = NULL;

        if (json_object_object_get_ex(msg, "error", &err)) {
            klass = qmp_get_string(err, "class");
            desc = qmp_get_string(err, "desc");
        }
        p->error = g_error_new(QEMU_ERROR, VIR_ERR_OPERATION_FAILED, "qemu: %s: %s",
                               klass ? klass : "GenericError", desc ? desc : "unknown error");
    }
    p->done = true;
    g_cond_broadcast(&conn->cond);
    g_mutex_unlock(&conn->lock);
}

static void
qmp_handle_line(QmpConn *conn, json_tokener *tok, const char *line, size_t len)
{
    g_autoptr(json_object) msg = NULL;
    const char *event;

    while (len > 0 && g_ascii_isspace(line[len - 1]))
        len--;
    if (len == 0)
        return;
    json_tokener_reset(tok);
    msg = json_tokener_parse_ex(tok, line, (int)len);
    if (!msg || !json_object_is_type(msg, json_type_object)) {
        log_warn("qemu monitor '%s': ignoring a line that is not a JSON object: %.*s", conn->path,
                 (int)MIN(len, 200), line);
        return;
    }
    if (json_object_object_get_ex(msg, "QMP", NULL)) {
        json_object *greeting = NULL;

        json_object_object_get_ex(msg, "QMP", &greeting);
        qmp_handle_greeting(conn, greeting);
    } else if ((event = qmp_get_string(msg, "event"))) {
        qmp_handle_event(conn, msg, event);
    } else if (json_object_object_get_ex(msg, "return", NULL) ||
               json_object_object_get_ex(msg, "error", NULL)) {
        qmp_handle_reply(conn, msg);
    } else {
        log_warn("qemu monitor '%s': ignoring an unknown message: %.*s", conn->path,
                 (int)MIN(len, 200), line);
    }
}

static gpointer
qmp_reader(gpointer data)
{
    QmpConn *conn = data;
    g_autoptr(GString) buf = g_string_new(NULL);
    json_tokener *tok = json_tokener_new();
    char chunk[8192];
    bool notify;

    for (;;) {
        struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
        ssize_t n;
        size_t start = 0;
        const char *nl;

        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_warn("qemu monitor '%s': poll: %s", conn->path, g_strerror(errno));
            break;
        }
        n = read(conn->fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno != ECONNRESET)
                log_warn("qemu monitor '%s': read: %s", conn->path, g_strerror(errno));
            break;
        }
        if (n == 0)
            break;
        g_string_append_len(buf, chunk, n);
        while ((nl = memchr(buf->str + start, '\n', buf->len - start))) {
            qmp_handle_line(conn, tok, buf->str + start, nl - (buf->str + start));
            start = nl - buf->str + 1;
        }
        g_string_erase(buf, 0, start);
        if (buf->len > QMP_MAX_LINE) {
            log_warn("qemu monitor '%s': line longer than %d bytes, closing", conn->path,
                     QMP_MAX_LINE);
            break;
        }
    }
    json_tokener_free(tok);

    g_mutex_lock(&conn->lock);
    conn->eof = true;
    notify = conn->ready && !conn->closing;
    g_cond_broadcast(&conn->cond);
    g_mutex_unlock(&conn->lock);
    /* the waiters see eof and fail; the owner hears of it once */
    if (notify && conn->event_cb)
        conn->event_cb(conn, QMP_EVENT_EOF, NULL, -1, conn->user_data);
    return NULL;
}

/* Writes all of @text before @deadline (monotonic, -1: none); *ret_closed
 * tells whether a failure is the peer having closed. */
static bool
qmp_write(QmpConn *conn, const char *text, size_t len, gint64 deadline, bool *ret_closed,
          GError **error)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = send(conn->fd, text + off, len - off, MSG_NOSIGNAL);
        struct pollfd pfd = { .fd = conn->fd, .events = POLLOUT };
        int wait_ms = -1;

        if (n >= 0) {
            off += n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EPIPE || errno == ECONNRESET) {
            *ret_closed = true;
            qmp_set_closed_error(error);
            return false;
        }
        if (errno != EAGAIN) {
            error_set_errno(error, QEMU_ERROR, errno, "cannot write to monitor '%s'", conn->path);
            return false;
        }
        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            wait_ms = left > 0 ? (int)((left + 999) / 1000) : 0;
        }
        if (wait_ms == 0 || (poll(&pfd, 1, wait_ms) == 0)) {
            /* half a command on the socket would garble the next one:
             * give up the monitor (the reader reports EOF) */
            if (off > 0)
                shutdown(conn->fd, SHUT_RDWR);
            g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "timed out writing to monitor '%s'", conn->path);
            return false;
        }
    }
    return true;
}

/* qmp_command(); *ret_closed tells whether a failure is the monitor
 * closing on qemu's side. */
static bool
qmp_run(QmpConn *conn, const char *name, json_object *args, json_object **ret_reply, int timeout_ms,
        bool *ret_closed, GError **error)
{
    gint64 deadline =
        timeout_ms < 0 ? -1 : g_get_monotonic_time() + timeout_ms * G_GINT64_CONSTANT(1000);
    g_autoptr(json_object) cmd = json_object_new_object();
    g_autofree char *text = NULL;
    QmpPending p = { 0 };
    bool closed = false, timed_out = false, ok;

    /* replies are read by that thread: waiting there would never end */
    g_assert(g_thread_self() != conn->reader);
    *ret_closed = false;

    g_mutex_lock(&conn->lock);
    if (conn->eof || conn->closing) {
        *ret_closed = !conn->closing;
        g_mutex_unlock(&conn->lock);
        qmp_set_closed_error(error);
        return false;
    }
    p.id = ++conn->next_id;
    g_hash_table_insert(conn->pending, &p.id, &p);
    conn->users++;
    g_mutex_unlock(&conn->lock);

    json_object_object_add(cmd, "execute", json_object_new_string(name));
    if (args)
        json_object_object_add(cmd, "arguments", json_object_get(args));
    json_object_object_add(cmd, "id", json_object_new_int64(p.id));
    text = g_strconcat(json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN), "\n", NULL);

    g_mutex_lock(&conn->write_lock);
    ok = qmp_write(conn, text, strlen(text), deadline, &closed, error);
    g_mutex_unlock(&conn->write_lock);

    g_mutex_lock(&conn->lock);
    if (!ok && closed)
        *ret_closed = !conn->closing;
    while (ok) {
        if (p.done)
            break;
        if (conn->eof || conn->closing) {
            closed = true;
            break;
        }
        if (deadline >= 0 && g_get_monotonic_time() >= deadline) {
            timed_out = true;
            break;
        }
        if (deadline < 0)
            g_cond_wait(&conn->cond, &conn->lock);
        else
            g_cond_wait_until(&conn->cond, &conn->lock, deadline);
    }
    g_hash_table_remove(conn->pending, &p.id);
    if (closed)
        *ret_closed = !conn->closing;
    conn->users--;
    if (conn->users == 0 && conn->closing)
        g_cond_broadcast(&conn->cond);
    g_mutex_unlock(&conn->lock);

    if (!ok)
        return false;
    if (closed) {
        qmp_set_closed_error(error);
        return false;
    }
    if (timed_out) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                    "timed out waiting for qemu to answer '%s'", name);
        return false;
    }
    if (p.error) {
        g_propagate_error(error, p.error);
        return false;
    }
    if (ret_reply)
        *ret_reply = p.reply;
    else
        json_object_put(p.reply);
    return true;
}

bool
qmp_command(QmpConn *conn, const char *name, json_object *args, json_object **ret_reply,
            int timeout_ms, GError **error)
{
    bool closed;

    return qmp_run(conn, name, args, ret_reply, timeout_ms, &closed, error);
}

/* A non-blocking connection to @path; -errno when it cannot be made (yet). */
static int
qmp_socket_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd, err;

    if (strlen(path) >= sizeof(addr.sun_path))
        return -ENAMETOOLONG;
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    /* non-blocking: a listener whose backlog is full (qemu busy with
     * another client) says EAGAIN instead of holding us */
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

static void
qmp_free(QmpConn *conn)
{
    if (conn->fd >= 0)
        close(conn->fd);
    g_hash_table_destroy(conn->pending);
    g_mutex_clear(&conn->lock);
    g_mutex_clear(&conn->write_lock);
    g_cond_clear(&conn->cond);
    g_free(conn->path);
    g_free(conn);
}

QmpConn *
qmp_connect(const char *path, int timeout_ms, QmpEventFunc event_cb, gpointer user_data,
            GError **error)
{
    gint64 deadline =
        timeout_ms < 0 ? -1 : g_get_monotonic_time() + timeout_ms * G_GINT64_CONSTANT(1000);
    gulong delay_us = 2000;
    g_autoptr(GError) thread_err = NULL;
    QmpConn *conn;
    bool greeted, eof;
    int fd, left_ms;

    for (;;) {
        fd = qmp_socket_connect(path);
        if (fd >= 0)
            break;
        if (fd != -ENOENT && fd != -ECONNREFUSED && fd != -EAGAIN) {
            error_set_errno(error, QEMU_ERROR, -fd, "cannot connect to monitor '%s'", path);
            return NULL;
        }
        if (deadline >= 0 && g_get_monotonic_time() + (gint64)delay_us > deadline) {
            g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "timed out connecting to monitor '%s': %s", path, g_strerror(-fd));
            return NULL;
        }
        /* qemu creates the socket shortly after it starts */
        g_usleep(delay_us);
        delay_us = MIN(delay_us * 2, 50000);
    }

    conn = g_new0(QmpConn, 1);
    conn->path = g_strdup(path);
    conn->fd = fd;
    conn->event_cb = event_cb;
    conn->user_data = user_data;
    conn->timeout_ms = QMP_DEFAULT_TIMEOUT_MS;
    conn->pending = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_mutex_init(&conn->lock);
    g_mutex_init(&conn->write_lock);
    g_cond_init(&conn->cond);
    conn->reader = g_thread_try_new("qmp-reader", qmp_reader, conn, &thread_err);
    if (!conn->reader) {
        g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED,
                    "cannot start a reader for monitor '%s': %s", path, thread_err->message);
        qmp_free(conn);
        return NULL;
    }

    g_mutex_lock(&conn->lock);
    while (!conn->greeted && !conn->eof) {
        if (deadline < 0)
            g_cond_wait(&conn->cond, &conn->lock);
        else if (!g_cond_wait_until(&conn->cond, &conn->lock, deadline))
            break;
    }
    greeted = conn->greeted;
    eof = conn->eof;
    g_mutex_unlock(&conn->lock);
    if (!greeted) {
        if (eof)
            g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED,
                        "monitor '%s' closed before its greeting", path);
        else
            g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT,
                        "timed out waiting for the greeting of monitor '%s'", path);
        qmp_close(conn);
        return NULL;
    }

    left_ms = -1;
    if (deadline >= 0)
        left_ms = (int)MAX((deadline - g_get_monotonic_time()) / 1000, 0);
    if (!qmp_command(conn, "qmp_capabilities", NULL, NULL, left_ms, error)) {
        g_prefix_error(error, "monitor '%s': ", path);
        qmp_close(conn);
        return NULL;
    }
    return conn;
}

void
qmp_close(QmpConn *conn)
{
    if (!conn)
        return;
    g_assert(g_thread_self() != conn->reader);

    g_mutex_lock(&conn->lock);
    conn->closing = true;
    g_cond_broadcast(&conn->cond);
    g_mutex_unlock(&conn->lock);

    /* wakes the reader's poll() (it reads EOF) and any blocked writer */
    shutdown(conn->fd, SHUT_RDWR);
    g_thread_join(conn->reader);

    g_mutex_lock(&conn->lock);
    while (conn->users > 0)
        g_cond_wait(&conn->cond, &conn->lock);
    g_mutex_unlock(&conn->lock);
    qmp_free(conn);
}

void
qmp_get_version(const QmpConn *conn, int *ret_major, int *ret_minor, int *ret_micro)
{
    /* written once before qmp_connect() returns */
    if (ret_major)
        *ret_major = conn->version[0];
    if (ret_minor)
        *ret_minor = conn->version[1];
    if (ret_micro)
        *ret_micro = conn->version[2];
}

bool
qmp_is_closed(QmpConn *conn)
{
    bool eof;

    g_mutex_lock(&conn->lock);
    eof = conn->eof;
    g_mutex_unlock(&conn->lock);
    return eof;
}

void
qmp_set_timeout(QmpConn *conn, int timeout_ms)
{
    g_atomic_int_set(&conn->timeout_ms, timeout_ms);
}

static bool
qmp_simple(QmpConn *conn, const char *name, json_object **ret_reply, GError **error)
{
    return qmp_command(conn, name, NULL, ret_reply, g_atomic_int_get(&conn->timeout_ms), error);
}

static bool
qmp_unexpected_reply(const char *name, GError **error)
{
    g_set_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED, "qemu: unexpected reply to '%s'",
                name);
    return false;
}

bool
qmp_query_status(QmpConn *conn, bool *ret_running, char **ret_status, GError **error)
{
    g_autoptr(json_object) reply = NULL;
    json_object *running;
    const char *status;

    if (!qmp_simple(conn, "query-status", &reply, error))
        return false;
    status = qmp_get_string(reply, "status");
    if (!status || !json_object_object_get_ex(reply, "running", &running) ||
        !json_object_is_type(running, json_type_boolean))
        return qmp_unexpected_reply("query-status", error);
    if (ret_running)
        *ret_running = json_object_get_boolean(running);
    if (ret_status)
        *ret_status = g_strdup(status);
    return true;
}

bool
qmp_cont(QmpConn *conn, GError **error)
{
    return qmp_simple(conn, "cont", NULL, error);
}

bool
qmp_stop(QmpConn *conn, GError **error)
{
    return qmp_simple(conn, "stop", NULL, error);
}

bool
qmp_system_powerdown(QmpConn *conn, GError **error)
{
    return qmp_simple(conn, "system_powerdown", NULL, error);
}

bool
qmp_system_reset(QmpConn *conn, GError **error)
{
    return qmp_simple(conn, "system_reset", NULL, error);
}

bool
qmp_dump_guest_memory(QmpConn *conn, const char *path, int timeout_ms, GError **error)
{
    g_autoptr(json_object) args = json_object_new_object();
    g_autofree char *protocol = g_strdup_printf("file:%s", path);

    json_object_object_add(args, "paging", json_object_new_boolean(0));
    json_object_object_add(args, "protocol", json_object_new_string(protocol));
    return qmp_command(conn, "dump-guest-memory", args, NULL, timeout_ms, error);
}

bool
qmp_quit(QmpConn *conn, GError **error)
{
    g_autoptr(GError) err = NULL;
    bool closed;

    if (qmp_run(conn, "quit", NULL, NULL, g_atomic_int_get(&conn->timeout_ms), &closed, &err))
        return true;
    /* qemu may exit before its reply reaches the socket */
    if (closed)
        return true;
    g_propagate_error(error, g_steal_pointer(&err));
    return false;
}

bool
qmp_query_vnc(QmpConn *conn, char **ret_host, char **ret_service, GError **error)
{
    g_autoptr(json_object) reply = NULL;
    json_object *enabled;
    const char *host = NULL, *service = NULL;

    if (!qmp_simple(conn, "query-vnc", &reply, error))
        return false;
    if (!json_object_object_get_ex(reply, "enabled", &enabled) ||
        !json_object_is_type(enabled, json_type_boolean))
        return qmp_unexpected_reply("query-vnc", error);
    if (json_object_get_boolean(enabled)) {
        host = qmp_get_string(reply, "host");
        service = qmp_get_string(reply, "service");
        if (!host || !service)
            return qmp_unexpected_reply("query-vnc", error);
    }
    if (ret_host)
        *ret_host = g_strdup(host);
    if (ret_service)
        *ret_service = g_strdup(service);
    return true;
}
