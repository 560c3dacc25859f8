/*
 * remote_client.c: socket, reader thread, serial matching and keepalive
 * of one remote connection
 *
 * The reader thread is the only one that reads the socket. It polls the
 * socket and an eventfd (rung by remote_client_close() and by keepalive
 * changes), reads frames without blocking so that a half-sent frame never
 * stops keepalive or a close, and times its poll by the keepalive
 * deadline. Writers (callers, and the reader for PING/PONG) serialise on
 * write_lock and never hold the state lock while writing.
 *
 * Lifetime: the client is reference counted; the remote driver holds one
 * reference, the reader thread another. A handler may drop the last
 * reference of the virConnect (and so close this client) on the reader
 * thread itself: the thread is then detached instead of joined and frees
 * the client when it leaves its loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "drivers/remote/remote_client.h"
#include "rpc/procedures.h"
#include "util/error.h"

typedef struct {
    guint32 serial;
    int procedure;
    GCond cond;
    bool done;
    GBytes *body;  /* the REPLY, everything after the length word */
    GError *error; /* or why there is none */
} PendingCall;

struct RemoteClient {
    gint refs;
    int fd;
    int wake_fd;
    GThread *reader;
    GMutex write_lock; /* one frame at a time on the socket */

    GMutex lock; /* protects everything below */
    guint32 next_serial;
    GHashTable *calls; /* serial -> PendingCall * (on its caller's stack) */
    bool dead;         /* the connection broke */
    bool closing;      /* remote_client_close() was called */
    int ka_interval;   /* seconds; <= 0: keepalive off */
    unsigned int ka_count;
    unsigned int ka_sent; /* PINGs sent since we last heard anything */
    gint64 last_rx;       /* monotonic time of the last received bytes */
    RemoteClientEventFunc event_fn;
    RemoteClientCloseFunc close_fn;
    void *opaque;
};

static void
client_unref(RemoteClient *c)
{
    if (!g_atomic_int_dec_and_test(&c->refs))
        return;
    if (c->fd >= 0)
        close(c->fd);
    if (c->wake_fd >= 0)
        close(c->wake_fd);
    g_hash_table_unref(c->calls);
    g_mutex_clear(&c->write_lock);
    g_mutex_clear(&c->lock);
    g_free(c);
}

RemoteClient *
remote_client_connect(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    RemoteClient *c;
    int fd;
    int r;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        error_set_errno(error, RPC_ERROR, ENAMETOOLONG, "Failed to connect socket to '%s'", path);
        return NULL;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        error_set_errno(error, RPC_ERROR, errno, "Failed to create socket");
        return NULL;
    }
    do {
        r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        int saved = errno;

        close(fd);
        error_set_errno(error, RPC_ERROR, saved, "Failed to connect socket to '%s'", path);
        return NULL;
    }

    c = g_new0(RemoteClient, 1);
    c->refs = 1;
    c->fd = fd;
    if ((c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        error_set_errno(error, RPC_ERROR, errno, "Unable to create eventfd");
        c->wake_fd = -1;
        g_mutex_init(&c->write_lock);
        g_mutex_init(&c->lock);
        c->calls = g_hash_table_new(NULL, NULL);
        client_unref(c);
        return NULL;
    }
    g_mutex_init(&c->write_lock);
    g_mutex_init(&c->lock);
    c->calls = g_hash_table_new(NULL, NULL);
    c->last_rx = g_get_monotonic_time();
    return c;
}

static void
wake_reader(RemoteClient *c)
{
    guint64 one = 1;

    /* A full counter (impossible in practice) still wakes the reader. */
    if (write(c->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        shutdown(c->fd, SHUT_RDWR);
}

/* Sends a whole frame; errno-style result (0 or an errno value). */
static int
send_frame(RemoteClient *c, GBytes *frame)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(frame, &len);
    int err = 0;

    g_mutex_lock(&c->write_lock);
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        data += n;
        len -= n;
    }
    g_mutex_unlock(&c->write_lock);
    return err;
}

