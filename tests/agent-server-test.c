/*
 * agent-server-test.c: agent/server: sockets, frames, limits, replies
 *
 * A server runs in this process on its own main context with test
 * dispatchers (echo, echo from a worker, blocking calls); the test's
 * clients are plain non-blocking sockets, and every wait iterates the
 * context with a deadline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/server.h"
#include "util/log.h"

#define WAIT_MS 10000

typedef enum {
    MODE_ECHO,        /* reply at once on the main context */
    MODE_WORKER_ECHO, /* reply from a worker thread */
    MODE_BLOCK,       /* worker waits for release_calls() before replying */
    MODE_BIG,         /* worker replies with big_reply_len bytes */
    MODE_CLOSE,       /* reply, then close after the reply was written */
} Mode;

typedef struct {
    GMainContext *ctx;
    AgentConfig *cfg;
    AgentServer *server;
    char *dir;
    char *rw, *ro;
    char *log;
    Mode mode;
    gint dispatched; /* atomic */
    gint opened, closed;
    bool last_readonly;
    pid_t last_pid;
    uid_t last_uid;
    GMutex lock;
    GCond cond;
    int released; /* MODE_BLOCK: calls allowed to finish */
    gsize big_reply_len;
} Fixture;

static GBytes *
make_reply(GBytes *frame, gsize extra)
{
    gsize len = g_bytes_get_size(frame) + extra;
    guint8 *msg = g_malloc0(len + 4);
    guint32 word = GUINT32_TO_BE((guint32)(len + 4));

    memcpy(msg, &word, 4);
    memcpy(msg + 4, g_bytes_get_data(frame, NULL), g_bytes_get_size(frame));
    for (gsize i = g_bytes_get_size(frame); i < len; i++)
        msg[4 + i] = (guint8)(i * 7);
    return g_bytes_new_take(msg, len + 4);
}

static void
worker_call(AgentClient *client, GBytes *frame, gpointer data)
{
    Fixture *f = data;
    g_autoptr(GBytes) reply = NULL;

    guint32 tag;

    memcpy(&tag, (const guint8 *)g_bytes_get_data(frame, NULL) + 4, 4);
    if (f->mode == MODE_BLOCK && tag < 100) { /* tags from 100 on never block */
        g_mutex_lock(&f->lock);
        while (f->released == 0)
            g_cond_wait(&f->cond, &f->lock);
        f->released--;
        g_mutex_unlock(&f->lock);
    }
    reply = make_reply(frame, f->mode == MODE_BIG ? f->big_reply_len : 0);
    agent_client_send(client, reply);
}

static void
test_dispatch(AgentClient *client, GBytes *frame, gpointer data)
{
    Fixture *f = data;

    g_atomic_int_inc(&f->dispatched);
    f->last_readonly = agent_client_is_readonly(client);
    f->last_pid = agent_client_get_pid(client);
    f->last_uid = agent_client_get_uid(client);
    switch (f->mode) {
    case MODE_ECHO:
    case MODE_CLOSE: {
        g_autoptr(GBytes) reply = make_reply(frame, 0);

        agent_client_send(client, reply);
        if (f->mode == MODE_CLOSE)
            agent_client_close(client, /* flush = */ true);
        break;
    }
    case MODE_WORKER_ECHO:
    case MODE_BLOCK:
    case MODE_BIG:
        agent_client_queue_call(client, frame, worker_call, f);
        break;
    }
}

static void
test_opened(AgentClient *client, gpointer data)
{
    Fixture *f = data;

    agent_client_set_private(client, g_strdup("per-connection state"), g_free);
    f->opened++;
}

static void
test_closed(AgentClient *client, gpointer data)
{
    Fixture *f = data;

    g_assert_cmpstr(agent_client_get_private(client), ==, "per-connection state");
    f->closed++;
}

