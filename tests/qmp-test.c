/*
 * qmp-test.c: drivers/qemu/qmp (the QMP client)
 *
 * First against a fake monitor: a thread serving a unix socket in a temp
 * directory, each case with its own script (greeting, replies, events in
 * odd orders and odd chunks, errors, EOF, silence). Then against a real
 * qemu-system-x86_64 (-machine none, tcg, -S): skipped when qemu is not
 * installed, unless CI is set, where that is a failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qmp.h"
#include "util/cmd.h"
#include "util/error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* How long the fake monitor waits for the client before failing the case
 * (rather than hanging it). */
#define FAKE_IO_TIMEOUT_MS 10000

/* ---- events seen by the client ------------------------------------------ */

typedef struct Rec {
    GMutex lock;
    GCond cond;
    GPtrArray *events; /* "NAME" or "NAME {data}" */
    gint64 last_timestamp;
} Rec;

static void
rec_init(Rec *r)
{
    g_mutex_init(&r->lock);
    g_cond_init(&r->cond);
    r->events = g_ptr_array_new_with_free_func(g_free);
    r->last_timestamp = 0;
}

static void
rec_clear(Rec *r)
{
    g_ptr_array_unref(r->events);
    g_mutex_clear(&r->lock);
    g_cond_clear(&r->cond);
}

static void
rec_event(QmpConn *conn, const char *event, json_object *data, gint64 timestamp_us,
          gpointer user_data)
{
    Rec *r = user_data;

    g_assert_nonnull(conn);
    g_mutex_lock(&r->lock);
    if (data)
        g_ptr_array_add(r->events, g_strdup_printf("%s %s", event,
                                                   json_object_to_json_string_ext(
                                                       data, JSON_C_TO_STRING_PLAIN)));
    else
        g_ptr_array_add(r->events, g_strdup(event));
    r->last_timestamp = timestamp_us;
    g_cond_broadcast(&r->cond);
    g_mutex_unlock(&r->lock);
}

/* Index of the first event starting with @name (a whole word), or -1. */
static int
rec_find_locked(Rec *r, const char *name)
{
    size_t len = strlen(name);

    for (guint i = 0; i < r->events->len; i++) {
        const char *e = r->events->pdata[i];

        if (strncmp(e, name, len) == 0 && (e[len] == '\0' || e[len] == ' '))
            return (int)i;
    }
    return -1;
}

static int
rec_wait(Rec *r, const char *name, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * G_GINT64_CONSTANT(1000);
    int i;

    g_mutex_lock(&r->lock);
    while ((i = rec_find_locked(r, name)) < 0)
        if (!g_cond_wait_until(&r->cond, &r->lock, deadline))
            break;
    if (i < 0)
        i = rec_find_locked(r, name);
    g_mutex_unlock(&r->lock);
    return i;
}

static unsigned
rec_count(Rec *r, const char *name)
{
    size_t len = strlen(name);
    unsigned n = 0;

    g_mutex_lock(&r->lock);
    for (guint i = 0; i < r->events->len; i++) {
        const char *e = r->events->pdata[i];

        if (strncmp(e, name, len) == 0 && (e[len] == '\0' || e[len] == ' '))
            n++;
    }
    g_mutex_unlock(&r->lock);
    return n;
}

/* All events so far, space-separated names with data, for comparisons. */
static char *
rec_joined(Rec *r)
{
    GString *s = g_string_new(NULL);

    g_mutex_lock(&r->lock);
    for (guint i = 0; i < r->events->len; i++)
        g_string_append_printf(s, "%s%s", i ? "|" : "", (const char *)r->events->pdata[i]);
    g_mutex_unlock(&r->lock);
    return g_string_free(s, FALSE);
}

/* ---- the fake monitor ----------------------------------------------------- */

typedef struct Fake Fake;
typedef void (*FakeScript)(Fake *f);

struct Fake {
    char *dir;
    char *path;
    int lfd;
    int fd;
    gulong listen_delay_us; /* create the socket only after this */
    FakeScript script;
    gpointer data;
    GThread *thread;
    GString *in;
    GMutex lock;
    GCond cond;
    int stage; /* for scripts that must wait on the test */
};

static int
fake_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    g_assert_no_errno(bind(fd, (struct sockaddr *)&addr, sizeof(addr)));
    g_assert_no_errno(listen(fd, 4));
    return fd;
}