static void
send_keepalive(RemoteClient *c, int procedure)
{
    g_autoptr(GBytes) frame = NULL;
    RpcHeader header = {
        .prog = RPC_KEEPALIVE_PROGRAM,
        .vers = RPC_KEEPALIVE_VERSION,
        .procedure = procedure,
        .type = RPC_TYPE_MESSAGE,
        .serial = RPC_KEEPALIVE_SERIAL,
        .status = RPC_STATUS_OK,
    };

    if (!(frame = rpc_message_encode(&header, NULL, NULL, NULL)))
        return;
    /* A failed write shows up as EOF or an error on the reading side. */
    send_frame(c, frame);
}

/* Marks the connection broken and fails every waiting call with a copy of
 * @err (taken). Caller holds the lock. Returns whether the close handler
 * should run (not when remote_client_close() is ending the connection, nor
 * a second time). */
static bool
fail_all_locked(RemoteClient *c, GError *err)
{
    GHashTableIter iter;
    gpointer value;
    bool report = !c->dead && !c->closing;

    c->dead = true;
    g_hash_table_iter_init(&iter, c->calls);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        PendingCall *call = value;

        call->error = g_error_copy(err);
        call->done = true;
        g_cond_signal(&call->cond);
        g_hash_table_iter_remove(&iter);
    }
    g_error_free(err);
    return report;
}

static void
connection_broke(RemoteClient *c, GError *err, int reason)
{
    bool report;

    g_mutex_lock(&c->lock);
    report = fail_all_locked(c, err);
    g_mutex_unlock(&c->lock);
    if (report && c->close_fn)
        c->close_fn(reason, c->opaque);
}

static void
handle_reply(RemoteClient *c, const RpcHeader *header, GBytes *body)
{
    PendingCall *call;

    g_mutex_lock(&c->lock);
    call = g_hash_table_lookup(c->calls, GUINT_TO_POINTER(header->serial));
    if (!call) {
        /* Nobody waits for it (a reply to a call that failed to send):
         * libvirt's client drops such replies too. */
        g_mutex_unlock(&c->lock);
        return;
    }
    g_hash_table_remove(c->calls, GUINT_TO_POINTER(header->serial));
    if (header->procedure != call->procedure) {
        call->error = g_error_new(RPC_ERROR, VIR_ERR_RPC, "Unexpected message proc %d != %d",
                                  header->procedure, call->procedure);
    } else {
        call->body = g_bytes_ref(body);
    }
    call->done = true;
    g_cond_signal(&call->cond);
    g_mutex_unlock(&c->lock);
}

/* One complete frame; @body is everything after the length word. */
static void
handle_frame(RemoteClient *c, GBytes *body)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(body, &len);
    RpcHeader header;

    if (!rpc_header_decode(data, len, &header, NULL))
        return;
    if (header.prog == RPC_KEEPALIVE_PROGRAM && header.vers == RPC_KEEPALIVE_VERSION) {
        if (header.type == RPC_TYPE_MESSAGE && header.procedure == RPC_KEEPALIVE_PROC_PING)
            send_keepalive(c, RPC_KEEPALIVE_PROC_PONG);
        /* a PONG only proves the peer is alive: receiving it did that */
        return;
    }
    if (header.prog != RPC_REMOTE_PROGRAM || header.vers != RPC_REMOTE_VERSION)
        return;
    switch (header.type) {
    case RPC_TYPE_REPLY:
        handle_reply(c, &header, body);
        break;
    case RPC_TYPE_MESSAGE:
        if (c->event_fn)
            c->event_fn(&header, data, len, c->opaque);
        break;
    case RPC_TYPE_CALL:
    case RPC_TYPE_STREAM:
    case RPC_TYPE_CALL_WITH_FDS:
    case RPC_TYPE_REPLY_WITH_FDS:
    case RPC_TYPE_STREAM_HOLE:
    default:
        break;
    }
}