static void
fixture_start(Fixture *f, bool with_dispatch)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *spec = g_strdup_printf("file:%s", f->log);
    AgentServerHooks hooks = {
        .dispatch = with_dispatch ? test_dispatch : NULL,
        .client_opened = test_opened,
        .client_closed = test_closed,
        .user_data = f,
    };

    g_assert_true(log_configure(LOG_LEVEL_INFO, spec, false, &error));
    f->server = agent_server_new(f->cfg, f->ctx, &error);
    g_assert_no_error(error);
    agent_server_set_hooks(f->server, &hooks);
    g_assert_true(agent_server_listen(f->server, f->rw, false, 0600, (gid_t)-1, &error));
    g_assert_no_error(error);
    g_assert_true(agent_server_listen(f->server, f->ro, true, 0666, (gid_t)-1, &error));
    g_assert_no_error(error);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->ctx = g_main_context_new();
    g_main_context_push_thread_default(f->ctx);
    f->dir = g_dir_make_tmp("agent-server-XXXXXX", &error);
    g_assert_no_error(error);
    f->rw = g_build_filename(f->dir, "sock", NULL);
    f->ro = g_build_filename(f->dir, "sock-ro", NULL);
    f->log = g_build_filename(f->dir, "log", NULL);
    f->cfg = agent_config_new();
    f->cfg->max_clients = 4;
    f->cfg->max_client_requests = 2;
    f->cfg->max_workers = 4;
    f->cfg->min_workers = 1;
    g_mutex_init(&f->lock);
    g_cond_init(&f->cond);
}

static void
release_calls(Fixture *f, int n)
{
    g_mutex_lock(&f->lock);
    f->released += n;
    g_cond_broadcast(&f->cond);
    g_mutex_unlock(&f->lock);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    release_calls(f, 1000); /* no worker stays blocked */
    if (f->server)
        g_assert_true(agent_server_drain(f->server, WAIT_MS));
    agent_server_free(f->server);
    /* the listeners removed their sockets */
    g_assert_false(g_file_test(f->rw, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(f->ro, G_FILE_TEST_EXISTS));
    log_shutdown();
    while (g_main_context_iteration(f->ctx, FALSE))
        ;
    g_main_context_pop_thread_default(f->ctx);
    g_main_context_unref(f->ctx);
    agent_config_free(f->cfg);
    g_unlink(f->log);
    g_rmdir(f->dir);
    g_free(f->rw);
    g_free(f->ro);
    g_free(f->log);
    g_free(f->dir);
    g_mutex_clear(&f->lock);
    g_cond_clear(&f->cond);
}

/* Runs the server's context for up to @ms, or until @cond(f) holds. */
static bool
iterate_until(Fixture *f, bool (*cond)(Fixture *f, gpointer), gpointer arg, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    for (;;) {
        if (cond && cond(f, arg))
            return true;
        if (g_get_monotonic_time() >= deadline)
            return cond == NULL;
        while (g_main_context_iteration(f->ctx, FALSE))
            ;
        g_usleep(1000);
    }
}

static int
client_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    return fd;
}

static void
client_write(int fd, const void *data, size_t len)
{
    g_assert_cmpint(send(fd, data, len, MSG_NOSIGNAL), ==, (ssize_t)len);
}

/* A frame of @len bytes (length word included), tagged with @tag. */
static void
client_send_frame(int fd, guint32 len, guint32 tag)
{
    g_autofree guint8 *msg = g_malloc0(len);
    guint32 word = GUINT32_TO_BE(len);

    memcpy(msg, &word, 4);
    memcpy(msg + 8, &tag, 4);
    client_write(fd, msg, len);
}

typedef struct {
    int fd;
    GByteArray *buf;
    gsize want;
    bool eof;
} ReadState;

static bool
read_some(Fixture *f, gpointer data)
{
    ReadState *rs = data;
    guint8 tmp[65536];
    ssize_t n;

    while (rs->buf->len < rs->want) {
        n = recv(rs->fd, tmp, MIN(sizeof(tmp), rs->want - rs->buf->len), MSG_DONTWAIT);
        if (n == 0) {
            rs->eof = true;
            return true;
        }
        if (n < 0) {
            g_assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
            return false;
        }
        g_byte_array_append(rs->buf, tmp, (guint)n);
    }
    return true;
}

/* Reads exactly @len bytes (or up to EOF, returning NULL) within WAIT_MS. */
static GByteArray *
client_read(Fixture *f, int fd, gsize len)
{
    ReadState rs = { fd, g_byte_array_new(), len, false };

    if (!iterate_until(f, read_some, &rs, WAIT_MS))
        g_error("timed out reading %zu bytes (got %u)", len, rs.buf->len);
    if (rs.eof) {
        g_byte_array_unref(rs.buf);
        return NULL;
    }
    return rs.buf;
}

/* Reads one reply; returns its tag (bytes 8..11). */
static guint32
client_read_reply(Fixture *f, int fd, guint32 expect_len)
{
    g_autoptr(GByteArray) head = client_read(f, fd, 12);
    g_autoptr(GByteArray) rest = NULL;
    guint32 word, tag;

    g_assert_nonnull(head);
    memcpy(&word, head->data, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(word), ==, expect_len);
    memcpy(&tag, head->data + 8, 4);
    rest = client_read(f, fd, expect_len - 12);
    g_assert_nonnull(rest);
    return tag;
}