static void
fake_wait_fd(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    int r;

    do
        r = poll(&pfd, 1, FAKE_IO_TIMEOUT_MS);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        g_error("fake monitor: nothing happened for %d ms", FAKE_IO_TIMEOUT_MS);
    g_assert_cmpint(r, ==, 1);
}

static void
fake_send(Fake *f, const char *text)
{
    size_t len = strlen(text), off = 0;

    while (off < len) {
        ssize_t n = send(f->fd, text + off, len - off, MSG_NOSIGNAL);

        g_assert_cmpint(n, >, 0);
        off += n;
    }
}

static void G_GNUC_PRINTF(2, 3) fake_sendf(Fake *f, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fake_send(f, text);
}

/* The next command line the client sent, or NULL at EOF. */
static json_object *
fake_recv(Fake *f)
{
    for (;;) {
        char *nl = memchr(f->in->str, '\n', f->in->len);
        char chunk[4096];
        ssize_t n;

        if (nl) {
            g_autofree char *line = g_strndup(f->in->str, nl - f->in->str);
            json_object *cmd;

            g_string_erase(f->in, 0, nl - f->in->str + 1);
            cmd = json_tokener_parse(line);
            g_assert_nonnull(cmd);
            return cmd;
        }
        fake_wait_fd(f->fd, POLLIN);
        n = read(f->fd, chunk, sizeof(chunk));
        g_assert_cmpint(n, >=, 0);
        if (n == 0)
            return NULL;
        g_string_append_len(f->in, chunk, n);
    }
}

/* Reads a command, checks its name, returns its id. */
static gint64
fake_expect(Fake *f, const char *name, json_object **ret_args)
{
    g_autoptr(json_object) cmd = fake_recv(f);
    json_object *v;

    g_assert_nonnull(cmd);
    g_assert_true(json_object_object_get_ex(cmd, "execute", &v));
    g_assert_cmpstr(json_object_get_string(v), ==, name);
    if (ret_args)
        *ret_args = json_object_object_get_ex(cmd, "arguments", &v) ? json_object_get(v) : NULL;
    g_assert_true(json_object_object_get_ex(cmd, "id", &v));
    g_assert_true(json_object_is_type(v, json_type_int));
    return json_object_get_int64(v);
}

static void
fake_reply(Fake *f, gint64 id, const char *ret)
{
    fake_sendf(f, "{\"return\": %s, \"id\": %" G_GINT64_FORMAT "}\r\n", ret, id);
}

static void
fake_greet(Fake *f)
{
    fake_send(f, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 7}, "
                 "\"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}\r\n");
    fake_reply(f, fake_expect(f, "qmp_capabilities", NULL), "{}");
}

static void
fake_set_stage(Fake *f, int stage)
{
    g_mutex_lock(&f->lock);
    f->stage = stage;
    g_cond_broadcast(&f->cond);
    g_mutex_unlock(&f->lock);
}

static void
fake_wait_stage(Fake *f, int stage)
{
    gint64 deadline = g_get_monotonic_time() + FAKE_IO_TIMEOUT_MS * G_GINT64_CONSTANT(1000);

    g_mutex_lock(&f->lock);
    while (f->stage < stage)
        if (!g_cond_wait_until(&f->cond, &f->lock, deadline))
            g_error("stage %d not reached", stage);
    g_mutex_unlock(&f->lock);
}

static gpointer
fake_thread(gpointer data)
{
    Fake *f = data;

    if (f->listen_delay_us) {
        g_usleep(f->listen_delay_us);
        f->lfd = fake_listen(f->path);
    }
    fake_wait_fd(f->lfd, POLLIN);
    f->fd = accept(f->lfd, NULL, NULL);
    g_assert_cmpint(f->fd, >=, 0);
    f->script(f);
    close(f->fd);
    f->fd = -1;
    return NULL;
}

static Fake *
fake_start(FakeScript script, gulong listen_delay_us, gpointer data)
{
    Fake *f = g_new0(Fake, 1);

    f->dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "monitor.sock", NULL);
    f->lfd = -1;
    f->fd = -1;
    f->listen_delay_us = listen_delay_us;
    f->script = script;
    f->data = data;
    f->in = g_string_new(NULL);
    g_mutex_init(&f->lock);
    g_cond_init(&f->cond);
    if (!listen_delay_us)
        f->lfd = fake_listen(f->path);
    f->thread = g_thread_new("fake-qmp", fake_thread, f);
    return f;
}