/* Keepalive bookkeeping before each poll: sends a PING when one is due,
 * gives up after ka_count unanswered ones. Returns the poll timeout (ms,
 * -1 for none), or -2 when the connection must be closed. */
static int
keepalive_step(RemoteClient *c)
{
    for (;;) {
        gint64 now, deadline;

        g_mutex_lock(&c->lock);
        if (c->ka_interval <= 0) {
            g_mutex_unlock(&c->lock);
            return -1;
        }
        now = g_get_monotonic_time();
        deadline = c->last_rx + (gint64)c->ka_interval * G_USEC_PER_SEC * (c->ka_sent + 1);
        if (now < deadline) {
            g_mutex_unlock(&c->lock);
            return (int)MIN((deadline - now + 999) / 1000, G_MAXINT);
        }
        if (c->ka_sent >= c->ka_count) {
            g_mutex_unlock(&c->lock);
            return -2;
        }
        c->ka_sent++;
        g_mutex_unlock(&c->lock);
        send_keepalive(c, RPC_KEEPALIVE_PROC_PING);
    }
}

static void
note_received(RemoteClient *c)
{
    g_mutex_lock(&c->lock);
    c->last_rx = g_get_monotonic_time();
    c->ka_sent = 0;
    g_mutex_unlock(&c->lock);
}

static bool
is_closing(RemoteClient *c)
{
    bool closing;

    g_mutex_lock(&c->lock);
    closing = c->closing;
    g_mutex_unlock(&c->lock);
    return closing;
}

typedef struct {
    guint8 len_word[RPC_LEN_WORD_SIZE];
    gsize len_got;
    guint8 *body; /* allocated once the length word is known */
    gsize body_len;
    gsize body_got;
} FrameReader;

typedef enum {
    READ_AGAIN,  /* nothing more to read now */
    READ_FRAME,  /* *ret_body holds a complete frame */
    READ_BROKEN, /* *error and *ret_reason say why */
} ReadStatus;

static ReadStatus
read_some(RemoteClient *c, FrameReader *fr, GBytes **ret_body, int *ret_reason, GError **error)
{
    for (;;) {
        guint8 *dst;
        gsize want;
        ssize_t n;

        if (fr->len_got < RPC_LEN_WORD_SIZE) {
            dst = fr->len_word + fr->len_got;
            want = RPC_LEN_WORD_SIZE - fr->len_got;
        } else {
            dst = fr->body + fr->body_got;
            want = fr->body_len - fr->body_got;
        }
        n = recv(c->fd, dst, want, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return READ_AGAIN;
            error_set_errno(error, RPC_ERROR, errno, "Cannot recv data");
            *ret_reason = VIR_CONNECT_CLOSE_REASON_ERROR;
            return READ_BROKEN;
        }
        if (n == 0) {
            /* libvirt reports every EOF this way, mid-frame or not */
            error_set_errno(error, RPC_ERROR, EIO, "End of file while reading data");
            *ret_reason = VIR_CONNECT_CLOSE_REASON_EOF;
            return READ_BROKEN;
        }
        note_received(c);
        if (fr->len_got < RPC_LEN_WORD_SIZE) {
            guint32 length;

            fr->len_got += n;
            if (fr->len_got < RPC_LEN_WORD_SIZE)
                continue;
            if (!rpc_frame_length_decode(fr->len_word, &length, error)) {
                *ret_reason = VIR_CONNECT_CLOSE_REASON_ERROR;
                return READ_BROKEN;
            }
            fr->body_len = length - RPC_LEN_WORD_SIZE;
            fr->body = g_malloc(fr->body_len);
            fr->body_got = 0;
            continue;
        }
        fr->body_got += n;
        if (fr->body_got < fr->body_len)
            continue;
        *ret_body = g_bytes_new_take(g_steal_pointer(&fr->body), fr->body_len);
        fr->len_got = 0;
        fr->body_len = fr->body_got = 0;
        return READ_FRAME;
    }
}