static bool
peer_closed(Fixture *f, gpointer data)
{
    int fd = GPOINTER_TO_INT(data);
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

    return n == 0 || (n < 0 && errno == ECONNRESET);
}

static void
assert_closed(Fixture *f, int fd)
{
    g_assert_true(iterate_until(f, peer_closed, GINT_TO_POINTER(fd), WAIT_MS));
}

static void
assert_open(Fixture *f, int fd)
{
    iterate_until(f, NULL, NULL, 50);
    g_assert_false(peer_closed(f, GINT_TO_POINTER(fd)));
}

static bool
clients_are(Fixture *f, gpointer data)
{
    return agent_server_client_count(f->server) == GPOINTER_TO_UINT(data);
}

static bool
dispatched_are(Fixture *f, gpointer data)
{
    return (guint)g_atomic_int_get(&f->dispatched) == GPOINTER_TO_UINT(data);
}

static bool
log_has(Fixture *f, const char *text)
{
    g_autofree char *log = NULL;

    g_file_get_contents(f->log, &log, NULL, NULL);
    return log && strstr(log, text);
}

static void
test_echo(Fixture *f, gconstpointer data)
{
    int rw, ro;
    struct stat st;
    g_autofree char *line = NULL;

    f->mode = MODE_ECHO;
    fixture_start(f, true);
    g_assert_cmpint(stat(f->rw, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_assert_cmpint(stat(f->ro, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0666);

    rw = client_connect(f->rw);
    client_send_frame(rw, 28, 0x11);
    g_assert_cmpuint(client_read_reply(f, rw, 28), ==, 0x11);
    g_assert_false(f->last_readonly);
    g_assert_cmpint(f->last_pid, ==, getpid());
    g_assert_cmpint(f->last_uid, ==, getuid());

    ro = client_connect(f->ro);
    client_send_frame(ro, 100, 0x22);
    g_assert_cmpuint(client_read_reply(f, ro, 100), ==, 0x22);
    g_assert_true(f->last_readonly);
    g_assert_cmpint(f->opened, ==, 2);

    /* a frame arriving one byte at a time */
    {
        guint8 msg[40] = { 0, 0, 0, 40 };

        msg[8] = 0x33;
        for (size_t i = 0; i < sizeof(msg); i++) {
            client_write(rw, msg + i, 1);
            iterate_until(f, NULL, NULL, 1);
        }
        g_assert_cmpuint(client_read_reply(f, rw, 40), ==, 0x33);
    }

    close(rw);
    close(ro);
    g_assert_true(iterate_until(f, clients_are, GUINT_TO_POINTER(0), WAIT_MS));
    g_assert_cmpint(f->closed, ==, 2);
    line = g_strdup_printf("client 1 connected: pid %ld uid %ld gid %ld on rw socket",
                           (long)getpid(), (long)getuid(), (long)getgid());
    g_assert_true(log_has(f, line));
    g_assert_true(log_has(f, "client 2 connected: pid"));
    g_assert_true(log_has(f, "on ro socket"));
    g_assert_true(log_has(f, "client 1 disconnected: pid"));
}

static void
test_pipelined(Fixture *f, gconstpointer data)
{
    int fd;
    guint8 all[10 * 32];
    bool seen[10] = { false };

    f->mode = MODE_WORKER_ECHO;
    f->cfg->max_client_requests = 3;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    /* ten frames in one write: replies come from workers, in any order */
    for (guint32 i = 0; i < 10; i++) {
        guint32 word = GUINT32_TO_BE(32);

        memset(all + i * 32, 0, 32);
        memcpy(all + i * 32, &word, 4);
        memcpy(all + i * 32 + 8, &i, 4);
    }
    client_write(fd, all, sizeof(all));
    for (int i = 0; i < 10; i++) {
        guint32 tag = client_read_reply(f, fd, 32);

        g_assert_cmpuint(tag, <, 10);
        g_assert_false(seen[tag]);
        seen[tag] = true;
    }
    g_assert_cmpint(g_atomic_int_get(&f->dispatched), ==, 10);
    close(fd);
}

static void
test_request_limit(Fixture *f, gconstpointer data)
{
    int fd, other;

    f->mode = MODE_BLOCK;
    f->cfg->max_client_requests = 2;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    for (guint32 i = 0; i < 5; i++)
        client_send_frame(fd, 28, i);
    g_assert_true(iterate_until(f, dispatched_are, GUINT_TO_POINTER(2), WAIT_MS));
    /* at the limit: nothing more is read from this client */
    iterate_until(f, NULL, NULL, 100);
    g_assert_cmpint(g_atomic_int_get(&f->dispatched), ==, 2);
    g_assert_cmpuint(agent_server_calls_in_flight(f->server), ==, 2);

    /* another client is not held up by the first one's limit */
    other = client_connect(f->rw);
    client_send_frame(other, 28, 100);
    g_assert_cmpuint(client_read_reply(f, other, 28), ==, 100);
    g_assert_cmpint(g_atomic_int_get(&f->dispatched), ==, 3);

    /* one call finishes: one more frame is taken */
    release_calls(f, 1);
    g_assert_cmpuint(client_read_reply(f, fd, 28), <, 2);
    g_assert_true(iterate_until(f, dispatched_are, GUINT_TO_POINTER(4), WAIT_MS));
    iterate_until(f, NULL, NULL, 50);
    g_assert_cmpint(g_atomic_int_get(&f->dispatched), ==, 4);

    /* the limit raised by a reload lets the rest in */
    f->cfg->max_client_requests = 10;
    agent_server_apply_config(f->server, f->cfg);
    g_assert_true(iterate_until(f, dispatched_are, GUINT_TO_POINTER(6), WAIT_MS));
    release_calls(f, 100);
    g_assert_true(agent_server_drain(f->server, WAIT_MS));
    g_assert_cmpuint(agent_server_calls_in_flight(f->server), ==, 0);
    close(fd);
    close(other);
}

static void
test_bad_length(Fixture *f, gconstpointer data)
{
    static const guint32 bad[] = { 0xffffffffu, 0, 4, 27, AGENT_FRAME_MAX + 1 };
    int good;

    f->mode = MODE_ECHO;
    f->cfg->max_clients = 10;
    fixture_start(f, true);
    good = client_connect(f->rw);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        int fd = client_connect(i % 2 ? f->ro : f->rw);
        guint32 word = GUINT32_TO_BE(bad[i]);
        g_autofree char *line = g_strdup_printf("invalid message length %u", bad[i]);

        client_write(fd, &word, 4);
        assert_closed(f, fd);
        g_assert_true(log_has(f, line));
        close(fd);
        /* the healthy client still works */
        client_send_frame(good, 28, (guint32)i);
        g_assert_cmpuint(client_read_reply(f, good, 28), ==, (guint32)i);
    }

    /* the largest allowed length is taken and waits for its body */
    {
        int fd = client_connect(f->rw);
        guint32 word = GUINT32_TO_BE(AGENT_FRAME_MAX);

        client_write(fd, &word, 4);
        assert_open(f, fd);
        close(fd);
    }
    g_assert_cmpint(g_atomic_int_get(&f->dispatched), ==, (int)G_N_ELEMENTS(bad));
    close(good);
}

static void
test_max_clients(Fixture *f, gconstpointer data)
{
    int fds[4], extra, again;

    f->mode = MODE_ECHO;
    f->cfg->max_clients = 4;
    fixture_start(f, true);
    for (int i = 0; i < 4; i++) {
        fds[i] = client_connect(i % 2 ? f->ro : f->rw);
        g_assert_true(iterate_until(f, clients_are, GUINT_TO_POINTER(i + 1), WAIT_MS));
    }
    extra = client_connect(f->rw);
    assert_closed(f, extra);
    close(extra);
    g_assert_true(log_has(f, "client connection refused: max_clients (4) reached"));
    g_assert_cmpuint(agent_server_client_count(f->server), ==, 4);
    for (int i = 0; i < 4; i++) {
        client_send_frame(fds[i], 28, (guint32)i);
        g_assert_cmpuint(client_read_reply(f, fds[i], 28), ==, (guint32)i);
    }
    /* a slot freed is a slot available */
    close(fds[0]);
    g_assert_true(iterate_until(f, clients_are, GUINT_TO_POINTER(3), WAIT_MS));
    again = client_connect(f->rw);
    g_assert_true(iterate_until(f, clients_are, GUINT_TO_POINTER(4), WAIT_MS));
    client_send_frame(again, 28, 7);
    g_assert_cmpuint(client_read_reply(f, again, 28), ==, 7);
    close(again);
    for (int i = 1; i < 4; i++)
        close(fds[i]);
}

static void
test_big_reply(Fixture *f, gconstpointer data)
{
    int fd;
    g_autoptr(GByteArray) reply = NULL;
    const gsize extra = 8 * 1024 * 1024;

    /* far more than a socket buffer: written in pieces as the client reads */
    f->mode = MODE_BIG;
    f->big_reply_len = extra;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    client_send_frame(fd, 28, 5);
    iterate_until(f, NULL, NULL, 100); /* let the socket fill up */
    reply = client_read(f, fd, 28 + extra);
    g_assert_nonnull(reply);
    for (gsize i = 24; i < 24 + extra; i++) {
        if (reply->data[4 + i] != (guint8)(i * 7))
            g_error("reply byte %zu differs", i);
    }
    close(fd);
}

static void
test_big_frame(Fixture *f, gconstpointer data)
{
    int fd;
    const guint32 len = 3 * 1024 * 1024 + 28;
    g_autofree guint8 *msg = g_malloc0(len);
    guint32 word = GUINT32_TO_BE(len);
    gsize sent = 0;

    /* a frame larger than a read chunk and a socket buffer */
    f->mode = MODE_WORKER_ECHO;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    memcpy(msg, &word, 4);
    msg[8] = 0x44;
    while (sent < len) {
        ssize_t n = send(fd, msg + sent, len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n > 0)
            sent += (gsize)n;
        iterate_until(f, NULL, NULL, 1);
    }
    g_assert_cmpuint(client_read_reply(f, fd, len), ==, 0x44);
    close(fd);
}

static void
test_close_after_reply(Fixture *f, gconstpointer data)
{
    int fd;

    f->mode = MODE_CLOSE;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    client_send_frame(fd, 28, 9);
    g_assert_cmpuint(client_read_reply(f, fd, 28), ==, 9);
    assert_closed(f, fd);
    close(fd);
    g_assert_true(log_has(f, "closed by the agent"));
}

static void
test_client_gone_mid_call(Fixture *f, gconstpointer data)
{
    int fd;

    f->mode = MODE_BLOCK;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    client_send_frame(fd, 28, 1);
    g_assert_true(iterate_until(f, dispatched_are, GUINT_TO_POINTER(1), WAIT_MS));
    close(fd);
    g_assert_true(iterate_until(f, clients_are, GUINT_TO_POINTER(0), WAIT_MS));
    /* the worker finishes and replies to a connection that is gone */
    release_calls(f, 1);
    g_assert_true(agent_server_drain(f->server, WAIT_MS));
    g_assert_cmpint(f->closed, ==, 1);
}

static gpointer
release_later(gpointer data)
{
    g_usleep(200 * 1000);
    release_calls(data, 1);
    return NULL;
}

static void
test_drain(Fixture *f, gconstpointer data)
{
    int fd, late;
    GThread *t;

    f->mode = MODE_BLOCK;
    fixture_start(f, true);
    fd = client_connect(f->rw);
    client_send_frame(fd, 28, 3);
    g_assert_true(iterate_until(f, dispatched_are, GUINT_TO_POINTER(1), WAIT_MS));

    /* shutdown: stop accepting, then wait for the call in flight */
    agent_server_stop_accepting(f->server);
    g_assert_false(g_file_test(f->rw, G_FILE_TEST_EXISTS));
    g_assert_false(agent_server_drain(f->server, 50)); /* still running: times out */
    t = g_thread_new("release", release_later, f);
    g_assert_true(agent_server_drain(f->server, WAIT_MS));
    g_thread_join(t);
    /* the reply reached the client before the connections close */
    late = fd;
    g_assert_cmpuint(client_read_reply(f, late, 28), ==, 3);
    agent_server_close_clients(f->server);
    assert_closed(f, fd);
    close(fd);
}

static void
test_no_dispatcher(Fixture *f, gconstpointer data)
{
    int fd, idle;

    fixture_start(f, false);
    idle = client_connect(f->ro);
    fd = client_connect(f->rw);
    client_send_frame(fd, 28, 1);
    assert_closed(f, fd);
    g_assert_true(log_has(f, "the RPC protocol is not implemented yet"));
    assert_open(f, idle);
    close(fd);
    close(idle);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/agent-server/echo", test_echo);
    ADD("/agent-server/pipelined", test_pipelined);
    ADD("/agent-server/request-limit", test_request_limit);
    ADD("/agent-server/bad-length", test_bad_length);
    ADD("/agent-server/max-clients", test_max_clients);
    ADD("/agent-server/big-reply", test_big_reply);
    ADD("/agent-server/big-frame", test_big_frame);
    ADD("/agent-server/close-after-reply", test_close_after_reply);
    ADD("/agent-server/client-gone-mid-call", test_client_gone_mid_call);
    ADD("/agent-server/drain", test_drain);
    ADD("/agent-server/no-dispatcher", test_no_dispatcher);
    return g_test_run();
}