/* Waits for the script to end and removes everything. */
static void
fake_stop(Fake *f)
{
    g_thread_join(f->thread);
    if (f->lfd >= 0)
        close(f->lfd);
    unlink(f->path);
    g_assert_no_errno(rmdir(f->dir));
    g_string_free(f->in, TRUE);
    g_mutex_clear(&f->lock);
    g_cond_clear(&f->cond);
    g_free(f->path);
    g_free(f->dir);
    g_free(f);
}

static QmpConn *
connect_ok(Fake *f, Rec *rec)
{
    g_autoptr(GError) error = NULL;
    QmpConn *conn = qmp_connect(f->path, 5000, rec_event, rec, &error);

    g_assert_no_error(error);
    g_assert_nonnull(conn);
    return conn;
}

/* ---- cases against the fake monitor -------------------------------------- */

static void
script_greeting(Fake *f)
{
    /* the client must negotiate before anything else */
    fake_greet(f);
    fake_reply(f, fake_expect(f, "query-status", NULL),
               "{\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}");
    g_assert_null(fake_recv(f));
}

/* Connecting waits for a socket that appears late; the greeting's version
 * is kept; capabilities are negotiated first. */
static void
test_fake_greeting(void)
{
    Fake *f = fake_start(script_greeting, 200000, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *status = NULL;
    Rec rec;
    QmpConn *conn;
    int major = 0, minor = 0, micro = 0;
    bool running = true;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    qmp_get_version(conn, &major, &minor, &micro);
    g_assert_cmpint(major, ==, 7);
    g_assert_cmpint(minor, ==, 2);
    g_assert_cmpint(micro, ==, 1);
    g_assert_true(qmp_query_status(conn, &running, &status, &error));
    g_assert_no_error(error);
    g_assert_false(running);
    g_assert_cmpstr(status, ==, "prelaunch");
    g_assert_false(qmp_is_closed(conn));
    qmp_close(conn);
    fake_stop(f);
    /* closed by us: no EOF notification */
    g_assert_cmpuint(rec.events->len, ==, 0);
    rec_clear(&rec);
}

/* No socket at all: a timeout naming the path. */
static void
test_fake_connect_timeout(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "none.sock", NULL);
    gint64 start = g_get_monotonic_time();

    g_assert_null(qmp_connect(path, 300, NULL, NULL, &error));
    g_assert_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 250000);
    g_assert_no_errno(rmdir(dir));
}

static void
script_silent(Fake *f)
{
    /* never greets; ends when the client gives up */
    g_assert_null(fake_recv(f));
}

static void
script_hangup(Fake *f)
{
    (void)f; /* closes right after accepting */
}

/* A monitor that accepts but never greets times out; one that hangs up
 * fails; neither delivers events. */
static void
test_fake_no_greeting(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error2 = NULL;
    Fake *f = fake_start(script_silent, 0, NULL);
    Rec rec;

    rec_init(&rec);
    g_assert_null(qmp_connect(f->path, 300, rec_event, &rec, &error));
    g_assert_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(error->message, f->path));
    fake_stop(f);

    f = fake_start(script_hangup, 0, NULL);
    g_assert_null(qmp_connect(f->path, 5000, rec_event, &rec, &error2));
    g_assert_error(error2, QEMU_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error2->message, f->path));
    fake_stop(f);
    g_assert_cmpuint(rec.events->len, ==, 0);
    rec_clear(&rec);
}

typedef struct Call {
    QmpConn *conn;
    const char *name;
    json_object *args;
    int timeout_ms;
    bool ok;
    json_object *reply;
    GError *error;
} Call;

static gpointer
call_thread(gpointer data)
{
    Call *c = data;

    c->ok = qmp_command(c->conn, c->name, c->args, &c->reply, c->timeout_ms, &c->error);
    return NULL;
}