static gpointer
reader_main(gpointer data)
{
    RemoteClient *c = data;
    FrameReader fr = { 0 };

    while (!is_closing(c)) {
        struct pollfd fds[2] = {
            { .fd = c->fd, .events = POLLIN },
            { .fd = c->wake_fd, .events = POLLIN },
        };
        GError *err = NULL;
        int reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        int timeout = keepalive_step(c);
        ReadStatus status;

        if (timeout == -2) {
            connection_broke(c,
                             g_error_new_literal(RPC_ERROR, VIR_ERR_INTERNAL_ERROR,
                                                 "connection closed due to keepalive timeout"),
                             VIR_CONNECT_CLOSE_REASON_KEEPALIVE);
            break;
        }
        if (poll(fds, G_N_ELEMENTS(fds), timeout) < 0) {
            if (errno == EINTR)
                continue;
            connection_broke(
                c,
                g_error_new(RPC_ERROR, VIR_ERR_SYSTEM_ERROR, "poll failed: %s", g_strerror(errno)),
                VIR_CONNECT_CLOSE_REASON_ERROR);
            break;
        }
        if (fds[1].revents) {
            guint64 count;

            if (read(c->wake_fd, &count, sizeof(count)) < 0) {
                /* EAGAIN: someone else drained it; nothing to do */
            }
            continue;
        }
        if (!fds[0].revents)
            continue;
        do {
            g_autoptr(GBytes) body = NULL;

            status = read_some(c, &fr, &body, &reason, &err);
            if (status == READ_FRAME)
                handle_frame(c, body);
        } while (status == READ_FRAME && !is_closing(c));
        if (status == READ_BROKEN) {
            connection_broke(c, err, reason);
            break;
        }
    }
    g_free(fr.body);
    /* Nothing can be read any more: let writers fail fast too. */
    shutdown(c->fd, SHUT_RDWR);
    client_unref(c);
    return NULL;
}

void
remote_client_start(RemoteClient *client, RemoteClientEventFunc event_fn,
                    RemoteClientCloseFunc close_fn, void *opaque)
{
    client->event_fn = event_fn;
    client->close_fn = close_fn;
    client->opaque = opaque;
    g_atomic_int_inc(&client->refs); /* the reader's */
    client->reader = g_thread_new("vn-remote-reader", reader_main, client);
}

bool
remote_client_in_reader(RemoteClient *client)
{
    return client->reader && g_thread_self() == client->reader;
}

static bool
decode_reply(const RpcProcedure *proc, GBytes *body, void *ret, GError **error)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(body, &len);
    RpcHeader header;
    RpcError rerr;
    GError *err;

    if (!rpc_header_decode(data, len, &header, error))
        return false;
    switch (header.status) {
    case RPC_STATUS_OK:
        return rpc_payload_decode(data, len, proc->ret_proc, ret, proc->ret_size, error);
    case RPC_STATUS_ERROR:
        if (!rpc_payload_decode(data, len, (xdrproc_t)xdr_RpcError, &rerr, sizeof(rerr), error))
            return false;
        err = rpc_error_to_gerror(&rerr);
        /* Servers answer procedures they lack with "unknown procedure";
         * callers (virsh, python) only fall back on VIR_ERR_NO_SUPPORT. */
        if (rerr.code == VIR_ERR_RPC && rerr.level == VIR_ERR_ERROR &&
            (rerr.domain == VIR_FROM_RPC || rerr.domain == VIR_FROM_REMOTE) && rerr.message &&
            *rerr.message && g_str_has_prefix(*rerr.message, "unknown procedure"))
            err->code = VIR_ERR_NO_SUPPORT;
        rpc_payload_free((xdrproc_t)xdr_RpcError, &rerr);
        g_propagate_error(error, err);
        return false;
    case RPC_STATUS_CONTINUE:
    default:
        g_set_error(error, RPC_ERROR, VIR_ERR_RPC, "Unexpected message status %d",
                    (int)header.status);
        return false;
    }
}