static void
script_out_of_order(Fake *f)
{
    gint64 id1, id2, id_a, id_b;
    g_autoptr(json_object) c1 = NULL;
    g_autoptr(json_object) c2 = NULL;
    json_object *v;

    fake_greet(f);
    /* two commands in flight, in whatever order the threads wrote them */
    c1 = fake_recv(f);
    c2 = fake_recv(f);
    g_assert_nonnull(c1);
    g_assert_nonnull(c2);
    g_assert_true(json_object_object_get_ex(c1, "id", &v));
    id1 = json_object_get_int64(v);
    g_assert_true(json_object_object_get_ex(c2, "id", &v));
    id2 = json_object_get_int64(v);
    g_assert_true(json_object_object_get_ex(c1, "execute", &v));
    if (strcmp(json_object_get_string(v), "cmd-a") == 0) {
        id_a = id1;
        id_b = id2;
    } else {
        id_a = id2;
        id_b = id1;
    }
    g_assert_cmpint(id_a, !=, id_b);
    fake_send(f, "{\"event\": \"E1\", \"data\": {\"n\": 1}, "
                 "\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\n");
    fake_sendf(f, "{\"id\": %" G_GINT64_FORMAT ", \"return\": {\"who\": \"b\"}}\n", id_b);
    fake_send(f, "{\"event\": \"E2\", \"timestamp\": {\"seconds\": 2, \"microseconds\": 0}}\n");
    fake_sendf(f, "{\"return\": {\"who\": \"a\"}, \"id\": %" G_GINT64_FORMAT "}\n", id_a);
    fake_send(f, "{\"timestamp\": {\"seconds\": 3, \"microseconds\": 0}, \"event\": \"E3\"}\n");
    g_assert_null(fake_recv(f));
}

/* Replies go to their own command whatever the order, events interleaved
 * with them reach the callback in qemu's order. */
static void
test_fake_out_of_order(void)
{
    Fake *f = fake_start(script_out_of_order, 0, NULL);
    Call a = { .name = "cmd-a", .timeout_ms = 5000 };
    Call b = { .name = "cmd-b", .timeout_ms = 5000 };
    g_autofree char *events = NULL;
    GThread *ta, *tb;
    Rec rec;

    rec_init(&rec);
    a.conn = b.conn = connect_ok(f, &rec);
    ta = g_thread_new("a", call_thread, &a);
    tb = g_thread_new("b", call_thread, &b);
    g_thread_join(ta);
    g_thread_join(tb);
    g_assert_no_error(a.error);
    g_assert_no_error(b.error);
    g_assert_true(a.ok && b.ok);
    g_assert_cmpstr(json_object_to_json_string_ext(a.reply, JSON_C_TO_STRING_PLAIN), ==,
                    "{\"who\":\"a\"}");
    g_assert_cmpstr(json_object_to_json_string_ext(b.reply, JSON_C_TO_STRING_PLAIN), ==,
                    "{\"who\":\"b\"}");
    json_object_put(a.reply);
    json_object_put(b.reply);
    g_assert_cmpint(rec_wait(&rec, "E3", 5000), ==, 2);
    events = rec_joined(&rec);
    g_assert_cmpstr(events, ==, "E1 {\"n\":1}|E2|E3");
    qmp_close(a.conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_event_first(Fake *f)
{
    gint64 id;

    fake_greet(f);
    id = fake_expect(f, "cont", NULL);
    fake_send(f, "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, "
                 "\"event\": \"RESUME\"}\r\n");
    g_usleep(20000); /* a separate read on the client's side */
    fake_reply(f, id, "{}");
    g_assert_null(fake_recv(f));
}

/* The event a command causes may come before its reply. */
static void
test_fake_event_before_reply(void)
{
    Fake *f = fake_start(script_event_first, 0, NULL);
    g_autoptr(GError) error = NULL;
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    g_assert_true(qmp_cont(conn, &error));
    g_assert_no_error(error);
    /* delivered (on the reader) before the reply was: no waiting */
    g_assert_cmpint(rec_wait(&rec, "RESUME", 0), ==, 0);
    g_assert_cmpint(rec.last_timestamp, ==, G_GINT64_CONSTANT(1700000000123456));
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_chunks(Fake *f)
{
    gint64 id;
    g_autofree char *reply = NULL;
    size_t len;

    fake_greet(f);
    id = fake_expect(f, "query-status", NULL);
    /* three objects in one write */
    fake_sendf(
        f,
        "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}\n"
        "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": %" G_GINT64_FORMAT "}\n"
        "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
        "\"guest-shutdown\"}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 7}}\n",
        id);
    /* one object in four writes, the newline alone */
    id = fake_expect(f, "query-vnc", NULL);
    reply = g_strdup_printf("{\"return\": {\"enabled\": true, \"host\": \"192.0.2.1\", "
                            "\"service\": \"5901\", \"family\": \"ipv4\", \"auth\": \"none\", "
                            "\"clients\": []}, \"id\": %" G_GINT64_FORMAT "}",
                            id);
    len = strlen(reply);
    for (size_t off = 0, step = len / 3; off < len; off += step) {
        g_autofree char *part = g_strndup(reply + off, MIN(step, len - off));

        fake_send(f, part);
        g_usleep(20000);
    }
    fake_send(f, "\n");
    /* VNC off */
    fake_reply(f, fake_expect(f, "query-vnc", NULL), "{\"enabled\": false}");
    g_assert_null(fake_recv(f));
}

/* Several objects in one read, one object over several reads. */
static void
test_fake_chunks(void)
{
    Fake *f = fake_start(script_chunks, 0, NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *status = NULL, *host = NULL, *service = NULL, *events = NULL;
    bool running = true;
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    g_assert_true(qmp_query_status(conn, &running, &status, &error));
    g_assert_no_error(error);
    g_assert_false(running);
    g_assert_cmpstr(status, ==, "paused");
    g_assert_true(qmp_query_vnc(conn, &host, &service, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(host, ==, "192.0.2.1");
    g_assert_cmpstr(service, ==, "5901");
    g_clear_pointer(&host, g_free);
    g_clear_pointer(&service, g_free);
    g_assert_true(qmp_query_vnc(conn, &host, &service, &error));
    g_assert_no_error(error);
    g_assert_null(host);
    g_assert_null(service);
    g_assert_cmpint(rec_wait(&rec, "SHUTDOWN", 5000), ==, 1);
    events = rec_joined(&rec);
    g_assert_cmpstr(events, ==, "STOP|SHUTDOWN {\"guest\":true,\"reason\":\"guest-shutdown\"}");
    g_assert_cmpint(rec.last_timestamp, ==, 5000007);
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_error(Fake *f)
{
    g_autoptr(json_object) args = NULL;
    gint64 id;

    fake_greet(f);
    id = fake_expect(f, "nosuch", &args);
    g_assert_cmpstr(json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN), ==,
                    "{\"device\":\"d0\"}");
    fake_sendf(f,
               "{\"id\": %" G_GINT64_FORMAT ", \"error\": {\"class\": \"CommandNotFound\", "
               "\"desc\": \"The command nosuch has not been found\"}}\n",
               id);
    /* the connection stays usable */
    fake_reply(f, fake_expect(f, "stop", NULL), "{}");
    g_assert_null(fake_recv(f));
}

/* A QMP error reply is an error with qemu's class and text. */
static void
test_fake_error(void)
{
    Fake *f = fake_start(script_error, 0, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error2 = NULL;
    g_autoptr(json_object) args = json_object_new_object();
    json_object *reply = NULL;
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    json_object_object_add(args, "device", json_object_new_string("d0"));
    g_assert_false(qmp_command(conn, "nosuch", args, &reply, 5000, &error));
    g_assert_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(error->message, ==,
                    "qemu: CommandNotFound: The command nosuch has not been found");
    g_assert_null(reply);
    /* args stay the caller's */
    g_assert_cmpint(json_object_object_length(args), ==, 1);
    g_assert_true(qmp_stop(conn, &error2));
    g_assert_no_error(error2);
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_eof(Fake *f)
{
    fake_greet(f);
    fake_expect(f, "system_powerdown", NULL);
    /* qemu exits: the script returns and the socket closes */
}

/* EOF while a command waits: the command fails, the callback hears EOF
 * once, later commands fail at once. */
static void
test_fake_eof(void)
{
    Fake *f = fake_start(script_eof, 0, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error2 = NULL;
    g_autoptr(GError) error3 = NULL;
    gint64 start;
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    g_assert_false(qmp_system_powerdown(conn, &error));
    g_assert_error(error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(error->message, ==, "monitor closed");
    g_assert_cmpint(rec_wait(&rec, QMP_EVENT_EOF, 5000), ==, 0);
    g_assert_true(qmp_is_closed(conn));
    start = g_get_monotonic_time();
    g_assert_false(qmp_command(conn, "query-status", NULL, NULL, 5000, &error2));
    g_assert_error(error2, QEMU_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 1000000);
    /* quit on a monitor qemu closed: qemu is gone, which is what quit wants */
    g_assert_true(qmp_quit(conn, &error3));
    g_assert_no_error(error3);
    g_usleep(50000);
    g_assert_cmpuint(rec_count(&rec, QMP_EVENT_EOF), ==, 1);
    g_assert_cmpuint(rec.events->len, ==, 1);
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_timeout(Fake *f)
{
    gint64 late;

    fake_greet(f);
    late = fake_expect(f, "stop", NULL);
    /* silent until the client moves on; then the late reply first */
    fake_wait_stage(f, 1);
    fake_reply(f, late, "{\"late\": true}");
    fake_reply(f, fake_expect(f, "query-status", NULL),
               "{\"status\": \"running\", \"running\": true}");
    g_assert_null(fake_recv(f));
}

/* No reply in time: VIR_ERR_OPERATION_TIMEOUT; the reply arriving later
 * is dropped and does not confuse the next command. */
static void
test_fake_timeout(void)
{
    Fake *f = fake_start(script_timeout, 0, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error2 = NULL;
    g_autofree char *status = NULL;
    json_object *reply = NULL;
    bool running = false;
    gint64 start;
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    start = g_get_monotonic_time();
    g_assert_false(qmp_command(conn, "stop", NULL, &reply, 300, &error));
    g_assert_cmpint(g_get_monotonic_time() - start, >=, 300000);
    g_assert_error(error, QEMU_ERROR, VIR_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(error->message, "'stop'"));
    g_assert_null(reply);
    fake_set_stage(f, 1);
    g_assert_true(qmp_query_status(conn, &running, &status, &error2));
    g_assert_no_error(error2);
    g_assert_true(running);
    g_assert_cmpstr(status, ==, "running");
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

#define CONCURRENT_THREADS 4
#define CONCURRENT_CALLS 50

static void
json_free(gpointer obj)
{
    json_object_put(obj);
}

static void
script_concurrent(Fake *f)
{
    unsigned total = CONCURRENT_THREADS * CONCURRENT_CALLS, done = 0;

    fake_greet(f);
    while (done < total) {
        /* whatever is in flight, answered last first, an event between */
        GPtrArray *batch = g_ptr_array_new_with_free_func(json_free);
        struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

        g_ptr_array_add(batch, fake_recv(f));
        while (batch->len < CONCURRENT_THREADS && done + batch->len < total &&
               (memchr(f->in->str, '\n', f->in->len) || poll(&pfd, 1, 5) == 1))
            g_ptr_array_add(batch, fake_recv(f));
        for (guint i = batch->len; i-- > 0;) {
            json_object *cmd = batch->pdata[i], *id, *args;

            g_assert_nonnull(cmd);
            g_assert_true(json_object_object_get_ex(cmd, "id", &id));
            g_assert_true(json_object_object_get_ex(cmd, "arguments", &args));
            fake_sendf(f, "{\"event\": \"TICK\"}\n{\"return\": %s, \"id\": %" G_GINT64_FORMAT "}\n",
                       json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN),
                       json_object_get_int64(id));
        }
        done += batch->len;
        g_ptr_array_unref(batch);
    }
    g_assert_null(fake_recv(f));
}

typedef struct Worker {
    QmpConn *conn;
    int n;
    unsigned ok;
} Worker;

static gpointer
worker_thread(gpointer data)
{
    Worker *w = data;

    for (int i = 0; i < CONCURRENT_CALLS; i++) {
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(json_object) reply = NULL;
        g_autoptr(GError) error = NULL;
        json_object *v;

        json_object_object_add(args, "thread", json_object_new_int(w->n));
        json_object_object_add(args, "seq", json_object_new_int(i));
        if (!qmp_command(w->conn, "echo", args, &reply, 5000, &error))
            continue;
        if (json_object_object_get_ex(reply, "thread", &v) && json_object_get_int(v) == w->n &&
            json_object_object_get_ex(reply, "seq", &v) && json_object_get_int(v) == i)
            w->ok++;
    }
    return NULL;
}

/* Four threads share one connection; each gets its own replies. */
static void
test_fake_concurrent(void)
{
    Fake *f = fake_start(script_concurrent, 0, NULL);
    Worker w[CONCURRENT_THREADS];
    GThread *t[CONCURRENT_THREADS];
    QmpConn *conn;
    Rec rec;

    rec_init(&rec);
    conn = connect_ok(f, &rec);
    for (int i = 0; i < CONCURRENT_THREADS; i++) {
        w[i] = (Worker){ .conn = conn, .n = i };
        t[i] = g_thread_new("worker", worker_thread, &w[i]);
    }
    for (int i = 0; i < CONCURRENT_THREADS; i++) {
        g_thread_join(t[i]);
        g_assert_cmpuint(w[i].ok, ==, CONCURRENT_CALLS);
    }
    g_assert_cmpuint(rec_count(&rec, "TICK"), ==, CONCURRENT_THREADS * CONCURRENT_CALLS);
    qmp_close(conn);
    fake_stop(f);
    rec_clear(&rec);
}

static void
script_close(Fake *f)
{
    fake_greet(f);
    fake_expect(f, "system_reset", NULL);
    fake_set_stage(f, 1);
    /* never answers; the client closes */
    g_assert_null(fake_recv(f));
}

/* qmp_close() while another thread waits: that thread gets an error, the
 * callback hears nothing. */
static void
test_fake_close_while_waiting(void)
{
    Fake *f = fake_start(script_close, 0, NULL);
    Call c = { .name = "system_reset", .timeout_ms = -1 };
    GThread *t;
    Rec rec;

    rec_init(&rec);
    c.conn = connect_ok(f, &rec);
    t = g_thread_new("waiter", call_thread, &c);
    fake_wait_stage(f, 1);
    g_usleep(20000); /* the waiter is (very likely) waiting by now */
    qmp_close(c.conn);
    g_thread_join(t);
    g_assert_false(c.ok);
    g_assert_error(c.error, QEMU_ERROR, VIR_ERR_OPERATION_FAILED);
    g_assert_cmpstr(c.error->message, ==, "monitor closed");
    g_error_free(c.error);
    fake_stop(f);
    g_assert_cmpuint(rec.events->len, ==, 0);
    rec_clear(&rec);
}

/* ---- against a real qemu -------------------------------------------------- */

/* The qemu of the running case, killed if an assertion aborts the test. */
static volatile GPid qemu_pid;

static void
on_abort(int sig)
{
    (void)sig;
    if (qemu_pid > 0)
        kill(qemu_pid, SIGKILL);
}

/* Reaps @pid within @timeout_ms; its wait status, or -1. */
static int
reap(GPid pid, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * G_GINT64_CONSTANT(1000);
    int status;

    while (g_get_monotonic_time() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return status;
        g_assert_cmpint(r, ==, 0);
        g_usleep(10000);
    }
    return -1;
}

static void
test_qemu(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    g_autofree char *dir = NULL, *qmp_path = NULL, *vnc_path = NULL, *log_path = NULL;
    g_autofree char *qmp_arg = NULL, *status = NULL, *host = NULL, *service = NULL;
    g_autofree char *log = NULL, *events = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(Cmd) cmd = NULL;
    bool running = true;
    QmpConn *conn;
    GPid pid = 0;
    int log_fd, wstatus, i_shutdown, i_eof;
    Rec rec;

    if (!qemu) {
        if (g_getenv("CI") && *g_getenv("CI")) {
            g_test_fail_printf("CI is set and qemu-system-x86_64 is not installed");
            return;
        }
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
    g_assert_nonnull(dir);
    qmp_path = g_build_filename(dir, "qmp.sock", NULL);
    vnc_path = g_build_filename(dir, "vnc.sock", NULL);
    log_path = g_build_filename(dir, "qemu.log", NULL);
    qmp_arg = g_strdup_printf("unix:%s,server=on,wait=off", qmp_path);
    log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_assert_cmpint(log_fd, >=, 0);

    cmd = cmd_new(qemu);
    cmd_add_args(cmd, "-machine", "none", "-accel", "tcg", "-nodefaults", "-display", "none", "-S",
                 "-qmp", qmp_arg, NULL);
    cmd_add_arg(cmd, "-vnc");
    cmd_add_argf(cmd, "unix:%s", vnc_path);
    cmd_set_stderr_fd(cmd, log_fd);
    cmd_set_stdout_fd(cmd, log_fd);
    g_assert_true(cmd_spawn(cmd, &pid, &error));
    g_assert_no_error(error);
    close(log_fd);
    g_assert_cmpint(pid, >, 0);
    qemu_pid = pid;

    rec_init(&rec);
    conn = qmp_connect(qmp_path, 10000, rec_event, &rec, &error);
    if (!conn && g_file_get_contents(log_path, &log, NULL, NULL))
        g_test_message("qemu's output: %s", log);
    g_assert_no_error(error);
    g_assert_nonnull(conn);

    g_assert_true(qmp_query_status(conn, &running, &status, &error));
    g_assert_no_error(error);
    g_assert_false(running);
    g_assert_true(g_str_equal(status, "prelaunch") || g_str_equal(status, "paused"));
    g_clear_pointer(&status, g_free);

    g_assert_true(qmp_query_vnc(conn, &host, &service, &error));
    g_assert_no_error(error);
    /* a unix socket: qemu reports its path as the service */
    g_assert_cmpstr(host, ==, "");
    g_assert_cmpstr(service, ==, vnc_path);

    g_assert_true(qmp_cont(conn, &error));
    g_assert_no_error(error);
    g_assert_cmpint(rec_wait(&rec, QMP_EVENT_RESUME, 10000), >=, 0);
    g_assert_true(qmp_query_status(conn, &running, &status, &error));
    g_assert_no_error(error);
    g_assert_true(running);
    g_assert_cmpstr(status, ==, "running");
    g_clear_pointer(&status, g_free);

    g_assert_true(qmp_stop(conn, &error));
    g_assert_no_error(error);
    g_assert_cmpint(rec_wait(&rec, QMP_EVENT_STOP, 10000), >=, 0);
    g_assert_true(qmp_query_status(conn, &running, &status, &error));
    g_assert_no_error(error);
    g_assert_false(running);
    g_assert_cmpstr(status, ==, "paused");

    g_assert_true(qmp_system_reset(conn, &error));
    g_assert_no_error(error);
    g_assert_cmpint(rec_wait(&rec, QMP_EVENT_RESET, 10000), >=, 0);

    g_assert_true(qmp_quit(conn, &error));
    g_assert_no_error(error);
    i_shutdown = rec_wait(&rec, QMP_EVENT_SHUTDOWN, 10000);
    i_eof = rec_wait(&rec, QMP_EVENT_EOF, 10000);
    events = rec_joined(&rec);
    g_test_message("events: %s", events);
    g_assert_cmpint(i_shutdown, >=, 0);
    g_assert_cmpint(i_eof, >, i_shutdown);
    g_assert_nonnull(strstr(events, "SHUTDOWN {\"guest\":false,\"reason\":\"host-qmp-quit\"}"));
    g_assert_true(qmp_is_closed(conn));

    wstatus = reap(pid, 10000);
    g_assert_cmpint(wstatus, !=, -1);
    qemu_pid = 0;
    g_assert_true(WIFEXITED(wstatus));
    g_assert_cmpint(WEXITSTATUS(wstatus), ==, 0);
    g_assert_cmpuint(rec_count(&rec, QMP_EVENT_EOF), ==, 1);

    qmp_close(conn);
    rec_clear(&rec);
    unlink(qmp_path);
    unlink(vnc_path);
    unlink(log_path);
    g_assert_no_errno(rmdir(dir));
}

int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGABRT, on_abort);
    g_test_add_func("/qmp/fake/greeting", test_fake_greeting);
    g_test_add_func("/qmp/fake/connect-timeout", test_fake_connect_timeout);
    g_test_add_func("/qmp/fake/no-greeting", test_fake_no_greeting);
    g_test_add_func("/qmp/fake/out-of-order", test_fake_out_of_order);
    g_test_add_func("/qmp/fake/event-before-reply", test_fake_event_before_reply);
    g_test_add_func("/qmp/fake/chunks", test_fake_chunks);
    g_test_add_func("/qmp/fake/error", test_fake_error);
    g_test_add_func("/qmp/fake/eof", test_fake_eof);
    g_test_add_func("/qmp/fake/timeout", test_fake_timeout);
    g_test_add_func("/qmp/fake/concurrent", test_fake_concurrent);
    g_test_add_func("/qmp/fake/close-while-waiting", test_fake_close_while_waiting);
    g_test_add_func("/qmp/qemu", test_qemu);
    ret = g_test_run();
    if (qemu_pid > 0)
        kill(qemu_pid, SIGKILL);
    return ret;
}