bool
remote_client_call(RemoteClient *client, int procedure, const void *args, void *ret, GError **error)
{
    const RpcProcedure *proc = rpc_remote_procedure(procedure);
    g_autoptr(GBytes) frame = NULL;
    g_autoptr(GBytes) body = NULL;
    PendingCall call = { .procedure = procedure };
    RpcHeader header;
    int err;

    g_assert(proc);
    g_mutex_lock(&client->lock);
    if (client->dead || client->closing) {
        g_mutex_unlock(&client->lock);
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_INTERNAL_ERROR, "client socket is closed");
        return false;
    }
    call.serial = client->next_serial++;
    g_mutex_unlock(&client->lock);

    rpc_header_init(&header, procedure, RPC_TYPE_CALL, call.serial, RPC_STATUS_OK);
    if (!(frame = rpc_message_encode(&header, proc->args_proc, args, error)))
        return false;

    g_cond_init(&call.cond);
    g_mutex_lock(&client->lock);
    if (client->dead || client->closing) {
        g_mutex_unlock(&client->lock);
        g_cond_clear(&call.cond);
        g_set_error_literal(error, RPC_ERROR, VIR_ERR_INTERNAL_ERROR, "client socket is closed");
        return false;
    }
    /* Registered before sending: the reply may arrive before we wait. */
    g_hash_table_insert(client->calls, GUINT_TO_POINTER(call.serial), &call);
    g_mutex_unlock(&client->lock);

    err = send_frame(client, frame);

    g_mutex_lock(&client->lock);
    if (err && !call.done) {
        g_hash_table_remove(client->calls, GUINT_TO_POINTER(call.serial));
        call.error =
            g_error_new(RPC_ERROR, VIR_ERR_SYSTEM_ERROR, "Cannot write data: %s", g_strerror(err));
        call.done = true;
        /* The stream may hold half a frame now: make the reader notice. */
        shutdown(client->fd, SHUT_RDWR);
    }
    while (!call.done)
        g_cond_wait(&call.cond, &client->lock);
    g_mutex_unlock(&client->lock);
    g_cond_clear(&call.cond);

    if (call.error) {
        g_propagate_error(error, call.error);
        return false;
    }
    body = call.body;
    return decode_reply(proc, body, ret, error);
}

void
remote_client_set_keepalive(RemoteClient *client, int interval, unsigned int count)
{
    g_mutex_lock(&client->lock);
    client->ka_interval = interval;
    client->ka_count = count;
    client->ka_sent = 0;
    client->last_rx = g_get_monotonic_time();
    g_mutex_unlock(&client->lock);
    wake_reader(client);
}

bool
remote_client_is_alive(RemoteClient *client)
{
    bool alive;

    g_mutex_lock(&client->lock);
    alive = !client->dead && !client->closing;
    g_mutex_unlock(&client->lock);
    return alive;
}

void
remote_client_close(RemoteClient *client)
{
    GThread *reader;

    if (!client)
        return;
    g_mutex_lock(&client->lock);
    client->closing = true;
    g_mutex_unlock(&client->lock);
    reader = g_steal_pointer(&client->reader);
    wake_reader(client);
    shutdown(client->fd, SHUT_RDWR);
    if (reader) {
        if (g_thread_self() == reader)
            g_thread_unref(reader); /* we are the reader: it frees itself */
        else
            g_thread_join(reader);
    }
    g_mutex_lock(&client->lock);
    fail_all_locked(
        client, g_error_new_literal(RPC_ERROR, VIR_ERR_INTERNAL_ERROR, "client socket is closed"));
    g_mutex_unlock(&client->lock);
    client_unref(client);
}
